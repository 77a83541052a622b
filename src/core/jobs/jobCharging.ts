// What a job is charged, from before it is sent to its end: the worst case reserved in the
// ledger under the budget check (atomic across processes), then the final usage, believed only
// when it is sane (see chargeUsage), or else what visibly streamed.
import { checkBudget, type BudgetDecision, type BudgetHints, type BudgetLimits, type WorstCase } from '../cost/budget';
import { chargeUsage, listCostOfUsage, untrustedUsageWarning, type UsageBounds } from '../cost/cost';
import type { JobRecord } from './job';
import type { CostLedger } from '../cost/ledger';
import type { Usage } from '../modelClient';
import type { PriceOverrides } from '../cost/prices';
import { estimateTokens } from '../routing/tokens';
import type { WarningSink } from '../warnings';

type Spent = { todayUsd: number; monthUsd: number };

export interface ReserveContext {
  ledger: CostLedger;
  budget: BudgetLimits;
  hints?: BudgetHints;
  /** Adds what this process's other queued jobs may still spend (not yet in the ledger). */
  withQueued(spent: Spent): Spent;
  now: number;
  warn: WarningSink;
}

/**
 * Writes the job's worst case to the ledger before anything is sent, after checking the budget
 * in the same locked step (so parallel processes cannot all pass one budget). Returns the job's
 * outcome when the budget refuses it; undefined when it may go ahead.
 */
export async function reserveBeforeSending(job: JobRecord, worst: WorstCase, ctx: ReserveContext): Promise<(Partial<JobRecord> & { status: 'failed' }) | undefined> {
  const r = job.route;
  const reservation = { jobId: job.id, at: ctx.now, provider: r.provider, model: r.model, tier: r.tier, kind: job.request.kind, inputTokens: worst.inputTokens, maxOutputTokens: worst.maxOutputTokens, usd: worst.usd };
  let decision: BudgetDecision;
  try {
    // `spent` is every process's ledger, read under the lock.
    decision = await ctx.ledger.reserve(reservation, (spent) => checkBudget(worst, ctx.withQueued(spent), ctx.budget, ctx.hints));
  } catch (err) {
    // Counted in memory even so; the job goes ahead rather than fail on a disk error.
    ctx.ledger.reportWriteFailure(err);
    return undefined;
  }
  if (decision.allowed) return undefined;
  return { status: 'failed', costUsd: 0, retries: 0, error: { kind: 'budget', message: decision.message } };
}

/** Usage estimated from what streamed, when the provider reported none. */
export function estimatedUsage(promptText: string, output: string, reasoning: string): Usage {
  return { inputTokens: estimateTokens(promptText), cachedInputTokens: 0, outputTokens: estimateTokens(output), reasoningTokens: estimateTokens(reasoning), estimated: true };
}

export interface ChargeContext {
  promptText: string;
  model: string;
  bounds: UsageBounds;
  overrides: PriceOverrides;
}

/** The job fields that record what it was charged (warnings: the job's, plus why not trusted). */
export type ChargedFields = Pick<JobRecord, 'usage' | 'costUsd' | 'costSource' | 'listCostUsd' | 'usageTrusted' | 'warnings'>;

function fields(usage: Usage, warnings: readonly string[], ctx: ChargeContext): ChargedFields & { usage: Usage } {
  const charge = chargeUsage(usage, ctx.model, ctx.bounds, ctx.overrides);
  return {
    usage: charge.usage,
    costUsd: charge.cost.usd,
    costSource: charge.cost.source,
    // A worst-case charge claims no savings: its list price is what it was charged.
    listCostUsd: charge.trusted ? listCostOfUsage(charge.usage, ctx.model, ctx.overrides) : charge.cost.usd,
    ...(charge.trusted ? {} : { usageTrusted: false }),
    warnings: charge.trusted ? [...warnings] : [...warnings, untrustedUsageWarning(charge)],
  };
}

/** A finished job: the reported usage, or an estimate of what streamed. */
export function chargeFinished(reported: Usage | undefined, streamed: { output: string; reasoning: string }, warnings: readonly string[], ctx: ChargeContext): ChargedFields & { usage: Usage } {
  return fields(reported ?? estimatedUsage(ctx.promptText, streamed.output, streamed.reasoning), warnings, ctx);
}

/**
 * A failed or cancelled job costs what the provider reported, or else what streamed before it
 * stopped (estimated); nothing only when nothing came back.
 */
export function chargeStopped(reported: Usage | undefined, job: Pick<JobRecord, 'reasoning' | 'answer' | 'warnings'>, ctx: ChargeContext): ChargedFields {
  if (reported) return fields(reported, job.warnings, ctx);
  if (!job.reasoning && !job.answer) return { usage: undefined, costUsd: 0, costSource: undefined, warnings: job.warnings };
  return fields(estimatedUsage(ctx.promptText, job.reasoning + job.answer, job.reasoning), job.warnings, ctx);
}
