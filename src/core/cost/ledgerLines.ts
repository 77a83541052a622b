// The cost ledger's line format (ledger.jsonl, one JSON object per line, append-only):
//   job      a finished job: tokens and cost (replaces the job's reservation, if any)
//   reserve  a request's worst case, written before it is sent; counts until its job line comes
//   outcome  the user marked a job helpful / not helpful / applied a fix
// Lines are checked by hand rather than with zod: a ledger holds 100k lines and opening it is
// on the meter's path, where a schema per line costs several times the JSON parsing.
import type { CostSource } from './cost';
import type { ModelTier, RequestKind } from '../requests/request';

/** 'unfinished': a reservation with no job line yet (running elsewhere, or killed mid-stream). */
export type JobOutcome = 'succeeded' | 'failed' | 'cancelled' | 'unfinished';

export interface LedgerRecord {
  jobId: string;
  /** Epoch ms. */
  at: number;
  provider: string;
  model: string;
  tier: ModelTier;
  kind: RequestKind;
  /** Includes the cached input tokens. */
  inputTokens: number;
  cachedInputTokens: number;
  /** Input tokens written to the prompt cache (absent in older lines: none recorded). */
  cacheWriteTokens?: number;
  /** All output, thinking included. */
  outputTokens: number;
  reasoningTokens: number;
  /** outputTokens − reasoningTokens, never negative (see answerTokensOf). */
  answerTokens: number;
  estimated: boolean;
  costUsd: number | null;
  costSource: CostSource;
  outcome: JobOutcome;
  /** Answered from the analysis cache: costs 0 and counts no tokens. */
  cached: boolean;
  /**
   * false when the provider's usage could not be believed (negative, fractional, not a number,
   * beyond what the request could use): the job was charged its worst case. Absent means true.
   */
  usageTrusted?: boolean;
  /** The list price without caching or batching (see cost/savings.ts); absent in older lines. */
  listCostUsd?: number | null;
  /** The batch discount, for jobs run at the batch price. */
  batchSavingsUsd?: number;
}

/** A request's worst case, held against the budgets from before it is sent until it finishes. */
export interface LedgerReservation {
  jobId: string;
  at: number;
  provider: string;
  model: string;
  tier: ModelTier;
  kind: RequestKind;
  inputTokens: number;
  maxOutputTokens: number;
  /** null when the model has no known price. */
  usd: number | null;
}

export type OutcomeMark = 'helpful' | 'fixApplied' | 'notHelpful';

export type LedgerLine =
  | ({ type: 'job' } & LedgerRecord)
  | ({ type: 'reserve' } & LedgerReservation)
  | { type: 'outcome'; jobId: string; at: number; mark: OutcomeMark };

const TIERS: readonly string[] = ['fast', 'capable', 'reasoning'];
const KINDS: readonly string[] = ['review', 'debug'];
const SOURCES: readonly string[] = ['provider', 'override', 'table', 'unknown'];
const WRITTEN_OUTCOMES: readonly string[] = ['succeeded', 'failed', 'cancelled'];
const MARKS: readonly string[] = ['helpful', 'fixApplied', 'notHelpful'];

type Json = Record<string, unknown>;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isUsd = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v) && v >= 0);
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isOneOf = (v: unknown, allowed: readonly string[]): boolean => typeof v === 'string' && allowed.includes(v);

