// The cost ledger: every model call's tokens and cost, every request's worst case reserved before
// it is sent, and whether the user found the job useful. Append-only JSON lines (ledgerLines.ts),
// shared by every process on the data folder (VS Code windows, CLI runs):
//   - Writes take the ledger lock, first read what others appended, then append: the budget
//     check and the reservation it allows are one atomic step across processes.
//   - Totals per local day and month are kept as lines are read, so the meter and the budget
//     gate cost O(1); seeing other processes' lines costs a stat and a read of the new tail.
//   - A summary file holds the totals of the ledger's first N bytes, so opening reads only the
//     summary and the tail; the records themselves (for the cost report) load on demand.
//   - A ledger over a sane size is moved aside before it is read, its totals carried over.
import pLimit from 'p-limit';
import { ignoreWarnings, type WarningSink } from '../warnings';
import { oversizeWarning, parseLedgerLine, recordOf, recordProblems, reservationAsRecord, reservationOf, reservationProblems, unreadableWarning, type LedgerLine, type LedgerRecord, type LedgerReservation, type OutcomeMark } from './ledgerLines';
import { addRecord, addReservation, addTotals, cleanTotals, emptyTotals, ledgerSummarySchema, localDay, type LedgerSummary, type LedgerTotals } from './ledgerTotals';
import { SuccessMarks } from './successMarks';
import type { TextStore } from '../storage';
import { ledgerFileAccess, type LedgerFileAccess } from './ledgerFile';

export { answerTokensOf, type JobOutcome, type LedgerRecord, type LedgerReservation } from './ledgerLines';
export { localDay, totalsOf, type LedgerTotals } from './ledgerTotals';

/** Larger ledgers are moved aside before reading (their totals carried over). */
export const MAX_LEDGER_BYTES = 256 * 1024 * 1024;
/** A summary is written once this many bytes were read past the last one. */
const SUMMARY_EVERY_BYTES = 256 * 1024;

export interface LedgerOptions {
  warn?: WarningSink;
  now?: () => number;
  fileName?: string;
  /** Size limit before the ledger is moved aside (tests use a small one). */
  maxBytes?: number;
}

export class CostLedger {
  private readonly file: LedgerFileAccess;
  private readonly summaryName: string;
  private readonly days = new Map<string, LedgerTotals>();
  private readonly months = new Map<string, LedgerTotals>();
  private session = emptyTotals();
  /** Reservations whose job line has not been read yet, by job id. */
  private readonly open = new Map<string, LedgerReservation>();
  private readonly marks = new SuccessMarks();
  /** Jobs this process reserved or recorded: their lines make up the session totals. */
  private readonly own = new Set<string>();
  /** Bytes read and applied (always at a line boundary), and lines in them. */
  private offset = 0;
  private lines = 0;
  private summaryOffset = 0;
  /** Records before this offset are in the summary's totals only, until loadHistory(). */
  private historyEnd = 0;
  private history: LedgerRecord[] | undefined = [];
  private tail: LedgerRecord[] = [];
  private carriedFrom: string | undefined;
  /** The file has bytes past `offset` that do not end a line (a torn or half-written line). */
  private partial = false;
  /** The line number of a torn last line already reported at open. */
  private tornLine = 0;
  /** A line counted in memory could not be written: this process's totals are not the file's. */
  private memoryOnly = false;
  /** One operation at a time in this process (reads and writes move the shared offset). */
  private readonly exclusive = pLimit(1);
  private readonly warnedOnce = new Set<string>();

  private constructor(
    private readonly store: TextStore,
    private readonly fileName: string,
    private readonly now: () => number,
    private readonly warn: WarningSink,
    private readonly maxBytes: number,
  ) {
    this.file = ledgerFileAccess(store, fileName);
    this.summaryName = `${fileName.replace(/\.jsonl$/, '')}.summary.json`;
  }

  static async open(store: TextStore, options: LedgerOptions = {}): Promise<CostLedger> {
    const ledger = new CostLedger(store, options.fileName ?? 'ledger.jsonl', options.now ?? Date.now, options.warn ?? ignoreWarnings, options.maxBytes ?? MAX_LEDGER_BYTES);
    await ledger.exclusive(() => ledger.load());
    return ledger;
  }

