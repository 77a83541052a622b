// The records a job is written as: the queued job record a plan starts as, the ledger line its
// outcome is billed as, and the model spec it runs with. Shared by the engine and the batch layer.
import type { LedgerRecord } from '../cost/ledger';
import type { ModelSpec } from '../modelClient';
import { maskUrlCredentials } from '../providers/urlCredentials';
import type { ReviewPlan } from '../reviewEngine';
import type { JobRecord, JobRoute } from './job';

/**
 * The queued record for a plan. The base URL is stored masked (it is persisted, shown and
 * exported); `baseUrl` is the real one when masking changed it, for the run to use in memory.
 */
export function queuedRecord(plan: ReviewPlan, id: string, now: number): { record: JobRecord; baseUrl: string | undefined } {
  const r = plan.route;
  const route: JobRoute = {
    tier: r.tier,
    provider: r.model.provider,
    model: r.model.model,
    reasoning: r.model.reasoning,
    effort: r.model.effort,
    maxThinkingTokens: r.model.maxThinkingTokens,
    maxAnswerTokens: r.model.maxAnswerTokens,
    baseUrl: maskUrlCredentials(r.model.baseUrl),
    complexity: { tier: plan.complexity.tier, score: plan.complexity.score },
    reasons: r.reasons,
    note: r.note,
    escalationTier: r.escalation?.tier,
    expectedWait: { lowSeconds: r.expectedWait.lowSeconds, highSeconds: r.expectedWait.highSeconds, reason: r.expectedWait.reason },
  };
  const record: JobRecord = {
    id,
    request: plan.request,
    route,
    cacheKey: plan.cacheKey,
    fileHash: plan.fileHash,
    status: 'queued',
    createdAt: now,
    fromCache: false,
    parentJobId: plan.parentJobId,
    reasoning: '',
    answer: '',
    // A confirmation question ("… Send it?") was answered before the job existed; not a warning.
    warnings: [...plan.notices, ...(plan.budget.allowed && plan.budget.message && !plan.budget.needsConfirmation ? [plan.budget.message] : [])],
    retries: 0,
    dismissedFindings: [],
  };
  return { record, baseUrl: route.baseUrl !== r.model.baseUrl ? r.model.baseUrl : undefined };
}

export type LedgerRecordInput = Omit<LedgerRecord, 'usageTrusted'> & { usageTrusted?: false };

/** The ledger line for a job's outcome. A cache hit costs nothing; unknown cost stays null. */
export function ledgerRecordOf(job: JobRecord, outcome: 'succeeded' | 'failed' | 'cancelled', cached: boolean, at: number): LedgerRecordInput {
  const u = cached ? undefined : job.usage;
  const reasoningTokens = u?.reasoningTokens ?? 0;
  const outputTokens = u?.outputTokens ?? 0;
  return {
    jobId: job.id,
    at,
    provider: job.route.provider,
    model: job.route.model,
    tier: job.route.tier,
    kind: job.request.kind,
    inputTokens: u?.inputTokens ?? 0,
    cachedInputTokens: u?.cachedInputTokens ?? 0,
    ...(u?.cacheWriteTokens ? { cacheWriteTokens: u.cacheWriteTokens } : {}),
    outputTokens,
    reasoningTokens,
    answerTokens: Math.max(0, outputTokens - reasoningTokens),
    estimated: u?.estimated ?? false,
    // Unknown stays unknown (null); undefined means nothing was billed.
    costUsd: cached ? 0 : job.costUsd === undefined ? 0 : job.costUsd,
    costSource: cached ? 'table' : (job.costSource ?? 'unknown'),
    outcome,
    cached,
    ...(job.usageTrusted === false ? { usageTrusted: false as const } : {}),
    // A cached answer costs nothing and saves nothing here (the analysis cache is not a price).
    ...(!cached && job.listCostUsd !== undefined ? { listCostUsd: job.listCostUsd } : {}),
    ...(!cached && job.batchSavingsUsd ? { batchSavingsUsd: job.batchSavingsUsd } : {}),
  };
}

export function specOf(route: JobRoute): ModelSpec {
  return {
    provider: route.provider,
    model: route.model,
    reasoning: route.reasoning,
    effort: route.effort,
    maxThinkingTokens: route.maxThinkingTokens,
    maxAnswerTokens: route.maxAnswerTokens,
    baseUrl: route.baseUrl,
  };
}

