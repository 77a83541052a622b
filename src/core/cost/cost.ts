// What one model call cost. An unknown price gives an unknown cost (null), never $0: a free
// guess would let spending slip past the budget unnoticed.
import type { ModelSpec, Usage } from '../modelClient';
import { findPrice, type PriceOverrides } from './prices';

export { formatUsd } from './money';

export type CostSource = 'provider' | 'override' | 'table' | 'unknown';

export interface CostEstimate {
  usd: number | null;
  source: CostSource;
  /** The price key used, when the cost came from a price (override or table). */
  matchedId?: string;
}

const PER_MILLION = 1_000_000;

export function costOfUsage(usage: Usage, model: string, overrides?: PriceOverrides): CostEstimate {
  // What the provider charged (OpenRouter `usage.cost`) is the truth; list prices only estimate it.
  if (usage.providerCostUsd !== undefined && Number.isFinite(usage.providerCostUsd) && usage.providerCostUsd >= 0) {
    return { usd: usage.providerCostUsd, source: 'provider' };
  }
  const match = findPrice(model, overrides);
  if (!match) return { usd: null, source: 'unknown' };
  const { read, write, uncached } = inputShares(usage);
  const { inputPerMTok, cachedInputPerMTok, cacheWritePerMTok, outputPerMTok } = match.price;
  const usd = (uncached * inputPerMTok + read * cachedInputPerMTok + write * cacheWritePerMTok + nonNegative(usage.outputTokens) * outputPerMTok) / PER_MILLION;
  return { usd, source: match.origin, matchedId: match.matchedId };
}

/**
 * inputTokens includes cache reads and writes; a provider reporting more of them than the total
 * is clamped (reads first) so no token is billed twice.
 */
function inputShares(usage: Usage): { read: number; write: number; uncached: number } {
  const input = nonNegative(usage.inputTokens);
  const read = Math.min(nonNegative(usage.cachedInputTokens), input);
  const write = Math.min(nonNegative(usage.cacheWriteTokens ?? 0), input - read);
  return { read, write, uncached: input - read - write };
}

/**
 * What the usage would cost at the list price with no prompt cache (every input token at the
 * input price) and no batch discount: the reference the savings are measured against. null when
 * the model has no known price; a provider-reported cost has no list price to compare with
 * unless the model is in the table.
 */
export function listCostOfUsage(usage: Usage, model: string, overrides?: PriceOverrides): number | null {
  const match = findPrice(model, overrides);
  if (!match) return usage.providerCostUsd !== undefined && Number.isFinite(usage.providerCostUsd) && usage.providerCostUsd >= 0 ? usage.providerCostUsd : null;
  const { inputPerMTok, outputPerMTok } = match.price;
  return (nonNegative(usage.inputTokens) * inputPerMTok + nonNegative(usage.outputTokens) * outputPerMTok) / PER_MILLION;
}

function nonNegative(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** The most a request can be billed for, from its prompt and its spec. */
export interface UsageBounds {
  /** The worst case reserved before sending (input estimate + every output token allowed). */
  worstCase: { inputTokens: number; maxOutputTokens: number; usd: number | null };
  /** No tokenizer makes more tokens than the prompt has bytes; framing adds a little. */
  maxInputTokens: number;
  /**
   * Output past this cannot have been billed. Not the limit asked for: providers overrun soft
   * thinking budgets (and bill the overrun), so it is twice the request's allowance or the
   * largest output any current model produces, whichever is more.
   */
  maxOutputTokens: number;
  maxThinkingTokens: number;
}

const INPUT_FRAMING_TOKENS = 1024;
const OUTPUT_SLACK = 2;
/** Above every current model's output limit (64k–128k tokens). */
const MAX_MODEL_OUTPUT_TOKENS = 262_144;
/** With no price to compare against, a provider-reported cost above this is not believed. */
const MAX_PLAUSIBLE_UNPRICED_USD = 100;

export function usageBounds(promptText: string, spec: Pick<ModelSpec, 'maxThinkingTokens' | 'maxAnswerTokens'>, worstCase: UsageBounds['worstCase']): UsageBounds {
  return {
    worstCase,
    maxInputTokens: new TextEncoder().encode(promptText).length + INPUT_FRAMING_TOKENS,
    maxOutputTokens: Math.max(MAX_MODEL_OUTPUT_TOKENS, Math.ceil(worstCase.maxOutputTokens * OUTPUT_SLACK)),
    maxThinkingTokens: Math.max(0, spec.maxThinkingTokens),
  };
}

export interface Charge {
  /** The usage the job is charged for: as reported, or the worst case when not trusted. */
  usage: Usage;
  cost: CostEstimate;
  trusted: boolean;
  /** Why the reported usage was not believed (empty when trusted). */
  problems: string[];
}

/**
 * What a finished request is charged. Usage that is negative, fractional, not a number or beyond
 * what the request could use is never dropped and never believed: the job is charged its worst
 * case (and marked), so a broken usage block can neither hide spend nor lock the budget.
 */
export function chargeUsage(usage: Usage, model: string, bounds: UsageBounds, overrides?: PriceOverrides): Charge {
  const problems: string[] = [];
  const check = (name: string, value: unknown, max: number) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${name} is ${describe(value)}`);
    else if (value < 0) problems.push(`${name} is negative (${value})`);
    else if (!Number.isInteger(value)) problems.push(`${name} is fractional (${value})`);
    else if (value > max) problems.push(`${name} (${value}) is more than the request could use (${max})`);
  };
  check('input tokens', usage.inputTokens, bounds.maxInputTokens);
  check('cached input tokens', usage.cachedInputTokens, bounds.maxInputTokens);
  if (usage.cacheWriteTokens !== undefined) check('cache write tokens', usage.cacheWriteTokens, bounds.maxInputTokens);
  check('output tokens', usage.outputTokens, bounds.maxOutputTokens);
  check('thinking tokens', usage.reasoningTokens, bounds.maxOutputTokens);
  const providerCost = usage.providerCostUsd;
  if (providerCost !== undefined) {
    const max = bounds.worstCase.usd === null ? MAX_PLAUSIBLE_UNPRICED_USD : bounds.worstCase.usd * OUTPUT_SLACK + 0.01;
    if (typeof providerCost !== 'number' || !Number.isFinite(providerCost) || providerCost < 0) problems.push(`the reported cost is ${describe(providerCost)}`);
    else if (providerCost > max) problems.push(`the reported cost ($${providerCost}) is more than the request could cost`);
  }
  if (problems.length === 0) return { usage, cost: costOfUsage(usage, model, overrides), trusted: true, problems };
  const w = bounds.worstCase;
  const worst: Usage = {
    inputTokens: w.inputTokens,
    cachedInputTokens: 0,
    outputTokens: w.maxOutputTokens,
    reasoningTokens: Math.min(bounds.maxThinkingTokens, w.maxOutputTokens),
    estimated: true,
  };
  const match = findPrice(model, overrides);
  return { usage: worst, cost: { usd: w.usd, source: match ? match.origin : 'unknown', matchedId: match?.matchedId }, trusted: false, problems };
}

/** The warning a job carries when its usage was not believed. */
export function untrustedUsageWarning(charge: Charge): string {
  return `Usage not trusted: the provider's usage report could not be believed (${charge.problems.join('; ')}), so this job is charged its worst case.`;
}

function describe(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'not a number' : String(value);
  return value === undefined ? 'missing' : `not a number (${JSON.stringify(value)?.slice(0, 40) ?? typeof value})`;
}
