// Runs reviews for the editor: capture → plan (route, cache, budget) → confirm → background job
// with progress → results in the panel, findings in the editor, cost meter, notification.
import * as vscode from 'vscode';
import { hashText } from '../core/contentHash';
import { missingModelMessage } from '../core/modelSettings';
import type { JobEvent, JobRecord } from '../core/job';
import { jobToHtml, jobToMarkdown } from '../core/jobReport';
import type { ModelErrorKind } from '../core/modelError';
import type { ProviderId } from '../core/modelClient';
import type { ReviewEngine, ReviewPlan } from '../core/reviewEngine';
import type { ReviewRequestInput } from '../core/request';
import type { PanelCostReport, WebviewMessage } from '../protocol/panelMessages';
import { buildCostReport } from '../core/costReport';
import { formatUsd } from '../core/money';
import { ApiKeys, PROVIDER_LABELS, needsKey } from './apiKeys';
import { CaptureError, debugRequest, fileRequest, problemsAtCursor, problemsOf, selectionRequest } from './capture';
import type { CostStatusBar } from './costStatusBar';
import type { FindingsDiagnostics } from './findingsDiagnostics';
import { FixPreviewProvider, applyFix, uriForJob } from './fixes';
import { showJobProgress } from './jobProgress';
import { findingIndex, toPanelDetail, toPanelSummary } from './panelModel';
import type { ResultsPanel, ResultsPanelSource } from './resultsPanel';
import type { DeepReviewSettings } from './settings';

export interface ReviewControllerDeps {
  engine: ReviewEngine;
  panel: () => ResultsPanel;
  costBar: CostStatusBar;
  findings: FindingsDiagnostics;
  fixPreview: FixPreviewProvider;
  keys: ApiKeys;
  log: vscode.LogOutputChannel;
  settings: () => DeepReviewSettings;
  /** The provider to use now (resolves `auto`); undefined after telling the user what to do. */
  resolveProvider: () => Promise<ProviderId | undefined>;
  setContext: (key: string, value: boolean) => void;
}

const RETRYABLE: readonly ModelErrorKind[] = ['rate-limit', 'overloaded', 'server', 'network', 'timeout', 'stream-error', 'malformed-stream'];

export class ReviewController implements ResultsPanelSource {
  private readonly helpful = new Map<string, boolean>();

  constructor(private readonly deps: ReviewControllerDeps) {
    deps.engine.jobs.onDidChange(() => this.jobsChanged());
    deps.costBar.refreshOnFocus(() => this.updateCostMeter());
  }

  // ---- entry points -------------------------------------------------------------------

  async reviewSelection(): Promise<string | undefined> {
    const editor = this.activeEditor();
    return this.submit(() => selectionRequest(editor, this.deps.settings().contextLines), editor.document);
  }

  async reviewFile(uri?: vscode.Uri): Promise<string | undefined> {
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : this.activeEditor().document;
    return this.submit(() => fileRequest(doc), doc);
  }

  async debugProblemsAtCursor(): Promise<string | undefined> {
    const editor = this.activeEditor();
    const problems = problemsAtCursor(editor);
    if (problems.length === 0) {
      void vscode.window.showInformationMessage('Deep Review: there is no problem at the cursor. Use “Debug Problems in File” for all of them.');
      return undefined;
    }
    return this.submit(() => debugRequest(editor.document, problems, this.deps.settings().contextLines), editor.document);
  }

  /** All problems of a file in one request. `diagnostics` narrows it (the quick fix passes its own). */
  async debugProblemsInFile(uri?: vscode.Uri, diagnostics?: readonly vscode.Diagnostic[]): Promise<string | undefined> {
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : this.activeEditor().document;
    const problems = diagnostics && diagnostics.length > 0 ? diagnostics : problemsOf(doc.uri);
    return this.submit(() => debugRequest(doc, problems, this.deps.settings().contextLines), doc);
  }

  /** Escalate: the next tier up (fast → capable → reasoning). */
  async escalate(jobId: string): Promise<string | undefined> {
    const job = this.deps.engine.jobs.get(jobId);
    if (!job) return undefined;
    const doc = await this.openDoc(job);
    const next = job.route.tier === 'fast' ? 'capable' : 'reasoning';
    return this.run(() => this.deps.engine.planEscalation(jobId, doc?.getText(), next), doc);
  }

