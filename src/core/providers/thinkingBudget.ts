// One thinking limit and one effort in the spec; providers that take a token budget
// (Anthropic, Gemini through OpenRouter) get the effort as a cap within that limit, so
// "low" really thinks less while maxThinkingTokens stays the worst case the budget counts on.
import type { ReasoningEffort } from '../requests/request';
import type { ModelSpec } from '../modelClient';

/** The most thinking each effort asks for; maxThinkingTokens caps it further. */
export const EFFORT_THINKING_CAP: Readonly<Record<ReasoningEffort, number>> = { low: 2048, medium: 8192, high: 32768 };

/** Anthropic's floor for `budget_tokens`. */
export const MIN_ANTHROPIC_BUDGET_TOKENS = 1024;

/** Whether this call should think at all: a reasoning spec with a non-zero limit. */
export function wantsThinking(spec: ModelSpec): boolean {
  return spec.reasoning && spec.maxThinkingTokens > 0;
}

/** The thinking budget in tokens for providers that take one. */
export function thinkingBudgetTokens(spec: ModelSpec): number {
  return Math.min(spec.maxThinkingTokens, EFFORT_THINKING_CAP[spec.effort]);
}

/** Room for thinking and answer together, for providers whose output limit includes thinking. */
export function thinkingPlusAnswerTokens(spec: ModelSpec): number {
  return (wantsThinking(spec) ? spec.maxThinkingTokens : 0) + spec.maxAnswerTokens;
}

/**
 * Reasoning tokens after which the client stops reading: well past the limit that was asked
 * for, since providers treat budgets loosely, but long before a runaway costs many times it.
 */
export function thinkingStopTokens(spec: ModelSpec): number {
  return spec.maxThinkingTokens + Math.max(2048, Math.ceil(spec.maxThinkingTokens / 2));
}