/** The problems that would make a job record unreadable when loaded again (empty when fine). */
export function recordProblems(r: LedgerRecord): string[] {
  const problems: string[] = [];
  if (!isId(r.jobId)) problems.push('jobId: empty');
  if (!isCount(r.at)) problems.push('at: not a time');
  if (typeof r.provider !== 'string' || typeof r.model !== 'string') problems.push('provider/model: not text');
  if (!isOneOf(r.tier, TIERS)) problems.push(`tier: ${String(r.tier)}`);
  if (!isOneOf(r.kind, KINDS)) problems.push(`kind: ${String(r.kind)}`);
  for (const key of ['inputTokens', 'cachedInputTokens', 'outputTokens', 'reasoningTokens', 'answerTokens'] as const) {
    if (!isCount(r[key])) problems.push(`${key}: ${String(r[key])} is not a whole number ≥ 0`);
  }
  if (typeof r.estimated !== 'boolean' || typeof r.cached !== 'boolean') problems.push('estimated/cached: not true or false');
  if (!isUsd(r.costUsd)) problems.push(`costUsd: ${String(r.costUsd)} is not an amount ≥ 0`);
  if (!isOneOf(r.costSource, SOURCES)) problems.push(`costSource: ${String(r.costSource)}`);
  if (!isOneOf(r.outcome, WRITTEN_OUTCOMES)) problems.push(`outcome: ${String(r.outcome)}`);
  if (r.usageTrusted !== undefined && typeof r.usageTrusted !== 'boolean') problems.push('usageTrusted: not true or false');
  if (r.cacheWriteTokens !== undefined && !isCount(r.cacheWriteTokens)) problems.push(`cacheWriteTokens: ${String(r.cacheWriteTokens)} is not a whole number ≥ 0`);
  if (r.listCostUsd !== undefined && !isUsd(r.listCostUsd)) problems.push(`listCostUsd: ${String(r.listCostUsd)} is not an amount ≥ 0`);
  if (r.batchSavingsUsd !== undefined && (r.batchSavingsUsd === null || !isUsd(r.batchSavingsUsd))) problems.push(`batchSavingsUsd: ${String(r.batchSavingsUsd)} is not an amount ≥ 0`);
  return problems;
}

export function reservationProblems(r: LedgerReservation): string[] {
  const problems: string[] = [];
  if (!isId(r.jobId)) problems.push('jobId: empty');
  if (!isCount(r.at)) problems.push('at: not a time');
  if (!isOneOf(r.tier, TIERS) || !isOneOf(r.kind, KINDS)) problems.push('tier/kind');
  if (!isCount(r.inputTokens) || !isCount(r.maxOutputTokens)) problems.push('tokens: not whole numbers ≥ 0');
  if (!isUsd(r.usd)) problems.push(`usd: ${String(r.usd)} is not an amount ≥ 0`);
  return problems;
}

/**
 * One line of the file (the parsed object itself, checked in place: no copy), or undefined when
 * it is not a readable ledger line. Take records and reservations out with recordOf /
 * reservationOf, which copy only the known fields.
 */
export function parseLedgerLine(line: string): LedgerLine | undefined {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const o = json as Json;
  if (o.type === 'job') return isRecordShape(o) ? (o as unknown as LedgerLine) : undefined;
  if (o.type === 'reserve') return isReservationShape(o) ? (o as unknown as LedgerLine) : undefined;
  if (o.type === 'outcome' && isId(o.jobId) && isCount(o.at) && isOneOf(o.mark, MARKS)) return o as unknown as LedgerLine;
  return undefined;
}

// The same checks as recordProblems / reservationProblems, without building messages: this runs
// once per line of a 100k-line ledger.
function isRecordShape(o: Json): boolean {
  return (
    isId(o.jobId) &&
    isCount(o.at) &&
    typeof o.provider === 'string' &&
    typeof o.model === 'string' &&
    isOneOf(o.tier, TIERS) &&
    isOneOf(o.kind, KINDS) &&
    isCount(o.inputTokens) &&
    isCount(o.cachedInputTokens) &&
    isCount(o.outputTokens) &&
    isCount(o.reasoningTokens) &&
    isCount(o.answerTokens) &&
    typeof o.estimated === 'boolean' &&
    typeof o.cached === 'boolean' &&
    isUsd(o.costUsd) &&
    isOneOf(o.costSource, SOURCES) &&
    isOneOf(o.outcome, WRITTEN_OUTCOMES) &&
    (o.usageTrusted === undefined || typeof o.usageTrusted === 'boolean') &&
    (o.cacheWriteTokens === undefined || isCount(o.cacheWriteTokens)) &&
    (o.listCostUsd === undefined || isUsd(o.listCostUsd)) &&
    (o.batchSavingsUsd === undefined || (isUsd(o.batchSavingsUsd) && o.batchSavingsUsd !== null))
  );
}