  async rerunWithExtendedThinking(jobId?: string): Promise<string | undefined> {
    const id = jobId ?? (await this.pickJob('Re-run which job with extended thinking?', (j) => j.route.tier !== 'reasoning' && j.status !== 'running' && j.status !== 'queued'));
    if (!id) return undefined;
    const job = this.deps.engine.jobs.get(id);
    if (!job) return undefined;
    const doc = await this.openDoc(job);
    return this.run(() => this.deps.engine.planEscalation(id, doc?.getText(), 'reasoning'), doc);
  }

  async retry(jobId: string): Promise<string | undefined> {
    const job = this.deps.engine.jobs.get(jobId);
    if (!job) return undefined;
    const doc = await this.openDoc(job);
    return this.run(() => this.deps.engine.planRerun(jobId, doc?.getText()), doc);
  }

  async cancelJob(jobId?: string): Promise<void> {
    const id = jobId ?? (await this.pickJob('Cancel which job?', (j) => j.status === 'running' || j.status === 'queued'));
    if (id) this.deps.engine.cancel(id);
  }

  async showJobs(): Promise<void> {
    const id = await this.pickJob('Deep Review jobs', () => true);
    if (id) this.deps.panel().show(id);
  }

  // ---- the run ------------------------------------------------------------------------

  private async submit(capture: () => ReviewRequestInput, doc: vscode.TextDocument): Promise<string | undefined> {
    let request: ReviewRequestInput;
    try {
      request = capture();
    } catch (err) {
      if (err instanceof CaptureError) {
        void vscode.window.showInformationMessage(`Deep Review: ${err.message}`);
        return undefined;
      }
      throw err;
    }
    return this.run(() => this.deps.engine.plan(request, doc.getText()), doc);
  }

  private async run(makePlan: () => Promise<ReviewPlan>, doc: vscode.TextDocument | undefined): Promise<string | undefined> {
    const provider = await this.deps.resolveProvider();
    if (!provider) return undefined;
    const plan = await makePlan();
    const { engine, log } = this.deps;
    if (!plan.route.model.model && plan.route.model.provider !== 'vscode-lm') {
      const missing = missingModelMessage(engine.tierSpecs()) ?? `No model is set for the ${plan.route.tier} tier.`;
      void vscode.window.showErrorMessage(`Deep Review: ${missing}`, 'Open Settings').then((c) => {
        if (c) void vscode.commands.executeCommand('workbench.action.openSettings', 'deepReview.models');
      });
      return undefined;
    }
    if (!plan.cached) {
      const p = plan.route.model.provider;
      if (needsKey(p) && !(await this.deps.keys.get(p)) && !(p === 'openai-compatible')) {
        // Not awaited: the command returns at once; the notification waits for the user.
        void vscode.window.showErrorMessage(`Deep Review: no API key is set for ${PROVIDER_LABELS[p]}.`, 'Set API Key', 'Choose Provider').then((choice) => {
          if (choice === 'Set API Key') void vscode.commands.executeCommand('deepReview.setApiKey', { provider: p });
          if (choice === 'Choose Provider') void vscode.commands.executeCommand('deepReview.chooseProvider');
        });
        return undefined;
      }
      if (!plan.budget.allowed) {
        log.info(`Refused before sending: ${plan.budget.message}`);
        void vscode.window.showErrorMessage(`Deep Review: ${plan.budget.message}`, 'Raise Budget', 'Show Cost Report').then((choice) => {
          if (choice === 'Raise Budget') void vscode.commands.executeCommand('workbench.action.openSettings', 'deepReview.budget');
          if (choice === 'Show Cost Report') void vscode.commands.executeCommand('deepReview.showCostReport');
        });
        return undefined;
      }
      if (plan.budget.needsConfirmation) {
        const worst = plan.budget.worstCase.usd;
        const choice = await vscode.window.showWarningMessage(
          `This request may cost up to ${formatUsd(worst ?? null)} (worst case: ${plan.budget.worstCase.inputTokens.toLocaleString()} input + ${plan.budget.worstCase.maxOutputTokens.toLocaleString()} output tokens on ${plan.route.model.model}).`,
          { modal: true, detail: 'Ask above this amount with the setting deepReview.budget.confirmAboveUsd.' },
          'Send',
        );
        if (choice !== 'Send') return undefined;
      }
    }
    const started = engine.start(plan);
    const { jobId } = started;
    for (const notice of plan.notices) log.info(notice);
    // Code goes to the log only at trace level, which the user must choose.
    log.trace(`Job ${jobId} prompt:\n${plan.prompt.system}\n\n${plan.prompt.prompt}`);
    log.info(`Job ${jobId}: ${started.fromCache ? 'cache hit' : started.joined ? 'joined a running identical job' : 'queued'} · ${plan.route.tier} ${plan.route.model.provider}/${plan.route.model.model} · ${plan.route.reasons.join('; ')}`);
    if (plan.notices.length) void vscode.window.showInformationMessage(`Deep Review: ${plan.notices.join(' ')}`);
    const panel = this.deps.panel();
    if (panel.isVisible || started.fromCache) panel.show(jobId);
    else panel.refreshJobs();
    if (started.fromCache) {
      const job = engine.jobs.get(jobId);
      if (job) this.finished(job, doc?.uri);
      return jobId;
    }
    if (started.joined) return jobId;
    void Promise.resolve(showJobProgress(engine, jobId, (e) => this.stream(jobId, e)))
      .then((job) => this.finished(job, doc?.uri))
      .catch((err: unknown) => this.reportError(`Job ${jobId}`, err));
    return jobId;
  }

