// Hosts the results webview: one panel, revived after a reload by a serializer, locked down
// with a nonce-based CSP and resource roots limited to the bundle and media folders.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import {
  panelStateSchema,
  webviewMessageSchema,
  type HostMessage,
  type PanelChangeSet,
  type PanelCostReport,
  type PanelJobDetail,
  type PanelJobSummary,
  type WebviewMessage,
} from '../protocol/panelMessages';
import { panelHtml } from './panelHtml';

export const RESULTS_VIEW_TYPE = 'deepReview.results';

/** What the panel shows and where its user actions go; supplied by the composition root. */
export interface ResultsPanelSource {
  listJobs(): PanelJobSummary[];
  jobDetail(jobId: string): PanelJobDetail | undefined;
  keepReasoningExpanded(): boolean;
  costReport(): PanelCostReport;
  onAction(message: WebviewMessage): void | Promise<void>;
}

export class ResultsPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private ready = false;
  private selectedJobId: string | undefined;
  private view: 'job' | 'cost' | 'changes' = 'job';
  private changeSet: PanelChangeSet | undefined;
  /** What the panel last sent and whether its webview answered: for the integration tests. */
  private readonly sent: HostMessage[] = [];
  private readyCount = 0;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly source: ResultsPanelSource,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Registers the serializer that brings the panel back after a window reload. */
  registerSerializer(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        const parsed = panelStateSchema.safeParse(state);
        this.selectedJobId = parsed.success ? parsed.data.selectedJobId : undefined;
        this.view = parsed.success && parsed.data.view === 'cost' ? 'cost' : 'job';
        this.attach(panel);
      },
    });
  }

  get isVisible(): boolean {
    return this.panel?.visible ?? false;
  }

  show(jobId?: string): void {
    if (jobId) {
      this.selectedJobId = jobId;
      this.view = 'job';
    }
    if (this.panel) {
      this.panel.reveal(undefined, false);
      if (jobId) this.showJob(jobId);
      return;
    }
    const panel = vscode.window.createWebviewPanel(RESULTS_VIEW_TYPE, 'Deep Review', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, this.webviewOptions());
    this.attach(panel);
  }

  /** Sends the job list (small) to the webview. */
  refreshJobs(): void {
    this.post({ type: 'jobs', jobs: this.source.listJobs() });
  }

  showJob(jobId: string): void {
    const job = this.source.jobDetail(jobId);
    if (!job) return;
    this.selectedJobId = jobId;
    this.view = 'job';
    this.post({ type: 'jobDetail', job });
  }

  showCostReport(): void {
    this.view = 'cost';
    if (!this.panel) {
      this.show();
      return; // sent once the webview says it is ready
    }
    this.panel.reveal(undefined, false);
    this.post({ type: 'costReport', report: this.source.costReport() });
  }

  /** Shows a change set's results grouped by file (Review Changes); again as files finish. */
  showChangeSet(set: PanelChangeSet, reveal = true): void {
    this.changeSet = set;
    this.view = 'changes';
    if (!this.panel) {
      if (reveal) this.show();
      return; // sent once the webview says it is ready
    }
    if (reveal) this.panel.reveal(undefined, true);
    this.post({ type: 'changeSet', set });
  }

  /** Keeps an open cost report current (after a job finishes, say). */
  refreshCostReport(): void {
    if (this.view === 'cost') this.post({ type: 'costReport', report: this.source.costReport() });
  }

  /** Re-sends a job's full detail if it is the one on screen (after it finished, say). */
  showJobIfSelected(jobId: string): void {
    if (jobId === this.selectedJobId && this.view === 'job') this.showJob(jobId);
  }

  /** Streams a delta to the panel if that job is the one on screen. */
  postDelta(jobId: string, delta: { reasoning?: string; answer?: string; reasoningTokens?: number; outputTokens?: number }): void {
    if (jobId !== this.selectedJobId || this.view !== 'job') return;
    this.post({ type: 'jobDelta', jobId, ...delta });
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      // Keep the page while hidden: a streaming job keeps its live view, and nothing is reloaded
      // (or lost) when the user switches tabs and back.
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    panel.webview.options = this.webviewOptions();
    panel.webview.html = this.html(panel.webview);
    this.panelDisposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidDispose(() => this.detach()),
    );
  }

  private detach(): void {
    this.panel = undefined;
    this.ready = false;
    for (const d of this.panelDisposables.splice(0)) d.dispose();
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = webviewMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.log.warn('Dropped a malformed message from the results panel');
      return;
    }
    const message = parsed.data;
    if (message.type === 'ready') {
      // Sent on every page load, including after a hidden panel is shown again (its page was
      // discarded): resend the whole current view, so nothing missed while hidden is lost.
      this.ready = true;
      this.readyCount++;
      this.post({ type: 'init', keepReasoningExpanded: this.source.keepReasoningExpanded() });
      this.refreshJobs();
      if (this.view === 'cost') this.post({ type: 'costReport', report: this.source.costReport() });
      else if (this.view === 'changes' && this.changeSet) this.post({ type: 'changeSet', set: this.changeSet });
      else if (this.selectedJobId) this.showJob(this.selectedJobId);
      return;
    }
    if (message.type === 'selectJob') {
      this.showJob(message.jobId);
      return;
    }
    if (message.type === 'showCostReport') {
      this.showCostReport();
      return;
    }
    try {
      await this.source.onAction(message);
    } catch (err) {
      this.log.error(`Panel action ${message.type} failed: ${err instanceof Error ? err.message : String(err)}`);
      void vscode.window.showErrorMessage(`Deep Review: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private post(message: HostMessage): void {
    if (!this.panel || !this.ready) return;
    this.sent.push(message);
    if (this.sent.length > 50) this.sent.shift();
    void this.panel.webview.postMessage(message);
  }

  probe(): { open: boolean; visible: boolean; webviewReadyCount: number; sent: readonly HostMessage[] } {
    return { open: this.panel !== undefined, visible: this.isVisible, webviewReadyCount: this.readyCount, sent: [...this.sent] };
  }

  private html(webview: vscode.Webview): string {
    const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    return panelHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: asset('dist', 'webview.js'),
      styleUris: [asset('dist', 'codicons', 'codicon.css'), asset('media', 'panel.css')],
    });
  }

  dispose(): void {
    this.panel?.dispose();
    this.detach();
  }
}
