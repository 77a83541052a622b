// What a batch costs: Anthropic's Message Batches and OpenAI's Batch API both bill input and
// output at 50 % of the list price (cache pricing applies on top, as for any request).
// TODO(money/lead): this factor belongs with the prices (src/core/cost/prices.ts, per provider, next
// to the list prices it discounts); it lives here until the ledger/cost work lands.
import type { WorstCase } from '../cost/budget';
import { costOfUsage, type CostEstimate } from '../cost/cost';
import type { Usage } from '../modelClient';
import type { PriceOverrides } from '../cost/prices';

/** The share of the list price a batch request pays (input and output alike). */
export const BATCH_PRICE_FACTOR = 0.5;

export interface BatchCost extends CostEstimate {
  /** What the same usage costs at the list price (null when the price is unknown). */
  listUsd: number | null;
}

export function batchCostOfUsage(usage: Usage, model: string, overrides?: PriceOverrides): BatchCost {
  const list = costOfUsage(usage, model, overrides);
  // A provider-reported cost is already what was billed; only list prices are discounted.
  if (list.usd === null || list.source === 'provider') return { ...list, listUsd: list.usd };
  return { ...list, usd: list.usd * BATCH_PRICE_FACTOR, listUsd: list.usd };
}

/** The budget's worst case at the batch price: what a batch request may cost at most. */
export function batchWorstCase(worst: WorstCase): WorstCase {
  return { ...worst, usd: worst.usd === null ? null : worst.usd * BATCH_PRICE_FACTOR };
}
