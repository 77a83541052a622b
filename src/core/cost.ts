// What one model call cost. An unknown price gives an unknown cost (null), never $0: a free
// guess would let spending slip past the budget unnoticed.
import type { Usage } from './modelClient';
import { findPrice, type PriceOverrides } from './prices';

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
  const input = nonNegative(usage.inputTokens);
  // inputTokens includes the cached ones; a provider reporting more cached than total is
  // clamped so no token is billed twice.
  const cached = Math.min(nonNegative(usage.cachedInputTokens), input);
  const { inputPerMTok, cachedInputPerMTok, outputPerMTok } = match.price;
  const usd = ((input - cached) * inputPerMTok + cached * cachedInputPerMTok + nonNegative(usage.outputTokens) * outputPerMTok) / PER_MILLION;
  return { usd, source: match.origin, matchedId: match.matchedId };
}

/** Dollars for people: cents for whole amounts, up to four decimals for the tiny ones. */
export function formatUsd(usd: number): string {
  if (Math.abs(usd) >= 1) return `$${usd.toFixed(2)}`;
  return `$${usd.toFixed(4).replace(/(\.\d\d\d*?)0+$/, '$1')}`;
}

function nonNegative(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}
