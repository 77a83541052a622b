// The cost report: where the money went over the last days, and what a useful answer costs
// per tier, so the user can judge whether the reasoning model earns its price.
import { localDay, totalsOf, type LedgerRecord, type LedgerTotals } from './ledger';
import { formatSpend, formatUsd } from './money';
import { formatSavingsAgainstList, hasSavings, sumSavings, type Savings } from './savings';
import type { ModelTier } from '../requests/request';

export interface TierStats {
  tier: ModelTier;
  /** Distinct jobs, cached answers included (at $0). */
  jobs: number;
  successes: number;
  successRate: number | null;
  /** Known costs only. */
  totalUsd: number;
  /** Over the jobs whose cost is known; null when there are none. */
  averageUsd: number | null;
  costPerSuccessUsd: number | null;
  /** Jobs left out of the dollar figures because their model had no known price. */
  unknownCostJobs: number;
  thinkingTokens: number;
  answerTokens: number;
}

export interface DayStats {
  /** YYYY-MM-DD, local time. */
  date: string;
  jobs: number;
  usd: number;
  unknownCostJobs: number;
  thinkingTokens: number;
  answerTokens: number;
}

export interface ModelStats {
  model: string;
  jobs: number;
  usd: number;
  unknownCostJobs: number;
  thinkingTokens: number;
  answerTokens: number;
}

export interface CostReport {
  /** First and last day of the window (local, inclusive). */
  from: string;
  to: string;
  /** Every day of the window, oldest first, days without jobs included. */
  days: DayStats[];
  /** Most expensive first. */
  models: ModelStats[];
  /** reasoning, capable, fast — always all three. */
  tiers: TierStats[];
  /** Total spend / successful jobs; null when no job succeeded. */
  costPerSuccessfulTaskUsd: number | null;
  totals: LedgerTotals & { successes: number; cachedJobs: number; cacheReadTokens: number; cacheWriteTokens: number };
  /** What prompt caching and batching saved against the list price, over the jobs that record it. */
  savings: Savings & { jobs: number };
}

const TIERS: readonly ModelTier[] = ['reasoning', 'capable', 'fast'];

export function buildCostReport(
  records: readonly LedgerRecord[],
  isSuccessful: (jobId: string) => boolean,
  options: { days?: number; now?: () => number } = {},
): CostReport {
  const dayCount = Math.max(1, Math.floor(options.days ?? 30));
  const now = new Date((options.now ?? Date.now)());
  // Built from calendar fields, not by subtracting 24 h, so DST changes don't skip or repeat a day.
  const dates = Array.from({ length: dayCount }, (_, i) => localDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() - (dayCount - 1 - i)).getTime()));
  // One pass: each record's day is computed once (linear in the ledger).
  const byDay = new Map<string, LedgerRecord[]>(dates.map((d) => [d, []]));
  const windowed: LedgerRecord[] = [];
  for (const r of records) {
    const group = byDay.get(localDay(r.at));
    if (!group) continue;
    group.push(r);
    windowed.push(r);
  }

  const days = dates.map((date): DayStats => {
    const totals = totalsOf(byDay.get(date) ?? []);
    return { date, jobs: totals.jobs, usd: totals.usd, unknownCostJobs: totals.unknownCostJobs, thinkingTokens: totals.reasoningTokens, answerTokens: totals.answerTokens };
  });

  const byModel = groupBy(windowed, (r) => r.model);
  const models = [...byModel].map(([model, group]): ModelStats => {
    const totals = totalsOf(group);
    return { model, jobs: totals.jobs, usd: totals.usd, unknownCostJobs: totals.unknownCostJobs, thinkingTokens: totals.reasoningTokens, answerTokens: totals.answerTokens };
  });
  models.sort((a, b) => b.usd - a.usd || b.jobs - a.jobs || a.model.localeCompare(b.model));

  const byTier = groupBy(windowed, (r) => r.tier);
  const tiers = TIERS.map((tier) => tierStats(tier, byTier.get(tier) ?? [], isSuccessful));

  const totals = totalsOf(windowed);
  const successes = successfulJobs(windowed, isSuccessful);
  const cachedJobs = new Set(windowed.filter((r) => r.cached).map((r) => r.jobId)).size;
  const billed = windowed.filter((r) => !r.cached && r.outcome !== 'unfinished');
  const cacheReadTokens = billed.reduce((n, r) => n + r.cachedInputTokens, 0);
  const cacheWriteTokens = billed.reduce((n, r) => n + (r.cacheWriteTokens ?? 0), 0);
  return {
    from: dates[0] ?? localDay(now.getTime()),
    to: dates[dates.length - 1] ?? localDay(now.getTime()),
    days,
    models,
    tiers,
    costPerSuccessfulTaskUsd: successes > 0 ? totals.usd / successes : null,
    totals: { ...totals, successes, cachedJobs, cacheReadTokens, cacheWriteTokens },
    savings: sumSavings(billed),
  };
}

