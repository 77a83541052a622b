// The cost ledger: every model call's tokens and cost, and whether the user found the job
// useful. Stored as append-only JSON lines so a crash can tear at most the last line, and
// never rewritten, so history is never lost to a half-finished save.
import * as z from 'zod';
import type { CostSource } from './cost';
import { modelTierSchema, requestKindSchema, type ModelTier, type RequestKind } from './request';
import type { TextStore } from './storage';
import { ignoreWarnings, type WarningSink } from './warnings';

export type JobOutcome = 'succeeded' | 'failed' | 'cancelled';

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
}

export interface LedgerTotals {
  /** Known costs only; see unknownCostJobs for what is missing. */
  usd: number;
  unknownCostJobs: number;
  /** Distinct job ids, cached answers included. */
  jobs: number;
  inputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  answerTokens: number;
}

/** The answer part of the output: what is left after thinking, never negative. */
export function answerTokensOf(outputTokens: number, reasoningTokens: number): number {
  return Math.max(0, outputTokens - reasoningTokens);
}

const count = z.number().int().min(0);

const ledgerRecordSchema = z.object({
  jobId: z.string().min(1),
  at: z.number().int().min(0),
  provider: z.string(),
  model: z.string(),
  tier: modelTierSchema,
  kind: requestKindSchema,
  inputTokens: count,
  cachedInputTokens: count,
  outputTokens: count,
  reasoningTokens: count,
  answerTokens: count,
  estimated: z.boolean(),
  costUsd: z.number().min(0).nullable(),
  costSource: z.enum(['provider', 'override', 'table', 'unknown']),
  outcome: z.enum(['succeeded', 'failed', 'cancelled']),
  cached: z.boolean(),
});

const outcomeMarkSchema = z.enum(['helpful', 'fixApplied', 'notHelpful']);
type OutcomeMark = z.infer<typeof outcomeMarkSchema>;

const ledgerLineSchema = z.discriminatedUnion('type', [
  ledgerRecordSchema.extend({ type: z.literal('job') }),
  z.object({ type: z.literal('outcome'), jobId: z.string().min(1), at: z.number().int().min(0), mark: outcomeMarkSchema }),
]);
type LedgerLine = z.infer<typeof ledgerLineSchema>;

interface SuccessMarks {
  helpful: boolean;
  fixApplied: boolean;
  /** The user's own Helpful / Not helpful answer, if they gave one (an applied fix is not one). */
  feedback?: 'helpful' | 'notHelpful';
}

const MAX_LINES_NAMED_IN_WARNING = 5;

export class CostLedger {
  private readonly all: LedgerRecord[] = [];
  private readonly sessionStart: number;
  private readonly marks = new Map<string, SuccessMarks>();
  /** Set when the file ends in a torn line, so the next line starts on a line of its own. */
  private needsLeadingNewline: boolean;

  private constructor(
    private readonly store: TextStore,
    private readonly fileName: string,
    private readonly now: () => number,
    text: string,
    warn: WarningSink,
  ) {
    this.needsLeadingNewline = text.length > 0 && !text.endsWith('\n');
    const unreadable: number[] = [];
    text.split('\n').forEach((line, index) => {
      if (line.trim() === '') return;
      const parsed = parseLine(line);
      if (parsed) this.apply(parsed);
      else unreadable.push(index + 1);
    });
    this.sessionStart = this.all.length;
    if (unreadable.length > 0) {
      const named = unreadable.slice(0, MAX_LINES_NAMED_IN_WARNING).join(', ') + (unreadable.length > MAX_LINES_NAMED_IN_WARNING ? ', …' : '');
      warn(
        `Cost ledger ${fileName}: skipped ${unreadable.length} unreadable line${unreadable.length === 1 ? '' : 's'} (line ${named}), ` +
          'probably from an interrupted write; the rest was loaded. Spending in those lines is not counted.',
      );
    }
  }

  static async open(store: TextStore, options: { warn?: WarningSink; now?: () => number; fileName?: string } = {}): Promise<CostLedger> {
    const fileName = options.fileName ?? 'ledger.jsonl';
    const text = (await store.read(fileName)) ?? '';
    return new CostLedger(store, fileName, options.now ?? Date.now, text, options.warn ?? ignoreWarnings);
  }

