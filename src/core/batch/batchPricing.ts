// What a batch costs: the list price times the provider's batch factor (cost/prices.ts, where
// the factor lives next to the prices it discounts). Unknown stays unknown, never $0.
import type { WorstCase } from '../cost/budget';
import { costOfUsage, type CostEstimate } from '../cost/cost';
import { batchPriceFactor, type PriceOverrides } from '../cost/prices';
import type { Usage } from '../modelClient';
import type { BatchProviderId } from './batchTypes';

export interface BatchCost extends CostEstimate {
  /** What the same usage costs at the list price (null when the price is unknown). */
  listUsd: number | null;
}

/** The provider's batch factor; a batch provider always has one (the catalog says it batches). */
function factorOf(provider: BatchProviderId): number {
  const factor = batchPriceFactor(provider);
  if (factor === undefined) throw new Error(`${provider} has no batch price`);
  return factor;
}

export function batchCostOfUsage(provider: BatchProviderId, usage: Usage, model: string, overrides?: PriceOverrides): BatchCost {
  const list = costOfUsage(usage, model, overrides);
  // A provider-reported cost is already what was billed; only list prices are discounted.
  if (list.usd === null || list.source === 'provider') return { ...list, listUsd: list.usd };
  return { ...list, usd: list.usd * factorOf(provider), listUsd: list.usd };
}

/** The budget's worst case at the batch price: what a batch request may cost at most. */
export function batchWorstCase(provider: BatchProviderId, worst: WorstCase): WorstCase {
  return { ...worst, usd: worst.usd === null ? null : worst.usd * factorOf(provider) };
}
