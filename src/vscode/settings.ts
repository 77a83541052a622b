// Reads `deepReview.*` settings into the core's typed settings. Invalid values never crash:
// each falls back to its default and is reported once in the log.
import * as vscode from 'vscode';
import type { BudgetLimits } from '../core/cost/budget';
import { PROVIDER_IDS, type ProviderId } from '../core/modelClient';
import { resolveTierSpecs, type ModelSettings } from '../core/routing/modelSettings';
import { parsePriceOverrides } from '../core/cost/prices';
import type { EngineSettings } from '../core/reviewEngine';
import type { RoutingMode } from '../core/routing/router';
import type { ReasoningEffort } from '../core/requests/request';

export type ProviderSetting = ProviderId | 'auto';
export type CompletionNotifications = 'whenPanelHidden' | 'always' | 'never';

export interface DeepReviewSettings {
  provider: ProviderSetting;
  model: Omit<ModelSettings, 'provider'>;
  engine: Omit<EngineSettings, 'routing'> & { routingMode: RoutingMode; maxWaitSeconds: number };
  contextLines: number;
  keepReasoningExpanded: boolean;
  notifications: CompletionNotifications;
  idleTimeoutMs: number;
  requestTimeoutMs: number;
}

type Warn = (message: string) => void;

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T, key: string, warn: Warn): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  if (value !== undefined) warn(`Setting deepReview.${key} has an invalid value ${JSON.stringify(value)}; using "${fallback}".`);
  return fallback;
}

function num(value: unknown, fallback: number, min: number, max: number, key: string, warn: Warn): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max) return value;
  if (value !== undefined) warn(`Setting deepReview.${key} must be a number from ${min} to ${max}; using ${fallback}.`);
  return fallback;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

export function readSettings(warn: Warn, config: vscode.WorkspaceConfiguration = vscode.workspace.getConfiguration('deepReview')): DeepReviewSettings {
  const get = (key: string): unknown => config.get(key);
  const budget: BudgetLimits = {
    dailyUsd: num(get('budget.dailyUsd'), 5, 0, 1e6, 'budget.dailyUsd', warn),
    monthlyUsd: num(get('budget.monthlyUsd'), 50, 0, 1e7, 'budget.monthlyUsd', warn),
    confirmAboveUsd: num(get('budget.confirmAboveUsd'), 0.5, 0, 1e6, 'budget.confirmAboveUsd', warn),
  };
  return {
    provider: pick(get('provider'), ['auto', ...PROVIDER_IDS] as const, 'auto', 'provider', warn),
    model: {
      baseUrl: str(get('baseUrl')) || undefined,
      models: { fast: str(get('models.fast')), capable: str(get('models.capable')), reasoning: str(get('models.reasoning')) },
      effort: pick<ReasoningEffort>(get('reasoning.effort'), ['low', 'medium', 'high'], 'medium', 'reasoning.effort', warn),
      maxThinkingTokens: Math.round(num(get('reasoning.maxThinkingTokens'), 8192, 0, 128_000, 'reasoning.maxThinkingTokens', warn)),
    },
    engine: {
      routingMode: pick<RoutingMode>(get('routing.mode'), ['auto', 'alwaysReasoning', 'neverReasoning'], 'auto', 'routing.mode', warn),
      maxWaitSeconds: num(get('routing.maxWaitSeconds'), 90, 5, 3600, 'routing.maxWaitSeconds', warn),
      budget,
      priceOverrides: parsePriceOverrides(get('prices.overrides') ?? {}, warn),
      concurrency: Math.round(num(get('jobs.concurrency'), 2, 1, 16, 'jobs.concurrency', warn)),
      cacheMaxBytes: num(get('cache.maxSizeMB'), 50, 1, 2048, 'cache.maxSizeMB', warn) * 1024 * 1024,
      redactSecrets: get('privacy.redactSecrets') !== false,
      maxFileBytes: Math.round(num(get('maxFileBytes'), 2 * 1024 * 1024, 1024, 100 * 1024 * 1024, 'maxFileBytes', warn)),
    },
    contextLines: Math.round(num(get('capture.contextLines'), 20, 0, 500, 'capture.contextLines', warn)),
    keepReasoningExpanded: get('reasoning.keepExpanded') === true,
    notifications: pick<CompletionNotifications>(get('notifications.onCompletion'), ['whenPanelHidden', 'always', 'never'], 'whenPanelHidden', 'notifications.onCompletion', warn),
    idleTimeoutMs: num(get('network.idleTimeoutSeconds'), 120, 5, 1800, 'network.idleTimeoutSeconds', warn) * 1000,
    requestTimeoutMs: num(get('requestTimeoutSeconds'), 900, 30, 7200, 'requestTimeoutSeconds', warn) * 1000,
  };
}

/** The engine's settings once the provider is known (auto resolves at run time). */
export function engineSettingsFor(s: DeepReviewSettings, provider: ProviderId, languageModelId = ''): EngineSettings {
  // VS Code's models have no fixed ids to default to: use the one found available.
  const models = provider === 'vscode-lm' ? { fast: s.model.models.fast || languageModelId, capable: s.model.models.capable || languageModelId, reasoning: s.model.models.reasoning || languageModelId } : s.model.models;
  const tiers = resolveTierSpecs({ ...s.model, models, provider });
  return {
    routing: { mode: s.engine.routingMode, maxWaitSeconds: s.engine.maxWaitSeconds, tiers },
    budget: s.engine.budget,
    priceOverrides: s.engine.priceOverrides,
    concurrency: s.engine.concurrency,
    cacheMaxBytes: s.engine.cacheMaxBytes,
    redactSecrets: s.engine.redactSecrets,
    maxFileBytes: s.engine.maxFileBytes,
    maxFileBytesName: 'the deepReview.maxFileBytes setting',
  };
}

/** The current settings, re-read when a `deepReview.*` setting changes. */
export class LiveSettings implements vscode.Disposable {
  private value: DeepReviewSettings;
  private readonly subscription: vscode.Disposable;

  constructor(warn: Warn) {
    this.value = readSettings(warn);
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('deepReview')) this.value = readSettings(warn);
    });
  }

  /** Bound, so it can be handed around as `() => DeepReviewSettings`. */
  readonly current = (): DeepReviewSettings => this.value;

  dispose(): void {
    this.subscription.dispose();
  }
}