  /** Reads what other processes appended since the last look (a stat when nothing changed). */
  refresh(): Promise<void> {
    return this.exclusive(() => this.catchUp().then(() => undefined));
  }

  /**
   * Records one finished job; it replaces the job's reservation. The record counts in memory
   * even if the disk write fails (the money was spent either way); the error is then rethrown.
   */
  async append(record: LedgerRecord): Promise<void> {
    const problems = recordProblems(record);
    // Writing a line the ledger could not read back would silently lose the spend.
    if (problems.length > 0) throw new Error(`Invalid ledger record for job ${record.jobId}: ${problems.join('; ')}`);
    this.own.add(record.jobId);
    const { usageTrusted, ...rest } = record;
    await this.exclusive(() => this.locked(() => this.writeLine({ type: 'job', ...rest, ...(usageTrusted === false ? { usageTrusted } : {}) })));
  }

  /**
   * The budget gate, atomic across processes: under the ledger lock, reads every line appended
   * so far, asks `decide` with the spend today and this month (reservations of unfinished jobs
   * included), and writes the reservation only when the decision allows it.
   */
  async reserve<D extends { allowed: boolean }>(reservation: LedgerReservation, decide: (spent: { todayUsd: number; monthUsd: number }) => D): Promise<D> {
    const problems = reservationProblems(reservation);
    if (problems.length > 0) throw new Error(`Invalid ledger reservation for job ${reservation.jobId}: ${problems.join('; ')}`);
    return this.exclusive(() =>
      this.locked(async () => {
        await this.catchUp();
        const decision = decide(this.spent());
        if (decision.allowed) {
          this.own.add(reservation.jobId);
          await this.writeLine({ type: 'reserve', ...reservation });
        }
        return decision;
      }),
    );
  }

  /** A job counts as successful when the user marks it helpful or applies one of its fixes. */
  async markSuccess(jobId: string, how: 'helpful' | 'fixApplied'): Promise<void> {
    await this.mark(jobId, how);
  }

  /** Clears a previous helpful mark; an applied fix still counts as success. */
  async markNotHelpful(jobId: string): Promise<void> {
    await this.mark(jobId, 'notHelpful');
  }

  /**
   * Finished jobs, then unfinished reservations (outcome 'unfinished', at their worst case).
   * Complete once loadHistory() has resolved; before that, jobs older than the summary are
   * missing (a ledger below the summary threshold is always complete).
   */
  records(): readonly LedgerRecord[] {
    return [...(this.history ?? []), ...this.tail, ...[...this.open.values()].map(reservationAsRecord)];
  }

  /** Loads the records the summary stands for (for the cost report): linear in the ledger. */
  loadHistory(): Promise<void> {
    return this.exclusive(async () => {
      await this.catchUp();
      if (this.history !== undefined) return;
      const history: LedgerRecord[] = [];
      await this.file.readLines(0, this.historyEnd, (line) => {
        const parsed = parseLedgerLine(line);
        if (parsed?.type === 'job') history.push(recordOf(parsed));
      });
      this.history = history;
    });
  }

  /** True once records() holds every job (always, for a ledger below the summary threshold). */
  get historyLoaded(): boolean {
    return this.history !== undefined;
  }

  /** What the user answered to "Helpful?" for this job, if anything. */
  feedback(jobId: string): 'helpful' | 'notHelpful' | undefined {
    return this.marks.feedback(jobId);
  }

  isSuccessful(jobId: string): boolean {
    return this.marks.isSuccessful(jobId);
  }

  /** Session = this process's jobs; today and month in local time. O(1). */
  totals(): { session: LedgerTotals; today: LedgerTotals; month: LedgerTotals } {
    const today = localDay(this.now());
    return { session: cleanTotals(this.session), today: cleanTotals(this.days.get(today)), month: cleanTotals(this.months.get(today.slice(0, 7))) };
  }

  /** Spend today and this month, unfinished jobs' reservations included. O(1). */
  spent(): { todayUsd: number; monthUsd: number } {
    const { today, month } = this.totals();
    return { todayUsd: today.usd, monthUsd: month.usd };
  }

