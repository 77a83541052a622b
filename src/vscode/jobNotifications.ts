// Tells the user a job finished (when they want to know) or failed (always), with the buttons
// that help next. What the buttons do is passed in: this file starts nothing itself.
import * as vscode from 'vscode';
import type { JobRecord } from '../core/jobs/job';
import { completionText, failureActions, failureText, settingsFor } from './jobMessages';
import type { DeepReviewSettings } from './settings';

export interface JobNotificationActions {
  settings(): DeepReviewSettings;
  panelVisible(): boolean;
  openResults(jobId: string): void;
  retry(jobId: string): Promise<unknown>;
  rerunWithExtendedThinking(jobId: string): Promise<unknown>;
}

export async function notifyJobDone(job: JobRecord, act: JobNotificationActions): Promise<void> {
  if (job.status === 'succeeded') {
    const when = act.settings().notifications;
    if (when === 'never' || (when === 'whenPanelHidden' && act.panelVisible())) return;
    const rerun = job.route.note ? ['Re-run with Extended Thinking'] : [];
    const choice = await vscode.window.showInformationMessage(completionText(job), 'Open Results', ...rerun);
    if (choice === 'Open Results') act.openResults(job.id);
    if (choice === 'Re-run with Extended Thinking') await act.rerunWithExtendedThinking(job.id);
    return;
  }
  if (job.status !== 'failed') return;
  const kind = job.error?.kind;
  const choice = await vscode.window.showErrorMessage(failureText(job), ...failureActions(kind));
  if (choice === 'Set API Key') await vscode.commands.executeCommand('deepReview.setApiKey', { provider: job.route.provider });
  if (choice === 'Retry') await act.retry(job.id);
  if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', settingsFor(kind) ?? 'deepReview');
  if (choice === 'Raise Budget') await vscode.commands.executeCommand('workbench.action.openSettings', 'deepReview.budget');
  if (choice === 'Open Results') act.openResults(job.id);
}
