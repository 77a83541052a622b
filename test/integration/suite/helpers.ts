// Shared helpers for the integration suite (runs inside the extension host).
import * as vscode from 'vscode';
import type { DeepReviewApi } from '../../../src/extension';

export const EXTENSION_ID = 'deep-review.deep-review';

export async function activateExtension(): Promise<{ ext: vscode.Extension<DeepReviewApi>; api: DeepReviewApi }> {
  const ext = vscode.extensions.getExtension<DeepReviewApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed in this host`);
  const api = await ext.activate();
  return { ext, api };
}

/** Polls until `check` returns a value (the tab model and similar state sync asynchronously). */
export async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
  icon?: string;
}

export interface Manifest {
  contributes: {
    commands: ContributedCommand[];
    menus: Record<string, { command?: string; submenu?: string; when?: string; group?: string }[]>;
    submenus: { id: string; label: string }[];
    keybindings: { command: string; key: string; when?: string }[];
    configuration: { properties: Record<string, { markdownDescription?: string }> };
  };
}
