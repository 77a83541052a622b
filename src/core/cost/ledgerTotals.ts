// Running totals of the ledger, kept per local day and month so the meter and the budget gate
// read them in constant time, and the summary (checkpoint) file they are saved in.
import * as z from 'zod';
import type { LedgerRecord, LedgerReservation } from './ledgerLines';
import { savingsOf } from './savings';
import { modelTierSchema, requestKindSchema } from '../requests/request';

export interface LedgerTotals {
  /** Known costs only, reservations of unfinished jobs included; see unknownCostJobs. */
  usd: number;
  unknownCostJobs: number;
  /** Jobs: finished ones, cached answers and unfinished reservations. */
  jobs: number;
  inputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  answerTokens: number;
  /** The part of usd held at the worst case for jobs with no final usage yet. */
  reservedUsd: number;
  unfinishedJobs: number;
  /** Jobs charged their worst case because the provider's usage could not be believed. */
  untrustedJobs: number;
  /** Input tokens read from / written to the providers' prompt caches. */
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** What prompt caching and batching saved against the list price (jobs with a known list price). */
  savedUsd: number;
}

export function emptyTotals(): LedgerTotals {
  return { usd: 0, unknownCostJobs: 0, jobs: 0, inputTokens: 0, outputTokens: 0, reasoningTokens: 0, answerTokens: 0, reservedUsd: 0, unfinishedJobs: 0, untrustedJobs: 0, cacheReadTokens: 0, cacheWriteTokens: 0, savedUsd: 0 };
}

/** Adds (or with sign −1 removes) one record; cached answers count as jobs but cost nothing. */
export function addRecord(t: LedgerTotals, r: LedgerRecord, sign: 1 | -1 = 1): void {
  t.jobs += sign;
  if (r.cached) return;
  if (r.costUsd === null) t.unknownCostJobs += sign;
  else t.usd += sign * r.costUsd;
  if (r.outcome === 'unfinished') {
    if (r.costUsd !== null) t.reservedUsd += sign * r.costUsd;
    t.unfinishedJobs += sign;
    return;
  }
  t.inputTokens += sign * r.inputTokens;
  t.outputTokens += sign * r.outputTokens;
  t.reasoningTokens += sign * r.reasoningTokens;
  t.answerTokens += sign * r.answerTokens;
  if (r.usageTrusted === false) t.untrustedJobs += sign;
  t.cacheReadTokens += sign * r.cachedInputTokens;
  t.cacheWriteTokens += sign * (r.cacheWriteTokens ?? 0);
  const savings = savingsOf(r);
  if (savings) t.savedUsd += sign * savings.savedUsd;
}

/** Adds (or removes) one reservation: a job at its worst case, no tokens yet. */
export function addReservation(t: LedgerTotals, r: Pick<LedgerReservation, 'usd'>, sign: 1 | -1 = 1): void {
  t.jobs += sign;
  t.unfinishedJobs += sign;
  if (r.usd === null) t.unknownCostJobs += sign;
  else {
    t.usd += sign * r.usd;
    t.reservedUsd += sign * r.usd;
  }
}

const KEYS = Object.keys(emptyTotals()) as (keyof LedgerTotals)[];

/** target += sign × delta, in place. */
export function addTotals(target: LedgerTotals, delta: LedgerTotals, sign: 1 | -1 = 1): void {
  for (const k of KEYS) target[k] += sign * delta[k];
}

/** A copy for callers, with the float dust of adding and removing reservations swept to 0. */
export function cleanTotals(t: LedgerTotals | undefined): LedgerTotals {
  const out = { ...(t ?? emptyTotals()) };
  for (const k of KEYS) if (Math.abs(out[k]) < 1e-9) out[k] = 0;
  return out;
}

/** Sums records (linear); cached answers count as jobs but cost nothing and add no tokens. */
export function totalsOf(records: readonly LedgerRecord[]): LedgerTotals {
  const totals = emptyTotals();
  for (const r of records) addRecord(totals, r);
  // A job with several records (several calls) is still one job.
  totals.jobs = new Set(records.map((r) => r.jobId)).size;
  return cleanTotals(totals);
}

// Ledgers are in time order, so consecutive records mostly share a day: remember the last one.
let cachedDay = { from: 0, to: 0, day: '' };

/** The local calendar day of an instant, as YYYY-MM-DD. */
export function localDay(epochMs: number): string {
  if (epochMs >= cachedDay.from && epochMs < cachedDay.to) return cachedDay.day;
  const d = new Date(epochMs);
  const y = d.getFullYear();
  const m = d.getMonth();
  const date = d.getDate();
  const day = `${y}-${m < 9 ? '0' : ''}${m + 1}-${date < 10 ? '0' : ''}${date}`;
  // From local midnight to the next (DST days are 23 or 25 hours long).
  cachedDay = { from: new Date(y, m, date).getTime(), to: new Date(y, m, date + 1).getTime(), day };
  return day;
}

// ---- the summary file: the totals of the ledger's first `offset` bytes ----------------------

// Keys added after summaries were first written read as 0 from an older summary (its totals
// predate them), so the summary — and any totals it carried over — stays valid.
const ADDED_KEYS: readonly (keyof LedgerTotals)[] = ['cacheReadTokens', 'cacheWriteTokens', 'savedUsd'];
const totalsSchema = z.object(Object.fromEntries(KEYS.map((k) => [k, ADDED_KEYS.includes(k) ? z.number().default(0) : z.number()])) as Record<keyof LedgerTotals, z.ZodNumber | z.ZodDefault<z.ZodNumber>>);

export const ledgerSummarySchema = z.object({
  version: z.literal(1),
  /** Bytes of the ledger the totals cover (always at a line boundary). */
  offset: z.number().int().min(0),
  /** Lines in those bytes (for line numbers in warnings). */
  lines: z.number().int().min(0),
  /** The first bytes of the ledger and the last bytes before `offset` (base64), to notice a replaced ledger. */
  head: z.string(),
  end: z.string(),
  days: z.record(z.string(), totalsSchema),
  /** Reservations without their job line yet, by job id. */
  open: z.record(
    z.string(),
    z.object({
      at: z.number(),
      provider: z.string(),
      model: z.string(),
      tier: modelTierSchema,
      kind: requestKindSchema,
      inputTokens: z.number(),
      maxOutputTokens: z.number(),
      usd: z.number().nullable(),
    }),
  ),
  /** Success marks by job id: [helpful, fixApplied]. */
  marks: z.record(z.string(), z.tuple([z.boolean(), z.boolean()])),
  /** Totals carried over from a ledger file that was moved aside (too large). */
  carriedFrom: z.string().optional(),
});
export type LedgerSummary = z.infer<typeof ledgerSummarySchema>;