  // ---- loading and reading ---------------------------------------------------------------

  private async load(): Promise<void> {
    const size = (await this.file.size()) ?? 0;
    await this.restoreSummary(size);
    if (size > this.maxBytes) {
      await this.locked(() => this.moveAside(size));
      return;
    }
    const unreadable = await this.catchUp({ quiet: true });
    // A last line with no newline is torn (a crash mid-write) unless it is whole: say so now,
    // and not again when our next write ends it.
    if (this.partial) {
      const rest = Buffer.from(await this.file.bytes(this.offset, Math.min(size - this.offset, 1024 * 1024))).toString('utf8');
      if (!parseLedgerLine(rest)) unreadable.push((this.tornLine = this.lines + 1));
    }
    this.warnUnreadable(unreadable);
  }

  private async restoreSummary(size: number): Promise<void> {
    const raw = await this.store.read(this.summaryName).catch(() => undefined);
    if (raw === undefined) return;
    let summary: LedgerSummary;
    try {
      summary = ledgerSummarySchema.parse(JSON.parse(raw));
    } catch {
      return; // A damaged summary only costs a full read.
    }
    if (summary.offset > size) return;
    const marks = await this.file.marks(summary.offset);
    if (marks.head !== summary.head || marks.end !== summary.end) return;
    for (const [day, totals] of Object.entries(summary.days)) {
      this.days.set(day, { ...totals });
      addTotals(this.monthOf(day), totals);
    }
    for (const [jobId, r] of Object.entries(summary.open)) this.open.set(jobId, { ...r, jobId });
    this.marks.restore(summary.marks);
    this.offset = this.summaryOffset = this.historyEnd = summary.offset;
    this.lines = summary.lines;
    this.carriedFrom = summary.carriedFrom;
    this.history = summary.offset > 0 ? undefined : [];
  }

  /** Applies the lines appended since `offset`; returns the line numbers it could not read. */
  private async catchUp(opts: { quiet?: boolean } = {}): Promise<number[]> {
    const size = (await this.file.size()) ?? 0;
    if (size < this.offset) {
      // Replaced or moved aside by another process: start again from its summary.
      this.reset();
      await this.restoreSummary(size);
    }
    const unreadable: number[] = [];
    if (size > this.offset) {
      const read = await this.file.readLines(this.offset, size, (line) => {
        this.lines += 1;
        if (line.trim() === '') return;
        const parsed = parseLedgerLine(line);
        if (parsed) this.apply(parsed);
        else if (this.lines !== this.tornLine) unreadable.push(this.lines);
      });
      this.offset = read.end;
      this.partial = read.end < size;
    } else {
      this.partial = false;
    }
    if (!opts.quiet) this.warnUnreadable(unreadable);
    if (this.offset - this.summaryOffset >= SUMMARY_EVERY_BYTES) await this.writeSummary();
    return unreadable;
  }

  private apply(line: LedgerLine): void {
    if (line.type === 'outcome') {
      this.marks.apply(line.jobId, line.mark);
      return;
    }
    if (line.type === 'reserve') {
      const reservation = reservationOf(line);
      if (this.open.has(reservation.jobId)) return;
      this.open.set(reservation.jobId, reservation);
      this.count(reservation.jobId, reservation.at, (t) => addReservation(t, reservation, 1));
      return;
    }
    const record = recordOf(line);
    const reserved = this.open.get(record.jobId);
    if (reserved) {
      this.open.delete(record.jobId);
      this.count(record.jobId, reserved.at, (t) => addReservation(t, reserved, -1));
    }
    this.count(record.jobId, record.at, (t) => addRecord(t, record, 1));
    this.tail.push(record);
  }

  /** Applies `add` to the day's, the month's and (for this process's jobs) the session's totals. */
  private count(jobId: string, at: number, add: (totals: LedgerTotals) => void): void {
    const day = localDay(at);
    let totals = this.days.get(day);
    if (!totals) this.days.set(day, (totals = emptyTotals()));
    add(totals);
    add(this.monthOf(day));
    if (this.own.has(jobId)) add(this.session);
  }

