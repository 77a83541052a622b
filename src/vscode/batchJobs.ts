// "Run later at half price" in VS Code: command variants that send a review to the provider's
// batch API, a status bar item while jobs wait there (with their batch ids), polling that resumes
// from the registry on activation (so jobs survive reloads and restarts), and a notification
// when each job is done. The core does the work (src/core/batch/); this is the thin edge.
import * as vscode from 'vscode';
import { AnthropicBatchApi } from '../core/batch/anthropicBatchApi';
import { BatchService, type BatchSubmitResult } from '../core/batch/batchService';
import type { BatchProviderId } from '../core/batch/batchTypes';
import { OpenAIBatchApi } from '../core/batch/openaiBatchApi';
import { formatUsd } from '../core/cost/cost';
import { jobTitle, type JobRecord } from '../core/jobs/job';
import { ModelError, isModelError } from '../core/modelError';
import { providerFacts } from '../core/providers/catalog';
import type { ReviewEngine, ReviewPlan } from '../core/reviewEngine';
import { FileTextStore } from '../node/fileTextStore';
import type { ApiKeys } from './apiKeys';
import { CaptureError, fileRequest } from './capture';
import { askModal, registerModalAnswers } from './modalPrompts';
import type { PendingBatchJob } from './panelModel';
import { engineSettingsFor, readSettings } from './settings';

export interface BatchJobsDeps {
  engineReady: Promise<ReviewEngine>;
  keys: ApiKeys;
  log: vscode.LogOutputChannel;
}

export interface BatchJobsHandle {
  /** Sends an already planned (and confirmed) request to the batch API; for a confirm step's "Run Later" choice. */
  submitPlan(plan: ReviewPlan): Promise<string | undefined>;
  /** Sends several confirmed plans together (a change set: one batch per provider and model). */
  submitAll(plans: readonly ReviewPlan[]): Promise<BatchSubmitResult[]>;
  /** Jobs still at the provider (or in their sending window): a snapshot, refreshed when they change. */
  pending(): readonly PendingBatchJob[];
  /** Cancels at the provider; false when the job is no longer waiting there. */
  cancel(jobId: string): Promise<boolean>;
  /** Fires when the snapshot changed (queued, status moved, finished). */
  readonly onDidChange: vscode.Event<void>;
}

