// Request/response over the protocol: an action that can fail is sent as a `request` with an id;
// the host answers with a `response` carrying that id, and the promise settles with it.
import type { PanelAction } from '../src/protocol/panelMessages';
import { vscode } from './vscodeApi';

export interface ActionResult {
  ok: boolean;
  error?: string;
}

const pending = new Map<number, (result: ActionResult) => void>();
let nextId = 1;

export function request(action: PanelAction): Promise<ActionResult> {
  const requestId = nextId++;
  return new Promise((resolve) => {
    pending.set(requestId, resolve);
    vscode.postMessage({ type: 'request', requestId, action });
  });
}

/** Settles the request a `response` answers (an unknown id is ignored). */
export function settle(requestId: number, result: ActionResult): void {
  pending.get(requestId)?.(result);
  pending.delete(requestId);
}