  /**
   * Records one job. The record counts in memory even if the disk write fails (the money was
   * spent either way, so the budget must see it); the write error is then rethrown.
   */
  async append(record: LedgerRecord): Promise<void> {
    const checked = ledgerRecordSchema.safeParse(record);
    if (!checked.success) {
      // Writing a line the ledger could not read back would silently lose the spend.
      throw new Error(`Invalid ledger record for job ${record.jobId}: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    this.all.push(checked.data);
    await this.write({ type: 'job', ...checked.data });
  }

  /** A job counts as successful when the user marks it helpful or applies one of its fixes. */
  async markSuccess(jobId: string, how: 'helpful' | 'fixApplied'): Promise<void> {
    await this.mark(jobId, how);
  }

  /** Clears a previous helpful mark; an applied fix still counts as success. */
  async markNotHelpful(jobId: string): Promise<void> {
    await this.mark(jobId, 'notHelpful');
  }

  records(): readonly LedgerRecord[] {
    return this.all.slice();
  }

  /** What the user answered to "Helpful?" for this job, if anything. */
  feedback(jobId: string): 'helpful' | 'notHelpful' | undefined {
    return this.marks.get(jobId)?.feedback;
  }

  isSuccessful(jobId: string): boolean {
    const marks = this.marks.get(jobId);
    return marks !== undefined && (marks.helpful || marks.fixApplied);
  }

  /** Session = records appended since open(); today and month in local time. */
  totals(): { session: LedgerTotals; today: LedgerTotals; month: LedgerTotals } {
    const now = new Date(this.now());
    const today = localDay(now.getTime());
    const month = today.slice(0, 7);
    return {
      session: totalsOf(this.all.slice(this.sessionStart)),
      today: totalsOf(this.all.filter((r) => localDay(r.at) === today)),
      month: totalsOf(this.all.filter((r) => localDay(r.at).startsWith(month))),
    };
  }

  spent(): { todayUsd: number; monthUsd: number } {
    const { today, month } = this.totals();
    return { todayUsd: today.usd, monthUsd: month.usd };
  }

  private async mark(jobId: string, mark: OutcomeMark): Promise<void> {
    const line: LedgerLine = { type: 'outcome', jobId, at: this.now(), mark };
    this.apply(line);
    await this.write(line);
  }

  private apply(line: LedgerLine): void {
    if (line.type === 'job') {
      const { type: _type, ...record } = line;
      this.all.push(record);
      return;
    }
    const marks = this.marks.get(line.jobId) ?? { helpful: false, fixApplied: false };
    if (line.mark === 'helpful') marks.helpful = true;
    else if (line.mark === 'fixApplied') marks.fixApplied = true;
    else marks.helpful = false;
    if (line.mark !== 'fixApplied') marks.feedback = line.mark;
    this.marks.set(line.jobId, marks);
  }

  private async write(line: LedgerLine): Promise<void> {
    // Decided before the await so concurrent appends don't both add the separator.
    const prefix = this.needsLeadingNewline ? '\n' : '';
    this.needsLeadingNewline = false;
    try {
      await this.store.append(this.fileName, `${prefix}${JSON.stringify(line)}\n`);
    } catch (error) {
      // A failed append may have left a partial line; an extra blank line is harmless.
      this.needsLeadingNewline = true;
      throw error;
    }
  }
}

function parseLine(line: string): LedgerLine | undefined {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = ledgerLineSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** Sums records; cached answers count as jobs but cost nothing and add no tokens. */
export function totalsOf(records: readonly LedgerRecord[]): LedgerTotals {
  const totals: LedgerTotals = { usd: 0, unknownCostJobs: 0, jobs: 0, inputTokens: 0, outputTokens: 0, reasoningTokens: 0, answerTokens: 0 };
  const jobIds = new Set<string>();
  for (const r of records) {
    jobIds.add(r.jobId);
    if (r.cached) continue;
    if (r.costUsd === null) totals.unknownCostJobs += 1;
    else totals.usd += r.costUsd;
    totals.inputTokens += r.inputTokens;
    totals.outputTokens += r.outputTokens;
    totals.reasoningTokens += r.reasoningTokens;
    totals.answerTokens += r.answerTokens;
  }
  totals.jobs = jobIds.size;
  return totals;
}

/** The local calendar day of an instant, as YYYY-MM-DD. */
export function localDay(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