  private stream(jobId: string, e: JobEvent): void {
    const panel = this.deps.panel();
    if (e.type === 'reasoning') panel.postDelta(jobId, { reasoning: e.text });
    else if (e.type === 'answer') panel.postDelta(jobId, { answer: e.text });
    else if (e.type === 'tokens') panel.postDelta(jobId, { reasoningTokens: e.reasoningTokens, outputTokens: e.outputTokens });
    else if (e.type === 'retry') this.deps.log.warn(`Job ${jobId}: retry ${e.attempt} in ${e.delayMs} ms (${e.reason})`);
  }

  private finished(job: JobRecord, uri: vscode.Uri | undefined): void {
    const { log } = this.deps;
    const u = job.usage;
    log.info(
      `Job ${job.id} ${job.status} in ${job.finishedAt && job.startedAt ? job.finishedAt - job.startedAt : 0} ms` +
        (u ? ` · ${u.inputTokens} in / ${u.reasoningTokens} thinking / ${Math.max(0, u.outputTokens - u.reasoningTokens)} answer tokens` : '') +
        (job.retries ? ` · ${job.retries} retries` : '') +
        (job.costUsd !== undefined ? ` · cost ${formatUsd(job.costUsd)}${job.usageTrusted === false ? ' (usage not trusted: worst case)' : ''}` : ''),
    );
    if (job.error) log.warn(`Job ${job.id}: ${job.error.kind}: ${job.error.message}`);
    const panel = this.deps.panel();
    panel.refreshJobs();
    panel.refreshCostReport();
    panel.showJobIfSelected(job.id);
    if (job.status === 'succeeded' && uri) this.deps.findings.show(uri, job);
    void this.notify(job).catch((err: unknown) => this.reportError('Notification action', err));
  }

  private reportError(what: string, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.deps.log.error(`${what} failed: ${message}`);
    void vscode.window.showErrorMessage(`Deep Review: ${message}`);
  }

