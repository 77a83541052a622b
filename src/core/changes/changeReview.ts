// Review Changes: one run over a change set, one analysis per changed file, through the
// engine's public plan/start API. Every file is planned first (targets, context, cache look-up,
// worst-case cost); the whole set's worst case is checked against the budget before anything
// is sent; then the files run as ordinary jobs (so each is cached on its content + diff, and an
// edit to one file pays for that file only), progress counting files done / total. Findings
// outside the changed lines are dropped and counted.
import { checkBudget, type BudgetDecision, type BudgetLimits, type WorstCase } from '../cost/budget';
import type { ChangeInfo } from '../context/contextPiece';
import type { ReviewContext } from '../context/reviewContext';
import { formatUsd } from '../cost/cost';
import type { JobRecord } from '../jobs/job';
import type { RequestOptions, ReviewRequestInput } from '../requests/request';
import type { Finding } from '../results/result';
import { BudgetRefusedError, type ReviewEngine, type ReviewPlan } from '../reviewEngine';
import { redactText } from '../redaction/secretRedaction';
import { changeTarget, changedRanges, describeDiff, keepFindingsOnChangedLines, touchesChangedLines, type ChangeTarget, type LineRange } from './hunkTargeting';
import { DEFAULT_CHANGE_FILE_LIMITS, skipReasonFromContent, skipReasonFromDiff, type ChangeFileLimits } from './skipReasons';
import { diffPath, type FileDiff } from './unifiedDiff';

/** A change set as the editor or the CLI found it. */
export interface ChangeSource {
  /** "uncommitted changes", "staged changes", "changes against main". */
  description: string;
  files: FileDiff[];
  /** The file's content after the change (working tree, index or ref side), or undefined. */
  readNew(path: string): Promise<string | undefined>;
}

export interface ChangeReviewOptions {
  instruction?: string;
  options?: RequestOptions;
  contextLines: number;
  limits?: ChangeFileLimits;
  budget: BudgetLimits;
  redactSecrets: boolean;
  languageOf(path: string): string;
  /** The editor's URI for a file, so fixes and reveals open the right document. */
  documentUriOf?(path: string): string | undefined;
  /**
   * The context for one file's target (guidelines, definitions), redacted and budgeted. After
   * `deadline` (epoch ms) it should send what it has without searching (the guidelines).
   */
  contextFor(file: { filePath: string; languageId: string; target: ChangeTarget; text: string; deadline: number }): Promise<ReviewContext>;
  /** Wall-clock limit for the whole set's context (default CHANGE_SET_CONTEXT_MS). */
  contextTimeMs?: number;
}

export interface PlannedChangeFile {
  filePath: string;
  plan: ReviewPlan;
  changed: LineRange[];
  context: ReviewContext;
}

export interface SkippedChangeFile {
  filePath: string;
  skipped: string;
}

export interface ChangeSetPlan {
  description: string;
  files: PlannedChangeFile[];
  skipped: SkippedChangeFile[];
  /** The whole set's worst case (files not answered from the cache) against the budget. */
  budget: BudgetDecision;
}

type EnginePlanning = Pick<ReviewEngine, 'plan' | 'committedSpend'>;
type EngineRunning = Pick<ReviewEngine, 'start' | 'jobs'>;

/** Files planned at once: their context searches overlap, their model calls come later. */
const PLAN_CONCURRENCY = 4;
/** Wall-clock time for the whole set's context; files planned after it get no definitions. */
export const CHANGE_SET_CONTEXT_MS = 30_000;

export async function planChangeReview(engine: EnginePlanning, source: ChangeSource, opts: ChangeReviewOptions): Promise<ChangeSetPlan> {
  const limits = opts.limits ?? DEFAULT_CHANGE_FILE_LIMITS;
  const deadline = Date.now() + (opts.contextTimeMs ?? CHANGE_SET_CONTEXT_MS);
  // Reasons known from the diff alone first, and the file limit over what is left.
  let reviewable = 0;
  const early = source.files.map((diff) => {
    const reason = skipReasonFromDiff(diff);
    if (reason) return reason;
    return ++reviewable > limits.maxFiles ? `beyond the first ${limits.maxFiles} files of one change review` : undefined;
  });
  const outcomes: (PlannedChangeFile | SkippedChangeFile)[] = new Array(source.files.length);
  let next = 0;
  const worker = async () => {
    while (next < source.files.length) {
      const i = next++;
      const diff = source.files[i]!;
      const reason = early[i];
      outcomes[i] = reason ? { filePath: diffPath(diff), skipped: reason } : await planFile(engine, source, diff, opts, limits, deadline);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PLAN_CONCURRENCY, source.files.length) }, worker));
  const files = outcomes.filter((o): o is PlannedChangeFile => 'plan' in o);
  const skipped = outcomes.filter((o): o is SkippedChangeFile => 'skipped' in o);
  return { description: source.description, files, skipped, budget: setBudget(engine, files, opts.budget) };
}

