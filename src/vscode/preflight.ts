// What is checked after planning and before anything is sent: a model for the tier, the key,
// the budget, and the user's confirmation above the threshold. Each refusal says what to do.
import * as vscode from 'vscode';
import { missingModelMessage } from '../core/routing/modelSettings';
import { PROVIDER_CATALOG } from '../core/providers/catalog';
import type { ReviewPlan } from '../core/reviewEngine';
import type { RoutingConfig } from '../core/routing/router';
import type { ApiKeys } from './apiKeys';
import { formatUsd } from '../core/cost/money';

/** Runs an action from a notification button without holding up the caller. */
function offer(show: Thenable<string | undefined>, actions: Record<string, () => Thenable<unknown> | void>): void {
  void show.then((choice) => (choice ? actions[choice]?.() : undefined));
}

const openSettings = (query: string) => () => vscode.commands.executeCommand('workbench.action.openSettings', query);

/** True when the plan may be sent; otherwise the user has been told why not. */
export async function preflight(plan: ReviewPlan, tiers: RoutingConfig['tiers'], keys: ApiKeys, log: vscode.LogOutputChannel): Promise<boolean> {
  const model = plan.route.model;
  if (!model.model && model.provider !== 'vscode-lm') {
    const missing = missingModelMessage(tiers) ?? `No model is set for the ${plan.route.tier} tier.`;
    offer(vscode.window.showErrorMessage(`Deep Review: ${missing}`, 'Open Settings'), { 'Open Settings': openSettings('deepReview.models') });
    return false;
  }
  if (plan.cached) return true; // answered from the cache: nothing is sent or paid
  const facts = PROVIDER_CATALOG[model.provider];
  if (facts.needsKey && !(await keys.get(model.provider))) {
    offer(vscode.window.showErrorMessage(`Deep Review: no API key is set for ${facts.label}.`, 'Set API Key', 'Choose Provider'), {
      'Set API Key': () => vscode.commands.executeCommand('deepReview.setApiKey', { provider: model.provider }),
      'Choose Provider': () => vscode.commands.executeCommand('deepReview.chooseProvider'),
    });
    return false;
  }
  if (!plan.budget.allowed) {
    log.info(`Refused before sending: ${plan.budget.message}`);
    offer(vscode.window.showErrorMessage(`Deep Review: ${plan.budget.message}`, 'Raise Budget', 'Show Cost Report'), {
      'Raise Budget': openSettings('deepReview.budget'),
      'Show Cost Report': () => vscode.commands.executeCommand('deepReview.showCostReport'),
    });
    return false;
  }
  if (plan.budget.needsConfirmation) {
    const worst = plan.budget.worstCase;
    const choice = await vscode.window.showWarningMessage(
      `This request may cost up to ${formatUsd(worst.usd ?? null)} (worst case: ${worst.inputTokens.toLocaleString()} input + ${worst.maxOutputTokens.toLocaleString()} output tokens on ${model.model}).`,
      { modal: true, detail: 'Ask above this amount with the setting deepReview.budget.confirmAboveUsd.' },
      'Send',
    );
    return choice === 'Send';
  }
  return true;
}
