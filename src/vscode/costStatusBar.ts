// The status-bar cost meter: today's spend at a glance, the details in the tooltip. Unpriced jobs
// are counted, never shown as $0 ("$0.42 + 3 unpriced"); amounts under a cent read "<$0.01".
// Formatting $0.00 needs no Intl formatter, so the first update at activation loads no ICU data.
import * as vscode from 'vscode';
import { formatCount } from '../core/cost/formatCount';
import { formatSpend, formatUsd, spokenUsd } from '../core/cost/money';

export interface CostMeterReading {
  /** Known costs, reservations of unfinished jobs included. */
  todayUsd: number;
  monthUsd: number;
  sessionUsd: number;
  thinkingTokensToday: number;
  answerTokensToday: number;
  dailyBudgetUsd: number;
  monthlyBudgetUsd: number;
  runningJobs: number;
  unknownCostJobsToday: number;
  unknownCostJobsMonth?: number;
  unknownCostJobsSession?: number;
  /** Part of todayUsd held at the worst case for jobs with no final usage (running, or killed). */
  heldUsdToday?: number;
  unfinishedJobsToday?: number;
  /** Jobs charged their worst case today because the provider's usage could not be believed. */
  untrustedJobsToday?: number;
  /** What prompt caching and batching saved against the list price. */
  savedUsdToday?: number;
  savedUsdMonth?: number;
}

export const COST_STATUS_BAR_ID = 'deepReview.costMeter';

const WARNING_RATIO = 0.8;

export class CostStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private focusListener: vscode.Disposable | undefined;

  constructor() {
    this.item = vscode.window.createStatusBarItem(COST_STATUS_BAR_ID, vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Deep Review Cost';
    this.item.command = 'deepReview.showCostReport';
  }

  update(r: CostMeterReading): void {
    const running = r.runningJobs > 0 ? `$(loading~spin) ${r.runningJobs} · ` : '';
    const todayRatio = budgetRatio(r.todayUsd, r.dailyBudgetUsd);
    const monthRatio = budgetRatio(r.monthUsd, r.monthlyBudgetUsd);
    // The colour follows what the text says: when the month drives it, the month is shown too,
    // so the meter never turns amber while reading "$0.00 today".
    const month = monthRatio >= WARNING_RATIO && monthRatio > todayRatio ? ` · ${formatUsd(r.monthUsd, 'cents')} this month` : '';
    this.item.text = `${running}$(pulse) ${formatSpend(r.todayUsd, r.unknownCostJobsToday)} today${month}`;
    const unpricedSpoken = r.unknownCostJobsToday > 0 ? ` plus ${r.unknownCostJobsToday} job${r.unknownCostJobsToday === 1 ? '' : 's'} with unknown cost` : '';
    this.item.accessibilityInformation = { label: `Deep Review: ${r.todayUsd === 0 ? '0 dollars' : spokenUsd(r.todayUsd)} spent today${unpricedSpoken}`, role: 'button' };
    const ratio = Math.max(todayRatio, monthRatio);
    this.item.backgroundColor =
      ratio >= 1 ? new vscode.ThemeColor('statusBarItem.errorBackground') : ratio >= WARNING_RATIO ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.tooltip = tooltip(r);
    this.item.show();
  }

  /**
   * Calls `refresh` whenever this window gains focus: other windows and CLI runs spend from the
   * same ledger, and coming back to this window is when the user looks at the meter again.
   */
  refreshOnFocus(refresh: () => void): void {
    this.focusListener?.dispose();
    this.focusListener = vscode.window.onDidChangeWindowState((state) => {
      if (state.focused) refresh();
    });
  }

  /** What the item shows, for the integration tests (there is no API to read status-bar items). */
  snapshot(): { id: string; text: string; visible: boolean; command: string | undefined; tooltip: string; background: string | undefined } {
    const command = typeof this.item.command === 'string' ? this.item.command : this.item.command?.command;
    const tip = this.item.tooltip;
    return {
      id: this.item.id,
      text: this.item.text,
      visible: this.visible,
      command,
      tooltip: typeof tip === 'string' ? tip : (tip?.value ?? ''),
      background: this.item.backgroundColor instanceof vscode.ThemeColor ? this.item.backgroundColor.id : undefined,
    };
  }

  private get visible(): boolean {
    return this.item.text.length > 0;
  }

  dispose(): void {
    this.focusListener?.dispose();
    this.item.dispose();
  }
}

function tooltip(r: CostMeterReading): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**Deep Review spend**\n\n`);
  md.appendMarkdown(`| | |\n|---|---:|\n`);
  md.appendMarkdown(`| Today | ${formatSpend(r.todayUsd, r.unknownCostJobsToday, 'detail')} |\n`);
  md.appendMarkdown(`| This month | ${formatSpend(r.monthUsd, r.unknownCostJobsMonth ?? 0, 'detail')} |\n`);
  md.appendMarkdown(`| This session | ${formatSpend(r.sessionUsd, r.unknownCostJobsSession ?? 0, 'detail')} |\n`);
  md.appendMarkdown(`| Thinking tokens today | ${formatCount(r.thinkingTokensToday)} |\n| Answer tokens today | ${formatCount(r.answerTokensToday)} |\n`);
  md.appendMarkdown(`| Budget left today | ${budgetLeft(r.todayUsd, r.dailyBudgetUsd, r.unknownCostJobsToday)} |\n`);
  md.appendMarkdown(`| Budget left this month | ${budgetLeft(r.monthUsd, r.monthlyBudgetUsd, r.unknownCostJobsMonth ?? 0)} |\n`);
  if (r.savedUsdToday || r.savedUsdMonth) md.appendMarkdown(`| Saved by prompt cache and batch | ${formatUsd(r.savedUsdToday ?? 0)} today, ${formatUsd(r.savedUsdMonth ?? 0)} this month |\n`);
  md.appendMarkdown(`| Running jobs | ${r.runningJobs} |\n`);
  const notes: string[] = [];
  if (r.unknownCostJobsToday > 0) {
    notes.push(`${r.unknownCostJobsToday} job${r.unknownCostJobsToday === 1 ? '' : 's'} today used a model with no known price: cost unknown, not included in the amounts or the budget left.`);
  }
  if ((r.unfinishedJobsToday ?? 0) > 0) {
    notes.push(`Today includes ${formatUsd(r.heldUsdToday ?? 0)} held at the worst case for ${r.unfinishedJobsToday} unfinished job${r.unfinishedJobsToday === 1 ? '' : 's'} (running, or stopped before reporting usage).`);
  }
  if ((r.untrustedJobsToday ?? 0) > 0) {
    notes.push(`${r.untrustedJobsToday} job${r.untrustedJobsToday === 1 ? '' : 's'} today reported usage that could not be trusted and ${r.untrustedJobsToday === 1 ? 'was' : 'were'} charged the worst case.`);
  }
  for (const note of notes) md.appendMarkdown(`\n${note}\n`);
  md.appendMarkdown(`\n$(graph) Click for the cost report`);
  return md;
}

function budgetRatio(spent: number, budget: number): number {
  return budget > 0 ? spent / budget : 0;
}

function budgetLeft(spent: number, budget: number, unpriced: number): string {
  if (!(budget > 0)) return 'no limit';
  const left = `${formatUsd(Math.max(0, budget - spent), 'cents')} of ${formatUsd(budget, 'cents')}`;
  return unpriced > 0 ? `${left} (excludes ${unpriced} unpriced job${unpriced === 1 ? '' : 's'})` : left;
}
