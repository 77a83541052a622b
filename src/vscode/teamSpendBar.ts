// The team status-bar item: the member's and the team's spend today, shown only in team mode.
import * as vscode from 'vscode';
import type { SpendView } from '../server/teamHttpClient';
import { formatUsd } from '../core/cost/money';

export const TEAM_SPEND_BAR_ID = 'deepReview.teamSpend';

export class TeamSpendBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private lastText = '';

  constructor() {
    this.item = vscode.window.createStatusBarItem(TEAM_SPEND_BAR_ID, vscode.StatusBarAlignment.Right, 99);
    this.item.name = 'Deep Review Team Spend';
    this.item.command = 'deepReview.team.refreshSpend';
  }

  show(spend: SpendView): void {
    const m = spend.member;
    const t = spend.team;
    this.set(`$(organization) you ${formatUsd(m.todayUsd, 'cents')} · team ${formatUsd(t.todayUsd, 'cents')} today`);
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**Deep Review team spend** (${escapeMd(m.name)})\n\n| | You | Team |\n|---|---:|---:|\n`);
    md.appendMarkdown(`| Today | ${formatUsd(m.todayUsd, 'cents')} | ${formatUsd(t.todayUsd, 'cents')} |\n| This month | ${formatUsd(m.monthUsd, 'cents')} | ${formatUsd(t.monthUsd, 'cents')} |\n`);
    md.appendMarkdown(`| Daily limit | ${limit(m.limits.dailyUsd)} | ${limit(t.limits.dailyUsd)} |\n| Monthly limit | ${limit(m.limits.monthlyUsd)} | ${limit(t.limits.monthlyUsd)} |\n`);
    md.appendMarkdown('\nIncludes what jobs in flight may still spend. Click to refresh.');
    this.item.tooltip = md;
    const ratio = Math.max(ratioOf(m.todayUsd, m.limits.dailyUsd), ratioOf(t.todayUsd, t.limits.dailyUsd));
    this.item.backgroundColor = ratio >= 1 ? new vscode.ThemeColor('statusBarItem.errorBackground') : ratio >= 0.8 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  problem(text: string, tooltip: string): void {
    this.set(`$(organization) ${text}`);
    this.item.tooltip = tooltip;
    this.item.backgroundColor = undefined;
    this.item.show();
  }

  hide(): void {
    this.lastText = '';
    this.item.hide();
  }

  /** What the item shows (there is no API to read status-bar items). */
  text(): string {
    return this.lastText;
  }

  private set(text: string): void {
    this.lastText = text;
    this.item.text = text;
  }

  dispose(): void {
    this.item.dispose();
  }
}

function limit(usd: number | null): string {
  return usd === null ? 'none' : formatUsd(usd, 'cents');
}

function ratioOf(spent: number, limitUsd: number | null): number {
  return limitUsd && limitUsd > 0 ? spent / limitUsd : 0;
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
