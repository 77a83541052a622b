// When the confirm step offers "Run Later (Half Price)", and what it would cost: wherever the
// provider has a batch API, in the budget confirmation, and for a review of a selection or a
// file that goes to the reasoning tier or has a long expected wait (where waiting costs little
// and the discount is largest). Pure, so the edge only shows what this decides.
import { checkBudget, type BudgetDecision, type BudgetLimits } from '../cost/budget';
import type { ModelTier } from '../requests/request';
import { providerFacts } from '../providers/catalog';
import type { ProviderId } from '../modelClient';
import { batchWorstCase } from './batchPricing';
import { isBatchProvider } from './batchTypes';

/** An expected wait whose upper end reaches this is "long": a batch is worth offering. */
export const LONG_WAIT_SECONDS = 60;

export interface RunLaterPlanFacts {
  route: { tier: ModelTier; model: { provider: ProviderId }; expectedWait: { highSeconds: number } };
  budget: BudgetDecision;
  cached: unknown;
}

export interface RunLaterOffer {
  /** Why it is offered: the budget confirmation, a refusal it would fit at half price, or a reasoning-tier / long review. */
  reason: 'confirmation' | 'over-budget' | 'reasoning' | 'long-wait';
  /** The worst case at the batch price, and now (null: unknown price). */
  batchUsd: number | null;
  listUsd: number | null;
}

export interface RunLaterContext {
  /** Review Selection and Review File offer it for long waits; other entry points only in the budget confirmation. */
  offerForLongWaits: boolean;
  /** The confirmation threshold; 0 means the user sends without being asked, so nothing is asked. */
  confirmAboveUsd: number;
  /** With these, a request the budget refuses at the list price is offered when it fits at the batch price. */
  budget?: { spent: { todayUsd: number; monthUsd: number }; limits: BudgetLimits };
}

export function runLaterOffer(plan: RunLaterPlanFacts, ctx: RunLaterContext): RunLaterOffer | undefined {
  const provider = plan.route.model.provider;
  if (plan.cached) return undefined;
  if (!isBatchProvider(provider) || !providerFacts(provider).capabilities.batch) return undefined;
  const atBatchPrice = batchWorstCase(provider, plan.budget.worstCase);
  const prices = { batchUsd: atBatchPrice.usd, listUsd: plan.budget.worstCase.usd };
  if (!plan.budget.allowed) {
    const fits = ctx.budget !== undefined && checkBudget(atBatchPrice, ctx.budget.spent, ctx.budget.limits).allowed;
    return fits ? { reason: 'over-budget', ...prices } : undefined;
  }
  if (plan.budget.needsConfirmation) return { reason: 'confirmation', ...prices };
  if (!ctx.offerForLongWaits || ctx.confirmAboveUsd <= 0) return undefined;
  if (plan.route.tier === 'reasoning') return { reason: 'reasoning', ...prices };
  if (plan.route.expectedWait.highSeconds >= LONG_WAIT_SECONDS) return { reason: 'long-wait', ...prices };
  return undefined;
}