function tierStats(tier: ModelTier, records: readonly LedgerRecord[], isSuccessful: (jobId: string) => boolean): TierStats {
  const totals = totalsOf(records);
  const successes = successfulJobs(records, isSuccessful);
  // Jobs whose cost is unknown would drag the average towards $0, so they are left out of it.
  const pricedJobs = new Set(records.filter((r) => r.cached || r.costUsd !== null).map((r) => r.jobId)).size;
  return {
    tier,
    jobs: totals.jobs,
    successes,
    successRate: totals.jobs > 0 ? successes / totals.jobs : null,
    totalUsd: totals.usd,
    averageUsd: pricedJobs > 0 ? totals.usd / pricedJobs : null,
    costPerSuccessUsd: successes > 0 ? totals.usd / successes : null,
    unknownCostJobs: totals.unknownCostJobs,
    thinkingTokens: totals.reasoningTokens,
    answerTokens: totals.answerTokens,
  };
}

function successfulJobs(records: readonly LedgerRecord[], isSuccessful: (jobId: string) => boolean): number {
  return [...new Set(records.map((r) => r.jobId))].filter(isSuccessful).length;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** The report as plain-text tables, for the CLI `deep-review cost`. */
export function formatCostReportText(report: CostReport, options: { priceHint?: string } = {}): string {
  const priceHint = options.priceHint ?? 'set deepReview.prices.overrides';
  const t = report.totals;
  const lines = [`Deep Review cost, ${report.from} to ${report.to} (${report.days.length} days)`, ''];
  if (t.jobs === 0) {
    lines.push('No jobs in this period.');
    return lines.join('\n') + '\n';
  }
  const perSuccess = report.costPerSuccessfulTaskUsd === null ? 'no job marked successful yet' : `${formatUsd(report.costPerSuccessfulTaskUsd)} per successful task`;
  lines.push(`Total: ${formatSpend(t.usd, t.unknownCostJobs, 'detail')} for ${plural(t.jobs, 'job')} (${t.cachedJobs} from cache), ${t.successes} successful: ${perSuccess}.`);
  const cacheTokens = t.cacheReadTokens || t.cacheWriteTokens ? ` (${num(t.cacheReadTokens)} read from the prompt cache, ${num(t.cacheWriteTokens)} written to it)` : '';
  lines.push(`Tokens: ${num(t.inputTokens)} input${cacheTokens}, ${num(t.reasoningTokens)} thinking, ${num(t.answerTokens)} answer.`);
  if (report.savings.jobs > 0 && hasSavings(report.savings)) lines.push(`Savings: ${formatSavingsAgainstList(report.savings)}, over ${plural(report.savings.jobs, 'priced job')}.`);
  if (t.unknownCostJobs > 0) {
    lines.push(`${plural(t.unknownCostJobs, 'job')} used a model with no known price and ${t.unknownCostJobs === 1 ? 'is' : 'are'} not in the dollar figures (${priceHint}).`);
  }

  lines.push('', 'By tier');
  lines.push(
    ...table(
      ['Tier', 'Jobs', 'Success', 'Total', 'Average', 'Per success', 'Thinking', 'Answer'],
      report.tiers.map((s) => [
        s.tier,
        num(s.jobs),
        s.successRate === null ? '-' : `${Math.round(s.successRate * 100)}%`,
        formatSpend(s.totalUsd, s.unknownCostJobs, 'detail'),
        s.averageUsd === null ? '-' : formatUsd(s.averageUsd),
        s.costPerSuccessUsd === null ? '-' : formatUsd(s.costPerSuccessUsd),
        num(s.thinkingTokens),
        num(s.answerTokens),
      ]),
    ),
  );

  lines.push('', 'By model');
  lines.push(
    ...table(
      ['Model', 'Jobs', 'Cost', 'Unpriced', 'Thinking', 'Answer'],
      report.models.map((m) => [m.model, num(m.jobs), m.unknownCostJobs === m.jobs ? formatUsd(null) : formatUsd(m.usd), num(m.unknownCostJobs), num(m.thinkingTokens), num(m.answerTokens)]),
    ),
  );

  lines.push('', 'By day (days with jobs)');
  lines.push(
    ...table(
      ['Date', 'Jobs', 'Cost', 'Thinking', 'Answer'],
      report.days.filter((d) => d.jobs > 0).map((d) => [d.date, num(d.jobs), formatSpend(d.usd, d.unknownCostJobs, 'detail'), num(d.thinkingTokens), num(d.answerTokens)]),
    ),
  );
  return lines.join('\n') + '\n';
}

/** Aligned columns: the first left-aligned, the numbers right-aligned. */
function table(header: string[], rows: string[][]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, col) => Math.max(...all.map((row) => (row[col] ?? '').length)));
  return all.map((row) =>
    row
      .map((cell, col) => (col === 0 ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function num(n: number): string {
  return n.toLocaleString('en-US');
}

function plural(n: number, word: string): string {
  return `${num(n)} ${word}${n === 1 ? '' : 's'}`;
}