export function registerBatchJobs(context: vscode.ExtensionContext, deps: BatchJobsDeps): BatchJobsHandle {
  const { log } = deps;
  const store = new FileTextStore(context.globalStorageUri.fsPath);
  const settings = () => {
    const s = readSettings((w) => log.warn(w));
    return engineSettingsFor(s, s.provider === 'auto' ? 'vscode-lm' : s.provider);
  };
  const notified: string[] = [];
  let snapshot: PendingBatchJob[] = [];
  const changed = new vscode.EventEmitter<void>();
  context.subscriptions.push(changed);
  const status = vscode.window.createStatusBarItem('deepReview.batchJobs', vscode.StatusBarAlignment.Left, -10);
  status.name = 'Deep Review batch jobs';
  status.command = 'deepReview.checkBatchJobs';
  context.subscriptions.push(status);

  const ready = deps.engineReady.then(async (engine) => {
    // Keys are read synchronously when a poll builds its client: load both once.
    await Promise.all([deps.keys.get('anthropic'), deps.keys.get('openai')]);
    const service = await BatchService.open({
      engine,
      store,
      settings,
      warn: (w) => log.warn(w),
      apiFor: (provider: BatchProviderId, baseUrl: string) => {
        const apiKey = deps.keys.peek(provider);
        if (!apiKey) throw new ModelError('auth', `No API key is set for ${providerFacts(provider).label}; batch jobs there cannot be checked. Run “Deep Review: Set API Key”.`);
        return provider === 'anthropic' ? new AnthropicBatchApi({ baseUrl, apiKey }) : new OpenAIBatchApi({ baseUrl, apiKey });
      },
    });
    service.onDidFinish((job) => {
      notified.push(job.id);
      void refresh();
      void notify(job);
    });
    service.onDidPoll(() => void refresh());
    context.subscriptions.push({ dispose: () => service.dispose() });
    // The panel's list has the waiting jobs as soon as anything can ask for them.
    await update(service);
    return service;
  });
  ready.catch((err: unknown) => log.error(`Batch jobs could not start: ${err instanceof Error ? err.message : String(err)}`));

  async function refresh(): Promise<void> {
    await update(await ready);
  }

  async function update(service: BatchService): Promise<void> {
    const waiting = (await service.list()).filter((e) => e.state !== 'finished');
    snapshot = waiting.map((e) => ({ job: e.job, batch: { provider: providerFacts(e.provider).label, batchId: e.batchId, providerStatus: e.providerStatus, cancelRequested: e.cancelRequested } }));
    changed.fire();
    if (waiting.length === 0) {
      status.hide();
      return;
    }
    status.text = `$(clock) ${waiting.length} batch job${waiting.length === 1 ? '' : 's'}`;
    status.tooltip = waiting.map((e) => `${jobTitle(e.job)} — queued at ${providerFacts(e.provider).label}, batch ${e.batchId ?? '(sending)'} (${e.providerStatus ?? 'submitted'})`).join('\n');
    status.show();
  }

  async function notify(job: JobRecord): Promise<void> {
    const findings = job.result?.findings.length ?? 0;
    const what = job.status === 'succeeded' ? `${findings} finding${findings === 1 ? '' : 's'}${job.costUsd !== null && job.costUsd !== undefined ? ` · ${formatUsd(job.costUsd)} at the batch price` : ''}` : (job.error?.message ?? job.status);
    const show = await vscode.window.showInformationMessage(`Deep Review: ${jobTitle(job)} (run later) finished: ${what}`, 'Show');
    if (show) await vscode.commands.executeCommand('deepReview.showResults', job.id);
  }

  async function submitPlan(plan: ReviewPlan): Promise<string | undefined> {
    const service = await ready;
    if (!BatchService.supports(plan)) {
      void vscode.window.showInformationMessage(`Deep Review: ${providerFacts(plan.route.model.provider).label} has no batch API. Run later at half price works with Anthropic and OpenAI.`);
      return undefined;
    }
    try {
      const submitted = await service.submit(plan);
      if (submitted.status === 'failed') {
        void vscode.window.showErrorMessage(`Deep Review: ${submitted.error ?? 'the batch could not be submitted.'}`);
        return submitted.jobId;
      }
      log.info(`Job ${submitted.jobId}: ${submitted.fromCache ? 'cache hit' : `queued at ${providerFacts(plan.route.model.provider).label}, batch ${submitted.batchId}`}`);
      if (submitted.fromCache) await vscode.commands.executeCommand('deepReview.showResults', submitted.jobId);
      else {
        void vscode.window.showInformationMessage(`Deep Review: queued at ${providerFacts(plan.route.model.provider).label} at half price (batch ${submitted.batchId}). You will be notified when it is done, within 24 hours.`, 'Show').then((c) => {
          if (c) void vscode.commands.executeCommand('deepReview.showResults', submitted.jobId);
        });
      }
      void refresh();
      return submitted.jobId;
    } catch (err) {
      void vscode.window.showErrorMessage(`Deep Review: ${isModelError(err) || err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  async function reviewFileLater(uri?: vscode.Uri): Promise<string | undefined> {
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!doc) {
      void vscode.window.showInformationMessage('Deep Review: open a file to review.');
      return undefined;
    }
    let plan: ReviewPlan;
    try {
      plan = await (await deps.engineReady).plan(fileRequest(doc), doc.getText());
    } catch (err) {
      if (err instanceof CaptureError) {
        void vscode.window.showInformationMessage(`Deep Review: ${err.message}`);
        return undefined;
      }
      throw err;
    }
    const p = plan.route.model.provider;
    if (!plan.cached && BatchService.supports(plan) && !(await deps.keys.get(p))) {
      void vscode.window.showErrorMessage(`Deep Review: no API key is set for ${providerFacts(p).label}.`, 'Set API Key').then((c) => {
        if (c) void vscode.commands.executeCommand('deepReview.setApiKey', { provider: p });
      });
      return undefined;
    }
    const worst = BatchService.worstCaseUsd(plan);
    const limits = settings().budget;
    if (!plan.cached && worst !== null && limits.confirmAboveUsd > 0 && worst > limits.confirmAboveUsd) {
      const choice = await askModal('warning', `Run later at half price: this request may cost up to ${formatUsd(worst)} (instead of ${formatUsd(plan.budget.worstCase.usd ?? 0)} now).`, 'The provider answers within 24 hours, usually much sooner.', 'Run Later');
      if (choice !== 'Run Later') return undefined;
    }
    return submitPlan(plan);
  }

  context.subscriptions.push(
    registerModalAnswers(),
    vscode.commands.registerCommand('deepReview.reviewFileLater', (uri?: unknown) => reviewFileLater(uri instanceof vscode.Uri ? uri : undefined)),
    vscode.commands.registerCommand('deepReview.checkBatchJobs', async () => {
      const pending = await (await ready).pollNow();
      await refresh();
      return pending;
    }),
    vscode.commands.registerCommand('deepReview.cancelBatchJob', async (jobId?: unknown) => {
      const waiting = (await (await ready).list()).filter((e) => e.state === 'pending' || e.state === 'submitting');
      const id = typeof jobId === 'string' ? jobId : (await vscode.window.showQuickPick(waiting.map((e) => ({ label: jobTitle(e.job), description: `batch ${e.batchId ?? '(sending)'}`, id: e.jobId })), { placeHolder: 'Cancel which batch job?' }))?.id;
      if (!id) return false;
      try {
        return await cancel(id);
      } catch (err) {
        void vscode.window.showErrorMessage(`Deep Review: could not cancel at the provider: ${err instanceof Error ? err.message : String(err)}`);
        return false;
      }
    }),
    // For the integration tests: what has no public VS Code API (which jobs were notified).
    vscode.commands.registerCommand('deepReview.internal.batchJobsProbe', async () => ({ notified: [...notified], jobs: (await (await ready).list()).map((e) => ({ jobId: e.jobId, state: e.state, status: e.job.status, batchId: e.batchId ?? null })) })),
  );
  async function cancel(jobId: string): Promise<boolean> {
    const cancelled = await (await ready).cancel(jobId);
    await refresh();
    return cancelled;
  }

  async function submitAll(plans: readonly ReviewPlan[]): Promise<BatchSubmitResult[]> {
    const results = await (await ready).submitAll(plans);
    await refresh();
    return results;
  }

  return { submitPlan, submitAll, pending: () => snapshot, cancel, onDidChange: changed.event };
}
