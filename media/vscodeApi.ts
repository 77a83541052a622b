// The webview's handle on the host: messages out, persisted state in and out.
import type { PanelState, WebviewMessage } from '../src/protocol/panelMessages';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export const vscode: VsCodeApi = acquireVsCodeApi();