  private monthOf(day: string): LedgerTotals {
    const month = day.slice(0, 7);
    let totals = this.months.get(month);
    if (!totals) this.months.set(month, (totals = emptyTotals()));
    return totals;
  }

  private reset(): void {
    this.days.clear();
    this.months.clear();
    this.open.clear();
    this.marks.clear();
    this.tail = [];
    this.history = [];
    this.offset = this.lines = this.summaryOffset = this.historyEnd = 0;
    this.carriedFrom = undefined;
  }

  // ---- writing -----------------------------------------------------------------------------

  private async mark(jobId: string, mark: OutcomeMark): Promise<void> {
    await this.exclusive(() => this.locked(() => this.writeLine({ type: 'outcome', jobId, at: this.now(), mark })));
  }

  /** Call under the lock: catches up, appends one line, reads it back as everyone else will. */
  private async writeLine(line: LedgerLine): Promise<void> {
    await this.catchUp();
    // A torn line at the end (a crash mid-write) must not swallow this one.
    const prefix = this.partial ? '\n' : '';
    try {
      await this.store.append(this.fileName, `${prefix}${JSON.stringify(line)}\n`);
    } catch (error) {
      // Counted in memory even so: the money was spent (or is about to be) either way.
      this.memoryOnly = true;
      this.apply(line);
      throw error;
    }
    await this.catchUp();
  }

  private async writeSummary(): Promise<void> {
    if (this.memoryOnly) return;
    const summary: LedgerSummary = {
      version: 1,
      offset: this.offset,
      lines: this.lines,
      ...(await this.file.marks(this.offset)),
      days: Object.fromEntries(this.days),
      open: Object.fromEntries([...this.open].map(([id, { jobId: _id, ...r }]) => [id, r])),
      marks: this.marks.snapshot(),
      ...(this.carriedFrom ? { carriedFrom: this.carriedFrom } : {}),
    };
    try {
      await this.store.write(this.summaryName, JSON.stringify(summary));
      this.summaryOffset = this.offset;
    } catch {
      // Read-only or full disk: the next open reads more of the ledger, nothing is lost.
    }
  }

  /** Under the lock: totals of the oversized file (read in chunks), then a fresh file. */
  private async moveAside(sizeSeen: number): Promise<void> {
    // Read up to the size now, under the lock: nothing appended meanwhile may be lost.
    const size = (await this.file.size()) ?? sizeSeen;
    this.tail = [];
    const read = await this.file.readLines(this.offset, size, (line) => {
      const parsed = parseLedgerLine(line);
      if (parsed) this.apply(parsed);
    });
    this.tail = [];
    this.history = [];
    const aside = `${this.fileName}.too-large-${this.now()}`;
    try {
      await this.file.rename(aside);
    } catch (err) {
      this.warn(oversizeWarning(this.fileName, size, this.maxBytes, { error: err instanceof Error ? err.message : String(err) }));
      this.offset = this.historyEnd = read.end;
      return;
    }
    this.offset = this.lines = this.historyEnd = this.summaryOffset = 0;
    this.carriedFrom = aside;
    await this.writeSummary();
    this.warn(oversizeWarning(this.fileName, size, this.maxBytes, { aside }));
  }

  /** Runs under the cross-process ledger lock; without one (read-only folder), runs anyway. */
  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    let entered = false;
    try {
      return await this.store.withLock(this.fileName, () => {
        entered = true;
        return fn();
      });
    } catch (err) {
      if (entered) throw err;
      this.reportWriteFailure(err);
      return fn();
    }
  }

  /**
   * A read-only or full disk is said once per session, whichever write hit it first (the lock,
   * a reservation or a record): the spend is still counted in memory.
   */
  reportWriteFailure(err: unknown): void {
    this.warnOnce('write', `Could not write the cost ledger (${err instanceof Error ? err.message : String(err)}); spend is counted for this session only and budgets are checked against this window's view.`);
  }

  private warnUnreadable(unreadable: number[]): void {
    if (unreadable.length > 0) this.warn(unreadableWarning(this.fileName, unreadable));
  }

  private warnOnce(key: string, message: string): void {
    if (this.warnedOnce.has(key)) return;
    this.warnedOnce.add(key);
    this.warn(message);
  }
}
