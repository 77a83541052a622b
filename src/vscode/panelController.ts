// The results panel's content and actions: which job is on screen, the job list, the cost report,
// and what the panel's buttons do. Subscribes to the engine's job events itself: the list shows a
// job from the moment it is queued, the selected running job streams into the page, its detail
// is re-sent when it ends, and its stale badge follows edits to its file as they happen.
import * as vscode from 'vscode';
import { hashText } from '../core/cache/contentHash';
import { buildCostReport } from '../core/cost/costReport';
import { findingIndex } from '../core/results/findingIdentity';
import { isFinished, type JobEvent, type JobRecord } from '../core/jobs/job';
import { jobToHtml, jobToMarkdown } from '../core/jobs/jobReport';
import type { ReviewEngine } from '../core/reviewEngine';
import { panelStateSchema, type HostMessage, type PanelAction, type PanelChangeSet, type PanelCostReport, type PanelJobDetail, type WebviewMessage } from '../protocol/panelMessages';
import type { FindingsDiagnostics } from './findingsDiagnostics';
import { FixPreviewProvider, applyFix, uriForJob } from './fixes';
import { pickJob } from './jobPicker';
import { panelJobList, toPanelDetail, type PendingBatchJob } from './panelModel';
import type { JobStarted } from './reviewController';
import type { DeepReviewSettings } from './settings';
import type { WebviewHandler, WebviewHost } from './webviewHost';

export const RESULTS_VIEW_TYPE = 'deepReview.results';

/** What the panel's Re-run buttons start; the review controller does it. */
export interface JobRuns {
  retry(jobId: string): Promise<unknown>;
  escalate(jobId: string): Promise<unknown>;
  rerunWithExtendedThinking(jobId: string): Promise<unknown>;
  readonly onDidStart: vscode.Event<JobStarted>;
}

/** Run-later jobs still at the provider's batch API (batchJobs.ts): listed, shown and cancelled here too. */
export interface BatchJobsView {
  pending(): readonly PendingBatchJob[];
  /** Cancels at the provider; false when the job is no longer waiting there. */
  cancel(jobId: string): Promise<boolean>;
  readonly onDidChange: vscode.Event<void>;
}

export interface PanelControllerDeps {
  engine: ReviewEngine;
  host: WebviewHost<WebviewMessage, HostMessage>;
  runs: JobRuns;
  findings: FindingsDiagnostics;
  fixPreview: FixPreviewProvider;
  settings: () => DeepReviewSettings;
  batch?: BatchJobsView;
}

