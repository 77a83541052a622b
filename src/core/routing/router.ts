// Picks the model tier for a request: by complexity in auto mode, overridden by the routing
// mode and by a tier the user forced. When the reasoning model would take longer than the user
// is willing to wait, the capable model answers and the result offers extended thinking instead.
// Every decision carries human-readable reasons, shown with the result.
import type { ComplexityAssessment, ComplexityTier } from './complexity';
import type { ModelSpec } from '../modelClient';
import type { ModelTier, ReasoningEffort, ReviewRequest } from '../requests/request';
import { estimateTokens } from './tokens';
import { formatWaitRange, type WaitEstimate } from './waitEstimate';

export type RoutingMode = 'auto' | 'alwaysReasoning' | 'neverReasoning';

export interface RoutingConfig {
  mode: RoutingMode;
  /** Longest acceptable expected wait for the reasoning model, in seconds. */
  maxWaitSeconds: number;
  tiers: Record<ModelTier, ModelSpec>;
}

export const EXTENDED_THINKING_NOTE = 'For deeper analysis, use extended thinking mode';

export interface Escalation {
  tier: ModelTier;
  model: ModelSpec;
  /** Button text, e.g. "Re-run with Extended Thinking". */
  label: string;
}

/** The request's own thinking settings, which win over the tier's configured ones. */
export interface ModelOverrides {
  maxThinkingTokens?: number;
  effort?: ReasoningEffort;
}

export interface RouteDecision {
  tier: ModelTier;
  model: ModelSpec;
  complexity: ComplexityAssessment;
  /** Why this tier and model: the routing reason first, then the complexity reasons. */
  reasons: string[];
  /** EXTENDED_THINKING_NOTE when the capable model answers instead of the reasoning one. */
  note?: string;
  /** What the UI can offer next: the next tier up, or the reasoning tier after a fallback. */
  escalation?: Escalation;
  expectedWait: WaitEstimate;
  /** Token estimate of code, context and instruction; escalateRoute reuses it. */
  inputTokens?: number;
  /** The request's overrides; escalateRoute applies them to the reasoning model as well. */
  overrides?: ModelOverrides;
}

export type EstimateWait = (spec: ModelSpec, inputTokens: number) => WaitEstimate;

const TIER_FOR_COMPLEXITY: Record<ComplexityTier, ModelTier> = { simple: 'fast', medium: 'capable', complex: 'reasoning' };
const NEXT_TIER: Record<ModelTier, ModelTier | undefined> = { fast: 'capable', capable: 'reasoning', reasoning: undefined };
const ESCALATION_LABEL: Record<ModelTier, string> = {
  fast: 'Re-run with the fast model',
  capable: 'Re-run with the capable model',
  reasoning: 'Re-run with Extended Thinking',
};

/**
 * Decides tier and model. The "can the user wait?" check compares the reasoning model's
 * *expected* wait (not the pessimistic high end) with `maxWaitSeconds`: the setting promises a
 * fallback "when the reasoning model is expected to take longer", and the high end would send
 * most requests away from reasoning. The check applies only in auto mode without a forced tier.
 */
