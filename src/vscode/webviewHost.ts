// A generic webview panel host: one panel of a view type, locked down with a nonce CSP and
// resource roots, revived after a reload by its serializer, with a ready handshake (the page
// says `ready` on every load) and a send buffer (what is posted before the page is ready is
// delivered once it is). Messages from the page are validated before anyone sees them.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { panelHtml } from './panelHtml';

/** A schema the host validates received messages with (zod's safeParse shape). */
export interface MessageSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

export interface WebviewHostOptions<In extends { type: string }> {
  viewType: string;
  title: string;
  extensionUri: vscode.Uri;
  /** Bundle and styles, relative to the extension root. */
  script: string[];
  styles: string[][];
  incoming: MessageSchema<In>;
  log: vscode.LogOutputChannel;
}

/** What the owner of the panel's content does with it. */
export interface WebviewHandler<In, Out> {
  /** The page loaded (first time, after a reload, or shown again): send the whole view. */
  ready(post: (message: Out) => void): void;
  /** A validated message other than `ready`. */
  receive(message: In): void | Promise<void>;
  /** State the page saved (vscode.setState), handed back when the panel is revived. */
  revive?(state: unknown): void;
}

const MAX_BUFFERED = 200;
const MAX_REMEMBERED = 50;

export class WebviewHost<In extends { type: string }, Out> implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private isReady = false;
  private readonly buffer: Out[] = [];
  private handler: WebviewHandler<In, Out> | undefined;
  private readyCount = 0;
  /** The last messages sent, for the integration tests (there is no API to read a webview). */
  private readonly sent: Out[] = [];

  constructor(private readonly options: WebviewHostOptions<In>) {}

  /** Connects whoever supplies the content; a page that said ready before gets its view now. */
  connect(handler: WebviewHandler<In, Out>): void {
    this.handler = handler;
    if (this.revivedState !== undefined) handler.revive?.(this.revivedState);
    this.revivedState = undefined;
    if (this.isReady) handler.ready((m) => this.post(m));
  }

  registerSerializer(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(this.options.viewType, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        if (this.handler) this.handler.revive?.(state);
        else this.revivedState = state;
        this.attach(panel);
      },
    });
  }

  /** Saved page state from a revival that happened before a handler connected. */
  private revivedState: unknown;

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  get isVisible(): boolean {
    return this.panel?.visible ?? false;
  }

  /** Opens the panel beside the editor, or brings it to the front. */
  reveal(): void {
    if (this.panel) {
      this.panel.reveal(undefined, false);
      return;
    }
    const panel = vscode.window.createWebviewPanel(this.options.viewType, this.options.title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, this.webviewOptions());
    this.attach(panel);
  }

  /** Sends now if the page is ready, else once it is (bounded: the oldest go first). */
  post(message: Out): void {
    if (!this.panel) return;
    if (!this.isReady) {
      this.buffer.push(message);
      if (this.buffer.length > MAX_BUFFERED) this.buffer.shift();
      return;
    }
    this.sent.push(message);
    if (this.sent.length > MAX_REMEMBERED) this.sent.shift();
    void this.panel.webview.postMessage(message);
  }

  probe(): { open: boolean; visible: boolean; webviewReadyCount: number; sent: readonly Out[] } {
    return { open: this.isOpen, visible: this.isVisible, webviewReadyCount: this.readyCount, sent: [...this.sent] };
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    const root = this.options.extensionUri;
    return {
      enableScripts: true,
      // Keep the page while hidden: a streaming job keeps its live view and nothing reloads.
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(root, 'dist'), vscode.Uri.joinPath(root, 'media')],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.detach();
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.options.extensionUri, 'media', 'icon.png');
    panel.webview.options = this.webviewOptions();
    panel.webview.html = this.html(panel.webview);
    this.panelDisposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidDispose(() => {
        if (this.panel === panel) this.detach();
      }),
    );
  }

  private detach(): void {
    this.panel = undefined;
    this.isReady = false;
    this.buffer.length = 0;
    for (const d of this.panelDisposables.splice(0)) d.dispose();
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = this.options.incoming.safeParse(raw);
    if (!parsed.success) {
      this.options.log.warn(`Dropped a malformed message from the ${this.options.title} panel`);
      return;
    }
    const message = parsed.data;
    if (message.type === 'ready') {
      // Sent on every page load: older queued messages first, then the whole current view.
      this.isReady = true;
      this.readyCount++;
      for (const m of this.buffer.splice(0)) this.post(m);
      this.handler?.ready((m) => this.post(m));
      return;
    }
    try {
      await this.handler?.receive(message);
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      this.options.log.error(`Panel message ${message.type} failed: ${text}`);
      void vscode.window.showErrorMessage(`Deep Review: ${text}`);
    }
  }

  private html(webview: vscode.Webview): string {
    const asset = (p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.options.extensionUri, ...p)).toString();
    return panelHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: asset(this.options.script),
      styleUris: this.options.styles.map(asset),
    });
  }

  dispose(): void {
    this.panel?.dispose();
    this.detach();
  }
}