function isReservationShape(o: Json): boolean {
  return isId(o.jobId) && isCount(o.at) && typeof o.provider === 'string' && typeof o.model === 'string' && isOneOf(o.tier, TIERS) && isOneOf(o.kind, KINDS) && isCount(o.inputTokens) && isCount(o.maxOutputTokens) && isUsd(o.usd);
}

/** The record of a job line: its known fields only (the line's `type` and anything else dropped). */
export function recordOf(l: LedgerRecord): LedgerRecord {
  const r: LedgerRecord = {
    jobId: l.jobId,
    at: l.at,
    provider: l.provider,
    model: l.model,
    tier: l.tier,
    kind: l.kind,
    inputTokens: l.inputTokens,
    cachedInputTokens: l.cachedInputTokens,
    outputTokens: l.outputTokens,
    reasoningTokens: l.reasoningTokens,
    answerTokens: l.answerTokens,
    estimated: l.estimated,
    costUsd: l.costUsd,
    costSource: l.costSource,
    outcome: l.outcome,
    cached: l.cached,
  };
  if (l.usageTrusted === false) r.usageTrusted = false;
  if (l.cacheWriteTokens !== undefined && l.cacheWriteTokens > 0) r.cacheWriteTokens = l.cacheWriteTokens;
  if (l.listCostUsd !== undefined) r.listCostUsd = l.listCostUsd;
  if (l.batchSavingsUsd !== undefined && l.batchSavingsUsd > 0) r.batchSavingsUsd = l.batchSavingsUsd;
  return r;
}

export function reservationOf(l: LedgerReservation): LedgerReservation {
  return { jobId: l.jobId, at: l.at, provider: l.provider, model: l.model, tier: l.tier, kind: l.kind, inputTokens: l.inputTokens, maxOutputTokens: l.maxOutputTokens, usd: l.usd };
}

/** A reservation seen as a record, for reports: its worst case, no tokens counted yet. */
export function reservationAsRecord(r: LedgerReservation): LedgerRecord {
  return {
    jobId: r.jobId,
    at: r.at,
    provider: r.provider,
    model: r.model,
    tier: r.tier,
    kind: r.kind,
    inputTokens: 0,
    cachedInputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    answerTokens: 0,
    estimated: true,
    costUsd: r.usd,
    costSource: r.usd === null ? 'unknown' : 'table',
    outcome: 'unfinished',
    cached: false,
  };
}

const MAX_LINES_NAMED_IN_WARNING = 5;

export function unreadableWarning(fileName: string, lines: readonly number[]): string {
  const named = lines.slice(0, MAX_LINES_NAMED_IN_WARNING).join(', ') + (lines.length > MAX_LINES_NAMED_IN_WARNING ? ', …' : '');
  return (
    `Cost ledger ${fileName}: skipped ${lines.length} unreadable line${lines.length === 1 ? '' : 's'} (line ${named}), ` +
    'probably from an interrupted write; the rest was loaded. Spending in those lines is not counted.'
  );
}

export function oversizeWarning(fileName: string, size: number, maxBytes: number, outcome: { aside: string } | { error: string }): string {
  const mb = (n: number) => `${Math.round(n / (1024 * 1024))} MB`;
  if ('error' in outcome) {
    return `Cost ledger ${fileName} is ${mb(size)}, over the ${mb(maxBytes)} limit, and could not be moved aside (${outcome.error}). Its totals are counted; the cost report lists no jobs from it.`;
  }
  return (
    `Cost ledger ${fileName} was ${mb(size)}, over the ${mb(maxBytes)} limit: moved aside to ${outcome.aside} and started a new one. ` +
    'Its totals were carried over, so budgets still count that spend; the cost report no longer lists its jobs.'
  );
}

/** The answer part of the output: what is left after thinking, never negative. */
export function answerTokensOf(outputTokens: number, reasoningTokens: number): number {
  return Math.max(0, outputTokens - reasoningTokens);
}
