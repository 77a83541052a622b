// Keeps what reflects the jobs and the ledger current: the status-bar cost meter and the context
// keys that show or hide commands (a running job to cancel, a finished one to escalate).
import * as vscode from 'vscode';
import type { ReviewEngine } from '../core/reviewEngine';
import type { CostStatusBar } from './costStatusBar';
import type { DeepReviewSettings } from './settings';

export function feedJobState(engine: ReviewEngine, costBar: CostStatusBar, settings: () => DeepReviewSettings): vscode.Disposable {
  const update = () => {
    const jobs = engine.jobs.list();
    const running = jobs.filter((j) => j.status === 'running' || j.status === 'queued').length;
    void vscode.commands.executeCommand('setContext', 'deepReview.hasRunningJobs', running > 0);
    void vscode.commands.executeCommand('setContext', 'deepReview.hasEscalatableJob', jobs.some((j) => j.route.tier !== 'reasoning' && j.status === 'succeeded'));
    const show = () => {
    // O(1): running totals, whatever the ledger's length.
    const totals = engine.ledger.totals();
    const budget = settings().engine.budget;
    costBar.update({
      todayUsd: totals.today.usd,
      monthUsd: totals.month.usd,
      sessionUsd: totals.session.usd,
      thinkingTokensToday: totals.today.reasoningTokens,
      answerTokensToday: totals.today.answerTokens,
      dailyBudgetUsd: budget.dailyUsd,
      monthlyBudgetUsd: budget.monthlyUsd,
      runningJobs: running,
      unknownCostJobsToday: totals.today.unknownCostJobs,
      unknownCostJobsMonth: totals.month.unknownCostJobs,
      unknownCostJobsSession: totals.session.unknownCostJobs,
      heldUsdToday: totals.today.reservedUsd,
      unfinishedJobsToday: totals.today.unfinishedJobs,
      untrustedJobsToday: totals.today.untrustedJobs,
      savedUsdToday: totals.today.savedUsd,
      savedUsdMonth: totals.month.savedUsd,
    });
    };
    show();
    // Other windows and CLI runs share the ledger: read what they appended (a stat when nothing).
    void engine.ledger.refresh().then(show, () => undefined);
  };
  costBar.refreshOnFocus(update);
  update();
  const stop = engine.jobs.onDidChange(update);
  return vscode.Disposable.from(
    { dispose: stop },
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('deepReview.budget')) update();
    }),
  );
}
