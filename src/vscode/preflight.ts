// What is checked after planning and before anything is sent: a model for the tier, the key,
// the budget, and the user's confirmation above the threshold. Each refusal says what to do.
// Where the provider has a batch API, the confirmation also offers "Run Later (Half Price)".
import * as vscode from 'vscode';
import { runLaterOffer, type RunLaterContext, type RunLaterOffer } from '../core/batch/runLaterOffer';
import { missingModelMessage } from '../core/routing/modelSettings';
import { PROVIDER_CATALOG } from '../core/providers/catalog';
import type { ReviewPlan } from '../core/reviewEngine';
import type { RoutingConfig } from '../core/routing/router';
import type { ApiKeys } from './apiKeys';
import { askModal } from './modalPrompts';
import { formatUsd } from '../core/cost/money';

/** Runs an action from a notification button without holding up the caller. */
function offer(show: Thenable<string | undefined>, actions: Record<string, () => Thenable<unknown> | void>): void {
  void show.then((choice) => (choice ? actions[choice]?.() : undefined));
}

const openSettings = (query: string) => () => vscode.commands.executeCommand('workbench.action.openSettings', query);

export const RUN_LATER_CHOICE = 'Run Later (Half Price)';

/** What the user chose: send now, run later at the batch price, or nothing (told why). */
export type PreflightChoice = 'send' | 'later' | undefined;

export interface PreflightOptions extends Pick<RunLaterContext, 'budget'> {
  /** Whether a batch job can be submitted from here at all. */
  canRunLater: boolean;
  /** Review Selection / Review File: offer running later for reasoning-tier and long reviews too. */
  offerForLongWaits: boolean;
  confirmAboveUsd: number;
}

/** 'send' when the plan may be sent now, 'later' for the batch API; otherwise the user has been told why not. */
export async function preflight(plan: ReviewPlan, tiers: RoutingConfig['tiers'], keys: ApiKeys, log: vscode.LogOutputChannel, options: PreflightOptions): Promise<PreflightChoice> {
  const model = plan.route.model;
  if (!model.model && model.provider !== 'vscode-lm') {
    const missing = missingModelMessage(tiers) ?? `No model is set for the ${plan.route.tier} tier.`;
    offer(vscode.window.showErrorMessage(`Deep Review: ${missing}`, 'Open Settings'), { 'Open Settings': openSettings('deepReview.models') });
    return undefined;
  }
  if (plan.cached) return 'send'; // answered from the cache: nothing is sent or paid
  const facts = PROVIDER_CATALOG[model.provider];
  if (facts.needsKey && !(await keys.get(model.provider))) {
    offer(vscode.window.showErrorMessage(`Deep Review: no API key is set for ${facts.label}.`, 'Set API Key', 'Choose Provider'), {
      'Set API Key': () => vscode.commands.executeCommand('deepReview.setApiKey', { provider: model.provider }),
      'Choose Provider': () => vscode.commands.executeCommand('deepReview.chooseProvider'),
    });
    return undefined;
  }
  const later = options.canRunLater ? runLaterOffer(plan, options) : undefined;
  if (!plan.budget.allowed && later) {
    // Over budget now, within it at half price: the batch API is the way to send it.
    log.info(`Over budget at the list price, within it at the batch price: ${plan.budget.message}`);
    const choice = await askModal('warning', plan.budget.message, laterDetail(later, facts.label), RUN_LATER_CHOICE);
    return choice === RUN_LATER_CHOICE ? 'later' : undefined;
  }
  if (!plan.budget.allowed) {
    log.info(`Refused before sending: ${plan.budget.message}`);
    offer(vscode.window.showErrorMessage(`Deep Review: ${plan.budget.message}`, 'Raise Budget', 'Show Cost Report'), {
      'Raise Budget': openSettings('deepReview.budget'),
      'Show Cost Report': () => vscode.commands.executeCommand('deepReview.showCostReport'),
    });
    return undefined;
  }
  if (plan.budget.needsConfirmation) {
    const worst = plan.budget.worstCase;
    const choice = await askModal(
      'warning',
      `This request may cost up to ${formatUsd(worst.usd ?? null)} (worst case: ${worst.inputTokens.toLocaleString()} input + ${worst.maxOutputTokens.toLocaleString()} output tokens on ${model.model}).`,
      `Ask above this amount with the setting deepReview.budget.confirmAboveUsd.${later ? ` ${laterDetail(later, facts.label)}` : ''}`,
      ...(later ? ['Send', RUN_LATER_CHOICE] : ['Send']),
    );
    return choice === 'Send' ? 'send' : choice === RUN_LATER_CHOICE ? 'later' : undefined;
  }
  if (later) {
    const why = later.reason === 'reasoning' ? `This review goes to the reasoning tier (${model.model})` : `This review may take a while on ${model.model}`;
    const choice = await askModal('info', `${why}: send it now, or run it later at half price?`, `${laterDetail(later, facts.label)} Set deepReview.budget.confirmAboveUsd to 0 to send without asking.`, 'Send Now', RUN_LATER_CHOICE);
    return choice === 'Send Now' ? 'send' : choice === RUN_LATER_CHOICE ? 'later' : undefined;
  }
  return 'send';
}

function laterDetail(later: RunLaterOffer, label: string): string {
  const cost = later.batchUsd === null ? 'at half the list price' : `for at most ${formatUsd(later.batchUsd)} instead of ${formatUsd(later.listUsd)}`;
  return `Run later sends it to ${label}'s batch API ${cost}; it answers within 24 hours, usually much sooner, and you are notified.`;
}