  private async notify(job: JobRecord): Promise<void> {
    const settings = this.deps.settings();
    const panelVisible = this.deps.panel().isVisible;
    if (job.status === 'succeeded') {
      if (settings.notifications === 'never' || (settings.notifications === 'whenPanelHidden' && panelVisible)) return;
      const n = job.result?.findings.length ?? 0;
      const actions = ['Open Results', ...(job.route.note ? ['Re-run with Extended Thinking'] : [])];
      const text = `Deep Review: ${job.fromCache ? 'answered from the cache' : 'finished'}: ${n} finding${n === 1 ? '' : 's'}${job.route.note ? `. ${job.route.note}.` : '.'}`;
      const choice = await vscode.window.showInformationMessage(text, ...actions);
      if (choice === 'Open Results') this.deps.panel().show(job.id);
      if (choice === 'Re-run with Extended Thinking') await this.rerunWithExtendedThinking(job.id);
      return;
    }
    if (job.status !== 'failed') return;
    const kind = job.error?.kind;
    const actions: string[] = [];
    if (kind === 'auth' || kind === 'permission') actions.push('Set API Key');
    if (kind && RETRYABLE.includes(kind as ModelErrorKind)) actions.push('Retry');
    if (kind === 'config' || kind === 'not-found' || kind === 'bad-request' || kind === 'context-too-long') actions.push('Open Settings');
    if (kind === 'budget' || kind === 'insufficient-credit') actions.push('Raise Budget');
    actions.push('Open Results');
    const choice = await vscode.window.showErrorMessage(`Deep Review: ${job.error?.message ?? 'the job failed.'}`, ...actions);
    if (choice === 'Set API Key') await vscode.commands.executeCommand('deepReview.setApiKey', { provider: job.route.provider });
    if (choice === 'Retry') await this.retry(job.id);
    if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'deepReview');
    if (choice === 'Raise Budget') await vscode.commands.executeCommand('workbench.action.openSettings', 'deepReview.budget');
    if (choice === 'Open Results') this.deps.panel().show(job.id);
  }

  private jobsChanged(): void {
    const running = this.deps.engine.jobs.list().filter((j) => j.status === 'running' || j.status === 'queued').length;
    this.deps.setContext('deepReview.hasRunningJobs', running > 0);
    this.deps.setContext('deepReview.hasEscalatableJob', this.deps.engine.jobs.list().some((j) => j.route.tier !== 'reasoning' && j.status === 'succeeded'));
    this.updateCostMeter(running);
  }

  updateCostMeter(running = this.deps.engine.jobs.list().filter((j) => j.status === 'running' || j.status === 'queued').length): void {
    const { ledger } = this.deps.engine;
    const show = () => {
      // O(1): running totals, whatever the ledger's length.
      const { today, month, session } = ledger.totals();
      const budget = this.deps.settings().engine.budget;
      this.deps.costBar.update({
        todayUsd: today.usd,
        monthUsd: month.usd,
        sessionUsd: session.usd,
        thinkingTokensToday: today.reasoningTokens,
        answerTokensToday: today.answerTokens,
        dailyBudgetUsd: budget.dailyUsd,
        monthlyBudgetUsd: budget.monthlyUsd,
        runningJobs: running,
        unknownCostJobsToday: today.unknownCostJobs,
        unknownCostJobsMonth: month.unknownCostJobs,
        unknownCostJobsSession: session.unknownCostJobs,
        heldUsdToday: today.reservedUsd,
        unfinishedJobsToday: today.unfinishedJobs,
        untrustedJobsToday: today.untrustedJobs,
      });
    };
    show();
    // Other windows and CLI runs share the ledger: read what they appended (a stat when nothing).
    void ledger.refresh().then(show, () => undefined);
  }

  // ---- the panel's data and actions ---------------------------------------------------

  listJobs() {
    return this.deps.engine.jobs.list().map(toPanelSummary);
  }

  jobDetail(jobId: string) {
    const job = this.deps.engine.jobs.get(jobId);
    if (!job) return undefined;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uriForJob(job).toString());
    const stale = open !== undefined && job.status === 'succeeded' && hashText(open.getText()) !== job.fileHash;
    const helpful = this.helpful.get(jobId) ?? (this.deps.engine.ledger.isSuccessful(jobId) ? true : undefined);
    return toPanelDetail(job, { stale, helpful });
  }

  keepReasoningExpanded(): boolean {
    return this.deps.settings().keepReasoningExpanded;
  }

  costReport(): PanelCostReport {
    const { ledger } = this.deps.engine;
    // Jobs older than the ledger's summary load on first use; the report refreshes when they have.
    if (!ledger.historyLoaded) void ledger.loadHistory().then(() => this.deps.panel().refreshCostReport(), () => undefined);
    const report = buildCostReport(ledger.records(), (id) => ledger.isSuccessful(id));
    const totals = ledger.totals();
    const budget = this.deps.settings().engine.budget;
    return {
      today: totals.today,
      month: totals.month,
      session: totals.session,
      dailyBudgetUsd: budget.dailyUsd,
      monthlyBudgetUsd: budget.monthlyUsd,
      days: report.days,
      models: report.models,
      tiers: report.tiers,
      costPerSuccessfulTaskUsd: report.costPerSuccessfulTaskUsd,
    };
  }

  async onAction(m: WebviewMessage): Promise<void> {
    const { engine } = this.deps;
    const job = 'jobId' in m ? engine.jobs.get(m.jobId) : undefined;
    switch (m.type) {
      case 'cancelJob':
        engine.cancel(m.jobId);
        return;
      case 'rerun':
        await this.retry(m.jobId);
        return;
      case 'rerunWithExtendedThinking':
        await this.rerunWithExtendedThinking(m.jobId);
        return;
      case 'escalate':
        await this.escalate(m.jobId);
        return;
      case 'revealRange': {
        if (!job) return;
        const editor = await vscode.window.showTextDocument(uriForJob(job), { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
        const range = new vscode.Range(Math.max(0, m.startLine - 1), 0, Math.max(0, m.endLine - 1), Number.MAX_SAFE_INTEGER);
        editor.selection = new vscode.Selection(range.start, editor.document.validateRange(range).end);
        editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
        return;
      }
      case 'previewFix':
        if (job) await this.deps.fixPreview.preview(job, m.findingId);
        return;
      case 'applyFix':
        if (!job) return;
        if (await applyFix(job, m.findingId)) {
          await engine.markFixApplied(job.id);
          this.helpful.set(job.id, true);
          this.updateCostMeter();
          void vscode.window.setStatusBarMessage('$(check) Deep Review: fix applied (Undo reverts it)', 4000);
        }
        return;
      case 'dismissFinding': {
        if (!job) return;
        const i = findingIndex(m.findingId);
        if (i === undefined) return;
        const dismissed = job.dismissedFindings.includes(i) ? job.dismissedFindings.filter((x) => x !== i) : [...job.dismissedFindings, i];
        engine.jobs.update(job.id, { dismissedFindings: dismissed });
        this.deps.findings.show(uriForJob(job), job);
        this.deps.panel().showJob(job.id);
        return;
      }
      case 'feedback':
        this.helpful.set(m.jobId, m.helpful);
        await engine.setFeedback(m.jobId, m.helpful);
        this.deps.panel().showJob(m.jobId);
        return;
      case 'copy':
        if (job) {
          await vscode.env.clipboard.writeText(jobToMarkdown(job));
          void vscode.window.setStatusBarMessage('$(copy) Deep Review: result copied as Markdown', 3000);
        }
        return;
      case 'export': {
        if (!job) return;
        const ext = m.format === 'html' ? 'html' : 'md';
        const name = `${job.request.target.filePath.split(/[\\/]/).pop() ?? 'review'}.deep-review.${ext}`;
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        const target = await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined, filters: m.format === 'html' ? { HTML: ['html'] } : { Markdown: ['md'] } });
        if (!target) return;
        const text = m.format === 'html' ? jobToHtml(job) : jobToMarkdown(job);
        await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
        void vscode.window.setStatusBarMessage(`$(save) Deep Review: exported to ${vscode.workspace.asRelativePath(target)}`, 4000);
        return;
      }
      case 'ready':
      case 'selectJob':
      case 'showCostReport':
        return;
    }
  }

  job(jobId: string): JobRecord | undefined {
    return this.deps.engine.jobs.get(jobId);
  }

  hasFix(jobId: string, findingIndex: number): boolean {
    return this.deps.engine.jobs.get(jobId)?.result?.findings[findingIndex]?.suggestedFix !== undefined;
  }

  // ---- helpers ------------------------------------------------------------------------

  private activeEditor(): vscode.TextEditor {
    const editor = vscode.window.activeTextEditor;
    if (!editor) throw new Error('Open a file in the editor first.');
    return editor;
  }

  private async openDoc(job: JobRecord): Promise<vscode.TextDocument | undefined> {
    try {
      return await vscode.workspace.openTextDocument(uriForJob(job));
    } catch {
      return undefined;
    }
  }

  private async pickJob(placeHolder: string, filter: (j: JobRecord) => boolean): Promise<string | undefined> {
    const jobs = this.deps.engine.jobs.list().filter(filter);
    if (jobs.length === 0) {
      void vscode.window.showInformationMessage('Deep Review: no matching jobs.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      jobs.map((j) => ({
        label: `${statusIcon(j.status)} ${toPanelSummary(j).title}`,
        description: `${j.route.tier} · ${j.route.model}`,
        detail: `${j.status}${j.costUsd !== undefined ? ` · ${j.costUsd === null ? 'cost unknown' : formatUsd(j.costUsd)}` : ''} · ${new Date(j.createdAt).toLocaleString()}`,
        id: j.id,
      })),
      { placeHolder },
    );
    return picked?.id;
  }
}

function statusIcon(status: JobRecord['status']): string {
  return { queued: '$(clock)', running: '$(loading~spin)', succeeded: '$(pass)', failed: '$(error)', cancelled: '$(circle-slash)', interrupted: '$(debug-disconnect)' }[status];
}
