// What prompt caching and batching saved against the list price. A job records its list cost
// (every input token at the input price, no batch discount) and its batch discount beside its
// cost; the prompt cache's share is what is left. Cache writes cost more than plain input, so
// a job that only wrote to the cache can show a negative prompt-cache saving: it is shown as
// it is, never hidden.
import { formatUsd } from './money';

export interface Savings {
  /** What the job(s) would have cost at the list price, without caching or batching. */
  listUsd: number;
  /** What was charged. */
  costUsd: number;
  /** listUsd − costUsd. */
  savedUsd: number;
  promptCacheUsd: number;
  batchUsd: number;
}

/** The cost fields a job or ledger record carries. */
export interface CostFields {
  costUsd?: number | null;
  listCostUsd?: number | null;
  batchSavingsUsd?: number;
}

export const NO_SAVINGS: Savings = Object.freeze({ listUsd: 0, costUsd: 0, savedUsd: 0, promptCacheUsd: 0, batchUsd: 0 });

/** One job's savings; undefined when its cost or its list price is unknown (nothing to compare). */
export function savingsOf(fields: CostFields): Savings | undefined {
  const { costUsd, listCostUsd } = fields;
  if (costUsd === undefined || costUsd === null || listCostUsd === undefined || listCostUsd === null) return undefined;
  const batchUsd = fields.batchSavingsUsd ?? 0;
  const savedUsd = listCostUsd - costUsd;
  return { listUsd: listCostUsd, costUsd, savedUsd, promptCacheUsd: savedUsd - batchUsd, batchUsd };
}

/** The savings of many jobs; those with an unknown cost or list price are left out. */
export function sumSavings(items: Iterable<CostFields>): Savings & { jobs: number } {
  const total = { ...NO_SAVINGS, jobs: 0 };
  for (const item of items) {
    const s = savingsOf(item);
    if (!s) continue;
    total.jobs++;
    total.listUsd += s.listUsd;
    total.costUsd += s.costUsd;
    total.savedUsd += s.savedUsd;
    total.promptCacheUsd += s.promptCacheUsd;
    total.batchUsd += s.batchUsd;
  }
  return total;
}

/** True when caching or batching changed the price at all (worth a line). */
export function hasSavings(s: Savings | undefined): s is Savings {
  return s !== undefined && (Math.abs(s.promptCacheUsd) >= 1e-9 || Math.abs(s.batchUsd) >= 1e-9);
}

/** "saved $0.0123 (prompt cache $0.0100, batch $0.0023)" — the one wording on every surface. */
export function formatSavings(s: Savings): string {
  return `saved ${formatUsd(s.savedUsd)} (prompt cache ${formatUsd(s.promptCacheUsd)}, batch ${formatUsd(s.batchUsd)})`;
}

/** "saved … against $x at the list price": the report's total line. */
export function formatSavingsAgainstList(s: Savings): string {
  return `${formatSavings(s)} against ${formatUsd(s.listUsd)} at the list price`;
}
