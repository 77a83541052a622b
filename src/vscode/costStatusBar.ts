// The status-bar cost meter: today's spend at a glance, the details in the tooltip.
import * as vscode from 'vscode';
import { formatCount } from '../core/formatCount';

export interface CostMeterReading {
  todayUsd: number;
  monthUsd: number;
  sessionUsd: number;
  thinkingTokensToday: number;
  answerTokensToday: number;
  dailyBudgetUsd: number;
  monthlyBudgetUsd: number;
  runningJobs: number;
  unknownCostJobsToday: number;
}

export const COST_STATUS_BAR_ID = 'deepReview.costMeter';

export class CostStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem(COST_STATUS_BAR_ID, vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Deep Review Cost';
    this.item.command = 'deepReview.showCostReport';
  }

  update(r: CostMeterReading): void {
    const running = r.runningJobs > 0 ? `$(loading~spin) ${r.runningJobs} · ` : '';
    this.item.text = `${running}$(pulse) $${r.todayUsd.toFixed(2)} today`;
    this.item.accessibilityInformation = { label: `Deep Review: ${r.todayUsd.toFixed(2)} dollars spent today`, role: 'button' };
    const ratio = Math.max(budgetRatio(r.todayUsd, r.dailyBudgetUsd), budgetRatio(r.monthUsd, r.monthlyBudgetUsd));
    this.item.backgroundColor =
      ratio >= 1 ? new vscode.ThemeColor('statusBarItem.errorBackground') : ratio >= 0.8 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**Deep Review spend**\n\n`);
    md.appendMarkdown(`| | |\n|---|---:|\n`);
    md.appendMarkdown(`| Today | $${r.todayUsd.toFixed(2)} |\n| This month | $${r.monthUsd.toFixed(2)} |\n| This session | $${r.sessionUsd.toFixed(2)} |\n`);
    md.appendMarkdown(`| Thinking tokens today | ${formatCount(r.thinkingTokensToday)} |\n| Answer tokens today | ${formatCount(r.answerTokensToday)} |\n`);
    md.appendMarkdown(`| Budget left today | ${budgetLeft(r.todayUsd, r.dailyBudgetUsd)} |\n| Budget left this month | ${budgetLeft(r.monthUsd, r.monthlyBudgetUsd)} |\n`);
    md.appendMarkdown(`| Running jobs | ${r.runningJobs} |\n`);
    if (r.unknownCostJobsToday > 0) md.appendMarkdown(`\n${r.unknownCostJobsToday} job(s) today used models with no known price (not included).\n`);
    md.appendMarkdown(`\n$(graph) Click for the cost report`);
    this.item.tooltip = md;
    this.item.show();
  }

  /** What the item shows, for the integration tests (there is no API to read status-bar items). */
  snapshot(): { id: string; text: string; visible: boolean; command: string | undefined } {
    const command = typeof this.item.command === 'string' ? this.item.command : this.item.command?.command;
    return { id: this.item.id, text: this.item.text, visible: this.visible, command };
  }

  private get visible(): boolean {
    return this.item.text.length > 0;
  }

  dispose(): void {
    this.item.dispose();
  }
}

function budgetRatio(spent: number, budget: number): number {
  return budget > 0 ? spent / budget : 0;
}

function budgetLeft(spent: number, budget: number): string {
  return budget > 0 ? `$${Math.max(0, budget - spent).toFixed(2)} of $${budget.toFixed(2)}` : 'no limit';
}