export function routeRequest(request: ReviewRequest, assessment: ComplexityAssessment, config: RoutingConfig, estimateWait: EstimateWait): RouteDecision {
  const inputTokens = requestInputTokens(request);
  const overrides = requestOverrides(request);
  const complexityHeadline = `assessed as ${assessment.tier} (score ${formatScore(assessment.score)})`;
  const context = { assessment, config, estimateWait, inputTokens, overrides };

  const forced = request.options.forcedTier;
  if (forced !== undefined) return decide(context, forced, [`you chose the ${forced} tier`, complexityHeadline]);

  if (config.mode === 'alwaysReasoning') {
    return decide(context, 'reasoning', ['routing mode is "always reasoning"', complexityHeadline]);
  }

  const wanted = TIER_FOR_COMPLEXITY[assessment.tier];
  const headline = `${assessment.tier} request (score ${formatScore(assessment.score)}) → ${wanted} model`;
  if (wanted !== 'reasoning') return decide(context, wanted, [headline]);

  if (config.mode === 'neverReasoning') {
    return fallBack(context, [`${assessment.tier} request, but routing mode is "never reasoning": the capable model answers`]);
  }

  const reasoningModel = withOverrides(config.tiers.reasoning, overrides);
  const reasoningWait = estimateWait(reasoningModel, inputTokens);
  if (reasoningWait.expectedSeconds > config.maxWaitSeconds) {
    return fallBack(context, [
      `the reasoning model would take ${formatWaitRange(reasoningWait)} (${reasoningWait.reason}), ` +
        `longer than your limit of ${config.maxWaitSeconds} s: the capable model answers`,
    ]);
  }
  return decide(context, 'reasoning', [headline], reasoningWait);
}

/** The reasoning tier, forced: what "Re-run with Extended Thinking" runs. */
export function escalateRoute(previous: RouteDecision, config: RoutingConfig, estimateWait: EstimateWait): RouteDecision {
  const context = {
    assessment: previous.complexity,
    config,
    estimateWait,
    inputTokens: previous.inputTokens ?? 0,
    overrides: previous.overrides ?? {},
  };
  return decide(context, 'reasoning', ['you chose the reasoning tier (extended thinking)', `previously answered by the ${previous.tier} model`]);
}

interface RouteContext {
  assessment: ComplexityAssessment;
  config: RoutingConfig;
  estimateWait: EstimateWait;
  inputTokens: number;
  overrides: ModelOverrides;
}

function decide(context: RouteContext, tier: ModelTier, routingReasons: string[], knownWait?: WaitEstimate): RouteDecision {
  const { assessment, config, estimateWait, inputTokens, overrides } = context;
  const model = withOverrides(config.tiers[tier], overrides);
  const next = NEXT_TIER[tier];
  const decision: RouteDecision = {
    tier,
    model,
    complexity: assessment,
    reasons: [...routingReasons, ...assessment.reasons],
    expectedWait: knownWait ?? estimateWait(model, inputTokens),
    inputTokens,
    overrides,
  };
  if (next !== undefined) decision.escalation = escalationTo(next, config, overrides);
  return decision;
}

/** The capable model answers a request that wanted reasoning, and offers reasoning next. */
function fallBack(context: RouteContext, routingReasons: string[]): RouteDecision {
  return { ...decide(context, 'capable', routingReasons), note: EXTENDED_THINKING_NOTE, escalation: escalationTo('reasoning', context.config, context.overrides) };
}

function escalationTo(tier: ModelTier, config: RoutingConfig, overrides: ModelOverrides): Escalation {
  return { tier, model: withOverrides(config.tiers[tier], overrides), label: ESCALATION_LABEL[tier] };
}

function withOverrides(spec: ModelSpec, overrides: ModelOverrides): ModelSpec {
  const model = { ...spec };
  if (overrides.maxThinkingTokens !== undefined) model.maxThinkingTokens = overrides.maxThinkingTokens;
  if (overrides.effort !== undefined) model.effort = overrides.effort;
  return model;
}

function requestOverrides(request: ReviewRequest): ModelOverrides {
  const { maxThinkingTokens, effort } = request.options;
  const overrides: ModelOverrides = {};
  if (maxThinkingTokens !== undefined) overrides.maxThinkingTokens = maxThinkingTokens;
  if (effort !== undefined) overrides.effort = effort;
  return overrides;
}

/** What is sent besides the fixed prompt: the code, its context and the instruction. */
export function requestInputTokens(request: ReviewRequest): number {
  const { target } = request;
  return estimateTokens([target.contextBefore, target.code, target.contextAfter, request.instruction ?? ''].join('\n'));
}

function formatScore(score: number): string {
  return Number.isInteger(score) ? String(score) : score.toFixed(1);
}