export class PanelController implements WebviewHandler<WebviewMessage, HostMessage>, vscode.Disposable {
  private selectedJobId: string | undefined;
  /** A job asked for before the batch jobs were read (after a reload): shown when they are. */
  private awaitedBatchJobId: string | undefined;
  private view: 'job' | 'cost' | 'changes' = 'job';
  private changeSet: PanelChangeSet | undefined;
  private unsubscribeStream: (() => void) | undefined;
  private lastStale: boolean | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: PanelControllerDeps) {
    const stopJobs = deps.engine.jobs.onDidChange((job) => this.jobChanged(job));
    this.disposables.push(
      { dispose: stopJobs },
      deps.runs.onDidStart(({ jobId, fromCache }) => {
        // Follow the new job when the panel is in view; open it for an instant (cached) answer.
        if (deps.host.isVisible || fromCache) this.show(jobId);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => this.documentChanged(e.document)),
    );
    if (deps.batch) this.disposables.push(deps.batch.onDidChange(() => this.batchChanged()));
    deps.host.connect(this);
  }

  get isVisible(): boolean {
    return this.deps.host.isVisible;
  }

  /** Opens the panel on a job; without one, an open panel stays as it is and a closed one opens on the latest job. */
  show(jobId?: string): void {
    const id = jobId ?? (this.deps.host.isOpen ? this.selectedJobId : undefined) ?? this.deps.engine.jobs.list()[0]?.id;
    if (jobId || this.view === 'job') this.select(id);
    this.deps.host.reveal();
  }

  showCostReport(): void {
    this.view = 'cost';
    this.stopStream();
    this.deps.host.reveal();
    this.deps.host.post({ type: 'costReport', report: this.costReport() });
  }

  /** Shows a change set's results grouped by file (Review Changes); again as files finish. */
  showChangeSet(set: PanelChangeSet, reveal = true): void {
    this.changeSet = set;
    this.view = 'changes';
    this.stopStream();
    if (reveal) this.deps.host.reveal();
    this.deps.host.post({ type: 'changeSet', set });
  }

  private jobList() {
    return panelJobList(this.deps.engine.jobs.list(), this.deps.batch?.pending() ?? []);
  }

  private pendingBatch(jobId: string | undefined): PendingBatchJob | undefined {
    return jobId === undefined || this.deps.engine.jobs.get(jobId) ? undefined : this.deps.batch?.pending().find((p) => p.job.id === jobId);
  }

  /** The batch snapshot changed: a job was queued, moved at the provider, or finished. */
  private batchChanged(): void {
    this.deps.host.post({ type: 'jobs', jobs: this.jobList() });
    if (this.awaitedBatchJobId && this.pendingBatch(this.awaitedBatchJobId)) return this.select(this.awaitedBatchJobId);
    const waiting = this.pendingBatch(this.selectedJobId);
    if (waiting && this.view === 'job') this.sendDetail(waiting.job);
  }

  refreshJobs(): void {
    this.deps.host.post({ type: 'jobs', jobs: this.jobList() });
  }

  async showJobs(): Promise<void> {
    const id = await pickJob(this.deps.engine, 'Deep Review jobs', () => true, this.deps.batch?.pending());
    if (id) this.show(id);
  }

  // ---- WebviewHandler -----------------------------------------------------------------

  ready(post: (m: HostMessage) => void): void {
    post({ type: 'init', keepReasoningExpanded: this.deps.settings().keepReasoningExpanded });
    post({ type: 'jobs', jobs: this.jobList() });
    if (this.view === 'cost') post({ type: 'costReport', report: this.costReport() });
    else if (this.view === 'changes' && this.changeSet) post({ type: 'changeSet', set: this.changeSet });
    else this.select(this.selectedJobId ?? this.deps.engine.jobs.list()[0]?.id);
  }

  revive(state: unknown): void {
    const parsed = panelStateSchema.safeParse(state);
    if (!parsed.success) return;
    this.selectedJobId = parsed.data.selectedJobId;
    this.view = parsed.data.view === 'cost' ? 'cost' : 'job';
  }

  async receive(message: WebviewMessage): Promise<void> {
    if (message.type === 'selectJob') return this.select(message.jobId);
    if (message.type === 'showCostReport') return this.showCostReport();
    if (message.type !== 'request') return;
    try {
      await this.perform(message.action);
      this.deps.host.post({ type: 'response', requestId: message.requestId, ok: true });
    } catch (err) {
      this.deps.host.post({ type: 'response', requestId: message.requestId, ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  }

  // ---- what the panel shows -----------------------------------------------------------

  private select(jobId: string | undefined): void {
    const waiting = this.pendingBatch(jobId);
    if (waiting) {
      this.awaitedBatchJobId = undefined;
      // Nothing streams from a batch: its detail is re-sent when the provider's status moves or it finishes.
      this.view = 'job';
      this.stopStream();
      this.selectedJobId = waiting.job.id;
      this.sendDetail(waiting.job);
      return;
    }
    const job = jobId ? this.deps.engine.jobs.get(jobId) : undefined;
    if (!job) {
      this.awaitedBatchJobId = this.deps.batch ? jobId : undefined;
      return;
    }
    this.awaitedBatchJobId = undefined;
    this.view = 'job';
    if (this.selectedJobId !== job.id) this.stopStream();
    this.selectedJobId = job.id;
    this.sendDetail(job);
    if (!isFinished(job.status) && !this.unsubscribeStream) {
      this.unsubscribeStream = this.deps.engine.jobs.subscribe(job.id, (e) => this.stream(job.id, e));
    }
  }

  private sendDetail(job: JobRecord): void {
    const detail = this.detail(job);
    this.lastStale = detail.stale;
    this.deps.host.post({ type: 'jobDetail', job: detail });
  }

  detail(job: JobRecord): PanelJobDetail {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uriForJob(job).toString());
    const stale = open !== undefined && job.status === 'succeeded' && hashText(open.getText()) !== job.fileHash;
    return toPanelDetail(job, { stale, helpful: feedbackOf(this.deps.engine, job.id), batch: this.pendingBatch(job.id)?.batch });
  }

  private stream(jobId: string, e: JobEvent): void {
    if (jobId !== this.selectedJobId || this.view !== 'job') return;
    if (e.type === 'reasoning') this.deps.host.post({ type: 'jobDelta', jobId, reasoning: e.text });
    else if (e.type === 'answer') this.deps.host.post({ type: 'jobDelta', jobId, answer: e.text });
    else if (e.type === 'tokens') this.deps.host.post({ type: 'jobDelta', jobId, reasoningTokens: e.reasoningTokens, outputTokens: e.outputTokens });
  }

  private stopStream(): void {
    this.unsubscribeStream?.();
    this.unsubscribeStream = undefined;
  }

  private jobChanged(job: Readonly<JobRecord>): void {
    this.deps.host.post({ type: 'jobs', jobs: this.jobList() });
    if (job.id === this.selectedJobId && this.view === 'job') {
      if (isFinished(job.status)) this.stopStream();
      // Streaming carries the text; a state change (started, finished, dismissed) re-sends the whole.
      this.sendDetail(job as JobRecord);
    }
    if (isFinished(job.status) && this.view === 'cost') this.deps.host.post({ type: 'costReport', report: this.costReport() });
  }

  /** Keeps the stale badge live: re-sends the selected job when its file's edits flip it. */
  private documentChanged(doc: vscode.TextDocument): void {
    const job = this.selectedJobId ? this.deps.engine.jobs.get(this.selectedJobId) : undefined;
    if (!job || this.view !== 'job' || job.status !== 'succeeded' || uriForJob(job).toString() !== doc.uri.toString()) return;
    const stale = hashText(doc.getText()) !== job.fileHash;
    if (stale !== this.lastStale) this.sendDetail(job);
  }

  costReport(): PanelCostReport {
    const { ledger } = this.deps.engine;
    // Jobs older than the ledger's summary load on first use; the report refreshes when they have.
    if (!ledger.historyLoaded) {
      void ledger.loadHistory().then(() => {
        if (this.view === 'cost') this.deps.host.post({ type: 'costReport', report: this.costReport() });
      }, () => undefined);
    }
    const report = buildCostReport(ledger.records(), (id) => ledger.isSuccessful(id));
    const totals = ledger.totals();
    const budget = this.deps.settings().engine.budget;
    return { today: totals.today, month: totals.month, session: totals.session, dailyBudgetUsd: budget.dailyUsd, monthlyBudgetUsd: budget.monthlyUsd, days: report.days, models: report.models, tiers: report.tiers, costPerSuccessfulTaskUsd: report.costPerSuccessfulTaskUsd, savings: report.savings, cacheTokens: { read: report.totals.cacheReadTokens, write: report.totals.cacheWriteTokens } };
  }

  // ---- what the panel's buttons do ----------------------------------------------------

  /** Does one panel action; throws with a message the panel shows when it cannot. */
  async perform(action: PanelAction): Promise<void> {
    const { engine, runs } = this.deps;
    const waiting = this.pendingBatch(action.jobId);
    if (waiting) return this.performOnBatchJob(waiting, action);
    const job = engine.jobs.get(action.jobId);
    if (!job) throw new Error('That job is no longer in the history.');
    switch (action.type) {
      case 'cancelJob':
        if (!engine.cancel(job.id)) throw new Error('The job has already finished.');
        return;
      case 'rerun':
        await runs.retry(job.id);
        return;
      case 'rerunWithExtendedThinking':
        await runs.rerunWithExtendedThinking(job.id);
        return;
      case 'escalate':
        await runs.escalate(job.id);
        return;
      case 'revealRange': {
        const editor = await vscode.window.showTextDocument(uriForJob(job), { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
        const range = new vscode.Range(Math.max(0, action.startLine - 1), 0, Math.max(0, action.endLine - 1), Number.MAX_SAFE_INTEGER);
        editor.selection = new vscode.Selection(range.start, editor.document.validateRange(range).end);
        editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
        return;
      }
      case 'previewFix':
        await this.deps.fixPreview.preview(job, action.findingId);
        return;
      case 'applyFix':
        if (!(await applyFix(job, action.findingId))) throw new Error('VS Code did not apply the edit (is the file read-only?).');
        await engine.markFixApplied(job.id);
        void vscode.window.setStatusBarMessage('$(check) Deep Review: fix applied (Undo reverts it)', 4000);
        return;
      case 'dismissFinding': {
        const i = findingIndex(action.findingId);
        if (i === undefined || !job.result?.findings[i]) throw new Error('That finding no longer exists.');
        const dismissed = job.dismissedFindings.includes(i) ? job.dismissedFindings.filter((x) => x !== i) : [...job.dismissedFindings, i];
        engine.jobs.update(job.id, { dismissedFindings: dismissed });
        this.deps.findings.show(uriForJob(job), job);
        return;
      }
      case 'feedback':
        await engine.setFeedback(job.id, action.helpful);
        if (job.id === this.selectedJobId) this.sendDetail(job);
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(jobToMarkdown(job));
        void vscode.window.setStatusBarMessage('$(copy) Deep Review: result copied as Markdown', 3000);
        return;
      case 'export':
        await exportJob(job, action.format);
        return;
    }
  }

  /** A job still at the provider can be cancelled (there) and its file shown; the rest waits for its answer. */
  private async performOnBatchJob(waiting: PendingBatchJob, action: PanelAction): Promise<void> {
    if (action.type === 'cancelJob') {
      if (!(await this.deps.batch!.cancel(waiting.job.id))) throw new Error('The batch job has already finished at the provider.');
      return;
    }
    if (action.type === 'revealRange') {
      await vscode.window.showTextDocument(uriForJob(waiting.job), { viewColumn: vscode.ViewColumn.One });
      return;
    }
    throw new Error('The job is still queued at the provider; this is possible once its answer arrives.');
  }

  /** For the quick fix: whether a finding has a fix to apply. */
  hasFix(jobId: string, id: string): boolean {
    const i = findingIndex(id);
    return i !== undefined && this.deps.engine.jobs.get(jobId)?.result?.findings[i]?.suggestedFix !== undefined;
  }

  dispose(): void {
    this.stopStream();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Only the user's own answer shows as pressed; an applied fix is success, not "Helpful". */
function feedbackOf(engine: ReviewEngine, jobId: string): boolean | undefined {
  const answer = engine.ledger.feedback(jobId);
  return answer === undefined ? undefined : answer === 'helpful';
}

async function exportJob(job: JobRecord, format: 'markdown' | 'html'): Promise<void> {
  const ext = format === 'html' ? 'html' : 'md';
  const name = `${job.request.target.filePath.split(/[\\/]/).pop() ?? 'review'}.deep-review.${ext}`;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined, filters: format === 'html' ? { HTML: ['html'] } : { Markdown: ['md'] } });
  if (!target) return;
  const text = format === 'html' ? jobToHtml(job) : jobToMarkdown(job);
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  void vscode.window.setStatusBarMessage(`$(save) Deep Review: exported to ${vscode.workspace.asRelativePath(target)}`, 4000);
}
