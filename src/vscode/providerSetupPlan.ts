// What "Choose Provider & Models" asks and what it writes, decided without any UI (pure, so unit
// tests pin it): the steps in order with their numbers, the values each step starts from, and
// the settings written at the end. Choosing another provider starts from that provider's
// defaults: the old provider's models and server URL never carry over.
import type { ProviderId } from '../core/modelClient';
import { PROVIDER_CATALOG } from '../core/providers/catalog';
import type { ModelTier, ReasoningEffort } from '../core/requests/request';

export type SetupStep = { kind: 'baseUrl' } | { kind: 'model'; tier: ModelTier } | { kind: 'effort' } | { kind: 'thinking' };

/** The current user settings the flow starts from. */
export interface CurrentSetup {
  provider: string | undefined;
  baseUrl: string | undefined;
  models: Partial<Record<ModelTier, string>>;
}

export interface SetupAnswers {
  baseUrl?: string;
  models: Record<ModelTier, string>;
  effort: ReasoningEffort;
  maxThinkingTokens: number;
}

const TIERS: readonly ModelTier[] = ['fast', 'capable', 'reasoning'];

/** Whether the flow asks for a server address: self-hosted servers (no default) and local ones. */
export function asksForBaseUrl(provider: ProviderId): boolean {
  const { defaultBaseUrl, baseUrlExample } = PROVIDER_CATALOG[provider];
  return defaultBaseUrl === undefined ? baseUrlExample !== undefined : /^https?:\/\/(localhost|127\.0\.0\.1)[:/]/.test(defaultBaseUrl);
}

/** The steps after the provider is chosen, in order. */
export function setupSteps(provider: ProviderId): SetupStep[] {
  return [...(asksForBaseUrl(provider) ? [{ kind: 'baseUrl' } as const] : []), ...TIERS.map((tier) => ({ kind: 'model', tier }) as const), { kind: 'effort' }, { kind: 'thinking' }];
}

/** "(3/7)": the provider pick is step 1, so every title has its own number and the last is N/N. */
export function stepTitle(label: string, index: number, steps: readonly SetupStep[]): string {
  return `Deep Review: ${label} (${index + 2}/${steps.length + 1})`;
}

/** What a step's input box starts with: the current value only if the provider stays the same. */
export function startingValue(step: SetupStep, provider: ProviderId, current: CurrentSetup): string {
  const same = current.provider === provider;
  const facts = PROVIDER_CATALOG[provider];
  if (step.kind === 'baseUrl') return (same && current.baseUrl) || facts.defaultBaseUrl || facts.baseUrlExample || '';
  if (step.kind === 'model') return (same && current.models[step.tier]) || facts.defaultModels[step.tier];
  return '';
}

/**
 * The settings to write (undefined removes one). A model equal to the provider's default is
 * stored as "" (follow the default); the base URL is removed unless this provider's flow asked.
 */
export function setupSettings(provider: ProviderId, answers: SetupAnswers): Record<string, string | number | undefined> {
  const facts = PROVIDER_CATALOG[provider];
  const out: Record<string, string | number | undefined> = { provider };
  for (const tier of TIERS) {
    const value = answers.models[tier].trim();
    out[`models.${tier}`] = value === facts.defaultModels[tier] ? '' : value;
  }
  out['reasoning.effort'] = answers.effort;
  out['reasoning.maxThinkingTokens'] = answers.maxThinkingTokens;
  const url = answers.baseUrl?.trim();
  out.baseUrl = asksForBaseUrl(provider) && url && url !== facts.defaultBaseUrl ? url : undefined;
  return out;
}

/** The key prompt's text: where the key is kept, then the provider's own hint. */
export function keyPrompt(provider: ProviderId): string {
  const hint = PROVIDER_CATALOG[provider].keyHint;
  return `Stored in VS Code's secret storage only.${hint ? ` ${hint.charAt(0).toUpperCase()}${hint.slice(1)}` : ''}`;
}
