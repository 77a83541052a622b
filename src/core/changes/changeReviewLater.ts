// Review Changes, run later at half price: the whole planned change set goes to the provider's
// batch API together (one batch per provider and model), after the set's worst case at the
// batch price passed the budget, so a refusal sends nothing. When a file's batch job finishes,
// its findings on unchanged lines are set aside exactly as a streamed change review's are.
import { checkBudget, type BudgetDecision, type BudgetLimits, type WorstCase } from '../cost/budget';
import { formatUsd } from '../cost/money';
import type { JobRecord } from '../jobs/job';
import type { BatchSubmitResult } from '../batch/batchService';
import { batchWorstCase } from '../batch/batchPricing';
import { isBatchProvider } from '../batch/batchTypes';
import { providerFacts } from '../providers/catalog';
import type { ReviewEngine } from '../reviewEngine';
import { ChangeSetRefusedError, type ChangeSetPlan, type SkippedChangeFile } from './changeReview';
import { touchesChangedLines } from './hunkTargeting';

/** What sends plans to the batch API (BatchService). */
export interface BatchSubmitter {
  submitAll(plans: readonly ChangeSetPlan['files'][number]['plan'][], options?: { immediate?: boolean }): Promise<BatchSubmitResult[]>;
}

export interface ChangeSetLaterFile {
  filePath: string;
  jobId: string;
  /** `submitted` (queued at the provider), `succeeded` for a cache hit, `failed` when the batch could not be created. */
  status: BatchSubmitResult['status'];
  batchId?: string;
  fromCache: boolean;
  error?: string;
}

export interface ChangeSetLaterResult {
  description: string;
  files: ChangeSetLaterFile[];
  skipped: SkippedChangeFile[];
  /** The set's worst case at the batch price and at the list price (null: unknown). */
  maxCostUsd: number | null;
  listMaxCostUsd: number | null;
}

/** Why this set cannot run later, or undefined when it can (every file to send goes to a provider with a batch API). */
export function changeSetLaterProblem(set: ChangeSetPlan): string | undefined {
  const other = set.files.find((f) => !f.plan.cached && !(isBatchProvider(f.plan.route.model.provider) && providerFacts(f.plan.route.model.provider).capabilities.batch));
  if (!other) return undefined;
  return `${providerFacts(other.plan.route.model.provider).label} has no batch API; run later at half price works with Anthropic and OpenAI.`;
}

/** The set's worst case at the batch price (files answered from the cache cost nothing) against the budget. */
export function changeSetBatchBudget(engine: Pick<ReviewEngine, 'committedSpend'>, set: ChangeSetPlan, limits: BudgetLimits): { decision: BudgetDecision; listUsd: number | null } {
  const worst: WorstCase = { inputTokens: 0, maxOutputTokens: 0, usd: 0 };
  let listUsd: number | null = 0;
  for (const f of set.files) {
    const p = f.plan.route.model.provider;
    if (f.plan.cached || !isBatchProvider(p)) continue;
    const w = batchWorstCase(p, f.plan.budget.worstCase);
    worst.inputTokens += w.inputTokens;
    worst.maxOutputTokens += w.maxOutputTokens;
    worst.usd = worst.usd === null || w.usd === null ? null : worst.usd + w.usd;
    listUsd = listUsd === null || f.plan.budget.worstCase.usd === null ? null : listUsd + f.plan.budget.worstCase.usd;
  }
  const decision = checkBudget(worst, engine.committedSpend(), limits);
  if (decision.allowed) return { decision, listUsd };
  return { decision: { ...decision, message: decision.message.replace('this request', `running these ${set.files.length} changed files later at half price`) }, listUsd };
}

/** Sends the planned set to the batch API; throws ChangeSetRefusedError (sending nothing) when it is over budget. */
export async function submitChangeReviewLater(engine: Pick<ReviewEngine, 'committedSpend'>, batch: BatchSubmitter, set: ChangeSetPlan, limits: BudgetLimits, options: { immediate?: boolean } = {}): Promise<ChangeSetLaterResult> {
  const problem = changeSetLaterProblem(set);
  if (problem) throw new ChangeSetRefusedError(problem);
  const { decision, listUsd } = changeSetBatchBudget(engine, set, limits);
  if (!decision.allowed) throw new ChangeSetRefusedError(decision.message);
  const results = await batch.submitAll(set.files.map((f) => f.plan), options);
  const files = set.files.map((f, i) => {
    const r = results[i]!;
    return { filePath: f.filePath, jobId: r.jobId, status: r.status, fromCache: r.fromCache, ...(r.batchId ? { batchId: r.batchId } : {}), ...(r.error ? { error: r.error } : {}) };
  });
  return { description: set.description, files, skipped: set.skipped, maxCostUsd: decision.worstCase.usd, listMaxCostUsd: listUsd };
}

/**
 * A finished change-review job keeps the model's whole answer (the cache holds it), but its
 * findings on unchanged lines are dismissed and counted, as runChangeReview does for streamed ones.
 */
export function dismissFindingsOutsideChange(job: JobRecord): JobRecord {
  const changed = job.request.change?.changedRanges;
  const findings = job.result?.findings ?? [];
  if (!changed || job.status !== 'succeeded') return job;
  const outside = findings.flatMap((f, i) => (touchesChangedLines(f, changed) ? [] : [i]));
  if (outside.length === 0) return job;
  const n = outside.length;
  const note = `Dropped ${n} finding${n === 1 ? '' : 's'} on unchanged lines: a change review reports on changed lines only.`;
  return { ...job, dismissedFindings: [...new Set([...job.dismissedFindings, ...outside])].sort((a, b) => a - b), warnings: [...job.warnings, note] };
}

/** "3 files at most $0.42 (instead of $0.84)". */
export function laterCostLine(result: Pick<ChangeSetLaterResult, 'maxCostUsd' | 'listMaxCostUsd'>): string {
  return result.maxCostUsd === null ? 'cost unknown (no price for a model)' : `at most ${formatUsd(result.maxCostUsd)}${result.listMaxCostUsd !== null ? ` instead of ${formatUsd(result.listMaxCostUsd)}` : ''}`;
}
