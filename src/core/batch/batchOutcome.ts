// Turns one request's batch result into the finished job, in the same shape a streamed job
// ends in: reasoning text (Anthropic thinking blocks, OpenAI reasoning summaries), the parsed
// result, usage, and the cost at the batch price. Errored, cancelled, expired and missing
// results get a message that says what happened and what it cost.
import { formatUsd, listCostOfUsage } from '../cost/cost';
import type { JobRecord } from '../jobs/job';
import type { Usage } from '../modelClient';
import type { PriceOverrides } from '../cost/prices';
import { buildPrompt, promptText } from '../prompts/prompts';
import { EMPTY_AFTER_REASONING_WARNING, EMPTY_WARNING, parseModelOutput } from '../results/resultParser';
import { estimateTokens } from '../routing/tokens';
import { providerFacts } from '../providers/catalog';
import { batchCostOfUsage } from './batchPricing';
import type { BatchItemOutcome, BatchProgress, BatchProviderId } from './batchTypes';

export interface OutcomeContext {
  provider: BatchProviderId;
  batchId: string;
  progress: BatchProgress;
  priceOverrides: PriceOverrides;
  cancelRequested: boolean;
  now: number;
}

export interface FinishedBatchJob {
  job: JobRecord;
  /** The list-price cost of the same usage, for the savings shown (null: unknown). */
  listUsd: number | null;
}

/** The finished job for `job`, given its outcome (undefined: the batch had no line for it). */
export function finishBatchJob(job: JobRecord, outcome: BatchItemOutcome | undefined, ctx: OutcomeContext): FinishedBatchJob {
  const label = providerFacts(ctx.provider).label;
  const base = { ...job, finishedAt: ctx.now, startedAt: job.startedAt ?? job.createdAt };
  const failed = (kind: NonNullable<JobRecord['error']>['kind'], message: string, status: 'failed' | 'cancelled' = 'failed'): FinishedBatchJob => ({
    // Requests that did not succeed in a batch are not billed.
    job: { ...base, status, costUsd: 0, costSource: 'table', error: { kind, message } },
    listUsd: 0,
  });
  if (ctx.progress.phase === 'failed') return failed('bad-request', `${label} rejected batch ${ctx.batchId} as a whole: ${(ctx.progress.failure ?? 'no reason given').replace(/\.+$/, '')}. Nothing was charged; run the review again.`);
  if (!outcome) {
    if (ctx.progress.expired) return failed('timeout', expiredMessage(label, ctx.batchId));
    return failed('server', `${label} ended batch ${ctx.batchId} without a result for this request. Nothing was charged for it; run the review again.`);
  }
  switch (outcome.kind) {
    case 'errored':
      return failed(/invalid_request|HTTP 4\d\d/.test(outcome.message) ? 'bad-request' : 'server', `${label} could not run this request (batch ${ctx.batchId}): ${outcome.message}`);
    case 'canceled':
      return failed('cancelled', `Cancelled at ${label} (batch ${ctx.batchId}) before it ran; nothing was charged.`, 'cancelled');
    case 'expired':
      return failed('timeout', expiredMessage(label, ctx.batchId));
    case 'succeeded':
      return succeeded(base, outcome, ctx, label);
  }
}

function expiredMessage(label: string, batchId: string): string {
  return `Expired: ${label} did not run this request within the batch's 24-hour window (batch ${batchId}). Nothing was charged for it; run it again now or later.`;
}

function succeeded(job: JobRecord, outcome: Extract<BatchItemOutcome, { kind: 'succeeded' }>, ctx: OutcomeContext, label: string): FinishedBatchJob {
  const parsed = parseModelOutput(outcome.answer, { startLine: job.request.target.startLine, endLine: job.request.target.endLine });
  if (outcome.reasoning.trim()) parsed.warnings = parsed.warnings.map((w) => (w === EMPTY_WARNING ? EMPTY_AFTER_REASONING_WARNING : w));
  const reasoning = parsed.inlineReasoning ? `${outcome.reasoning}${outcome.reasoning ? '\n' : ''}${parsed.inlineReasoning}` : outcome.reasoning;
  const usage: Usage = outcome.usage ?? estimatedUsage(job, outcome);
  const cost = batchCostOfUsage(ctx.provider, usage, job.route.model, ctx.priceOverrides);
  const notes = [...outcome.notes];
  if (outcome.truncated) notes.push('The answer reached its token limit and may be cut short.');
  const others = ctx.progress.counts.failed;
  if (others > 0) notes.push(`${others} of ${ctx.progress.counts.total} requests in batch ${ctx.batchId} did not succeed; this one did.`);
  if (ctx.cancelRequested) notes.push(`${label} had already answered before the cancel took effect; the answer was billed, so it is shown.`);
  if (cost.usd !== null && cost.listUsd !== null) notes.push(`Batch price ${formatUsd(cost.usd)} instead of ${formatUsd(cost.listUsd)} at the list price (saved ${formatUsd(cost.listUsd - cost.usd)}).`);
  return {
    job: {
      ...job,
      status: 'succeeded',
      reasoning,
      answer: outcome.answer,
      result: parsed.result,
      structured: parsed.structured,
      usage,
      costUsd: cost.usd,
      costSource: cost.source,
      // Savings against the list price: the batch discount here, the prompt cache's share the rest.
      listCostUsd: cost.usd === null ? null : listCostOfUsage(usage, job.route.model, ctx.priceOverrides),
      ...(cost.usd !== null && cost.listUsd !== null && cost.listUsd > cost.usd ? { batchSavingsUsd: cost.listUsd - cost.usd } : {}),
      warnings: [...job.warnings, ...parsed.warnings, ...notes],
    },
    listUsd: cost.listUsd,
  };
}

/** No usage in the result: count what arrived, marked estimated (never a free 0). */
function estimatedUsage(job: JobRecord, outcome: { reasoning: string; answer: string }): Usage {
  const prompt = buildPrompt(job.request);
  const outputTokens = estimateTokens(outcome.reasoning + outcome.answer);
  return { inputTokens: estimateTokens(promptText(prompt)), cachedInputTokens: 0, outputTokens, reasoningTokens: Math.min(outputTokens, estimateTokens(outcome.reasoning)), estimated: true };
}
