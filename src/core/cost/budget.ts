// The budget gate, checked before anything is sent: the worst case (every output token the
// request may use, thinking included) must fit in what is left today and this month.
import type { ModelSpec } from '../modelClient';
import { formatCount } from './formatCount';
import { formatUsd } from './money';
import { findPrice, type PriceOverrides } from './prices';
import { estimateTokens } from '../routing/tokens';

/** USD limits; 0 means no limit (or, for confirmAboveUsd, never ask). */
export interface BudgetLimits {
  dailyUsd: number;
  monthlyUsd: number;
  confirmAboveUsd: number;
}

export interface WorstCase {
  inputTokens: number;
  maxOutputTokens: number;
  /** null when the model has no known price. */
  usd: number | null;
}

/**
 * The most a request can cost: the estimated input (system + prompt) billed as uncached, plus
 * every thinking and answer token the spec allows, at the output price.
 */
export function worstCaseCost(inputText: string, spec: ModelSpec, overrides?: PriceOverrides): WorstCase {
  const inputTokens = estimateTokens(inputText);
  const maxOutputTokens = Math.max(0, spec.maxThinkingTokens) + Math.max(0, spec.maxAnswerTokens);
  const match = findPrice(spec.model, overrides);
  const usd = match ? (inputTokens * match.price.inputPerMTok + maxOutputTokens * match.price.outputPerMTok) / 1_000_000 : null;
  return { inputTokens, maxOutputTokens, usd };
}

/** Where the user changes what a budget message talks about: VS Code settings, or CLI flags. */
export interface BudgetHints {
  /** How to give an unpriced model a price (a full sentence). */
  price: string;
  daily: string;
  monthly: string;
  /** What to lower or choose instead ("lower … or choose a cheaper model"). */
  cheaper: string;
  confirm: string;
}

export const VSCODE_BUDGET_HINTS: BudgetHints = {
  price: 'Add its price to the setting `deepReview.prices.overrides` to enforce your limits.',
  daily: 'the setting `deepReview.budget.dailyUsd`',
  monthly: 'the setting `deepReview.budget.monthlyUsd`',
  cheaper: 'or lower `deepReview.reasoning.maxThinkingTokens` or choose a cheaper model',
  confirm: '`deepReview.budget.confirmAboveUsd`',
};

export type BudgetDecision =
  | { allowed: true; worstCase: WorstCase; needsConfirmation: boolean; message?: string }
  | { allowed: false; worstCase: WorstCase; limit: 'daily' | 'monthly'; message: string };

// Sums of float dollars drift (0.1 + 0.2 > 0.3); a millionth of a cent is not worth a refusal.
const EPSILON_USD = 1e-9;

/**
 * Decides whether a request may be sent. A model with no known price is allowed without asking:
 * refusing would make local and custom models unusable, and asking on every request is noise
 * the user learns to click through. The message says the cost can't be checked and how to fix
 * that (a price override), and the ledger records the job's cost as unknown.
 */
export function checkBudget(worstCase: WorstCase, spent: { todayUsd: number; monthUsd: number }, limits: BudgetLimits, hints: BudgetHints = VSCODE_BUDGET_HINTS): BudgetDecision {
  const usd = worstCase.usd;
  if (usd === null) {
    return {
      allowed: true,
      worstCase,
      needsConfirmation: false,
      message:
        `This model has no known price, so its cost can't be checked against your budget and will show as unknown. ${hints.price}`,
    };
  }

  const daily = exceeded('daily', usd, spent.todayUsd, limits.dailyUsd, hints);
  const monthly = exceeded('monthly', usd, spent.monthUsd, limits.monthlyUsd, hints);
  const first = daily ?? monthly;
  if (first) {
    const reasons = [daily, monthly].filter((r): r is Exceeded => r !== undefined);
    const message =
      `Refused before sending: this request could cost up to ${formatUsd(usd)} ` +
      `(${formatCount(worstCase.inputTokens)} input + up to ${formatCount(worstCase.maxOutputTokens)} output tokens, thinking included). ` +
      reasons.map((r) => r.sentence).join(' ') +
      ` To go ahead, raise ${reasons.map((r) => r.howToRaise).join(' and ')}, ${hints.cheaper}.`;
    return { allowed: false, worstCase, limit: first.limit, message };
  }

  const needsConfirmation = limits.confirmAboveUsd > 0 && usd > limits.confirmAboveUsd;
  if (!needsConfirmation) return { allowed: true, worstCase, needsConfirmation };
  return {
    allowed: true,
    worstCase,
    needsConfirmation,
    message:
      `This request could cost up to ${formatUsd(usd)}, above your confirmation threshold of ${formatUsd(limits.confirmAboveUsd)} ` +
      `(${hints.confirm}). Send it?`,
  };
}

interface Exceeded {
  limit: 'daily' | 'monthly';
  sentence: string;
  howToRaise: string;
}

function exceeded(limit: 'daily' | 'monthly', usd: number, spentUsd: number, limitUsd: number, hints: BudgetHints): Exceeded | undefined {
  if (!(limitUsd > 0) || spentUsd + usd <= limitUsd + EPSILON_USD) return undefined;
  const period = limit === 'daily' ? 'today' : 'this month';
  const left = Math.max(0, limitUsd - spentUsd);
  return {
    limit,
    sentence: `With ${formatUsd(spentUsd)} already spent ${period}, that would exceed your ${limit} limit of ${formatUsd(limitUsd)} (${formatUsd(left)} left).`,
    howToRaise: limit === 'daily' ? hints.daily : hints.monthly,
  };
}