async function planFile(engine: EnginePlanning, source: ChangeSource, diff: FileDiff, opts: ChangeReviewOptions, limits: ChangeFileLimits, deadline: number): Promise<PlannedChangeFile | SkippedChangeFile> {
  const filePath = diffPath(diff);
  const text = await source.readNew(filePath).catch(() => undefined);
  if (text === undefined) return { filePath, skipped: 'unreadable' };
  const changed = changedRanges(diff, text.split(/\r?\n/).length);
  const target = changeTarget(text, changed, opts.contextLines);
  const late = skipReasonFromContent(text, Buffer.byteLength(text, 'utf8'), target ? target.endLine - target.startLine + 1 : 0, limits);
  if (late || !target) return { filePath, skipped: late ?? 'no changed lines' };
  const languageId = opts.languageOf(filePath);
  const context = await opts.contextFor({ filePath, languageId, target, text, deadline });
  const change = await changeInfo(diff, source.description, target.changed, opts.redactSecrets);
  const request: ReviewRequestInput = {
    kind: 'review',
    target: { type: 'selection', filePath, languageId, startLine: target.startLine, endLine: target.endLine, code: target.code, contextBefore: target.contextBefore, contextAfter: target.contextAfter, documentUri: opts.documentUriOf?.(filePath) },
    instruction: opts.instruction,
    options: opts.options ?? {},
    context: context.pieces,
    change,
  };
  const plan = await engine.plan(request, text);
  plan.notices.push(...context.notices);
  return { filePath, plan, changed: target.changed, context };
}

async function changeInfo(diff: FileDiff, description: string, changed: LineRange[], redact: boolean): Promise<ChangeInfo> {
  const text = describeDiff(diff, 24_000);
  // The diff carries removed lines too, which the target does not: redact it as well.
  const safe = redact ? (await redactText(text, 1)).text : text;
  return { description, changedRanges: changed, diff: safe };
}

/** The set's worst case against the budget; a refusal names the files it would take. */
function setBudget(engine: EnginePlanning, files: readonly PlannedChangeFile[], limits: BudgetLimits): BudgetDecision {
  const paid = files.filter((f) => !f.plan.cached);
  const worst: WorstCase = { inputTokens: 0, maxOutputTokens: 0, usd: 0 };
  for (const f of paid) {
    const w = f.plan.budget.worstCase;
    worst.inputTokens += w.inputTokens;
    worst.maxOutputTokens += w.maxOutputTokens;
    worst.usd = worst.usd === null || w.usd === null ? null : worst.usd + w.usd;
  }
  const decision = checkBudget(worst, engine.committedSpend(), limits);
  if (paid.length === 0 || (decision.allowed && !decision.message)) return decision;
  const each = paid.map((f) => `${f.filePath} (${f.plan.budget.worstCase.usd === null ? 'cost unknown' : `up to ${formatUsd(f.plan.budget.worstCase.usd)}`})`).join(', ');
  const set = `reviewing these ${paid.length} changed file${paid.length === 1 ? '' : 's'}`;
  const message = `${(decision.message ?? '').replace('this request', set)} It would take: ${each}.`;
  return { ...decision, message };
}

export interface ChangeFileResult {
  filePath: string;
  jobId: string;
  status: JobRecord['status'];
  fromCache: boolean;
  /** Findings on changed lines only. */
  findings: Finding[];
  /** Findings the model returned on unchanged lines, dropped. */
  droppedOutsideChange: number;
  job: JobRecord;
}

export interface ChangeSetResult {
  description: string;
  files: ChangeFileResult[];
  skipped: SkippedChangeFile[];
}

export interface ChangeProgress {
  done: number;
  total: number;
  filePath: string;
  /** The job ids, in the order of the planned files, once all have started. */
  jobIds: string[];
}

/**
 * Runs a planned change set (refuses, sending nothing, when the set is over budget). Files
 * answered from the cache cost nothing; the others run as jobs at the engine's concurrency.
 */
export async function runChangeReview(engine: EngineRunning, set: ChangeSetPlan, onProgress?: (p: ChangeProgress) => void): Promise<ChangeSetResult> {
  if (!set.budget.allowed) throw new ChangeSetRefusedError(set.budget.message);
  const started = set.files.map((f) => ({ file: f, jobId: engine.start(f.plan).jobId }));
  const jobIds = started.map((s) => s.jobId);
  // Once at the start (done 0), so a caller can cancel the jobs before the first one finishes.
  onProgress?.({ done: 0, total: started.length, filePath: '', jobIds });
  let done = 0;
  const files = await Promise.all(
    started.map(async ({ file, jobId }) => {
      const job = await engine.jobs.whenDone(jobId);
      const result = fileResult(file, job);
      markDropped(engine, job, file.changed, result.droppedOutsideChange);
      done++;
      onProgress?.({ done, total: started.length, filePath: file.filePath, jobIds });
      return result;
    }),
  );
  return { description: set.description, files, skipped: set.skipped };
}

export function fileResult(file: PlannedChangeFile, job: JobRecord): ChangeFileResult {
  const { kept, dropped } = keepFindingsOnChangedLines(job.result?.findings ?? [], file.changed);
  return { filePath: file.filePath, jobId: job.id, status: job.status, fromCache: job.fromCache, findings: kept, droppedOutsideChange: dropped, job };
}

/** The set is over budget: nothing was sent. A budget ModelError, so callers treat it as any refusal. */
/**
 * The job keeps the model's whole answer (it is what the cache holds), but findings on
 * unchanged lines are marked dismissed, so the editor's diagnostics and the panel leave them
 * out, and a warning says how many were dropped.
 */
function markDropped(engine: EngineRunning, job: JobRecord, changed: readonly LineRange[], dropped: number): void {
  if (dropped === 0 || job.status !== 'succeeded') return;
  const outside = (job.result?.findings ?? []).flatMap((f, i) => (touchesChangedLines(f, changed) ? [] : [i]));
  const dismissed = [...new Set([...job.dismissedFindings, ...outside])].sort((a, b) => a - b);
  const note = `Dropped ${dropped} finding${dropped === 1 ? '' : 's'} on unchanged lines: a change review reports on changed lines only.`;
  engine.jobs.update(job.id, { dismissedFindings: dismissed, warnings: job.warnings.includes(note) ? job.warnings : [...job.warnings, note] });
}

export class ChangeSetRefusedError extends BudgetRefusedError {}
