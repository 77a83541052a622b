// Ticks off the walkthrough's set-up steps however they were done (the walkthrough's buttons,
// the command palette, a notification's "Set API Key"): each step completes on a context key
// that follows the real state, not on one command being run.
import * as vscode from 'vscode';
import { PROVIDER_CATALOG } from '../core/providers/catalog';
import type { ApiKeys } from './apiKeys';
import type { DeepReviewSettings } from './settings';

export const PROVIDER_CHOSEN_KEY = 'deepReview.providerChosen';
export const KEY_READY_KEY = 'deepReview.apiKeyReady';

export interface WalkthroughState {
  providerChosen: boolean;
  keyReady: boolean;
}

export function trackWalkthroughState(settings: () => DeepReviewSettings, keys: ApiKeys, secrets: vscode.SecretStorage): { state(): WalkthroughState } & vscode.Disposable {
  let state: WalkthroughState = { providerChosen: false, keyReady: false };
  const update = async () => {
    const provider = settings().provider;
    const providerChosen = provider !== 'auto';
    // A provider without a key (a local server, VS Code's models) is ready as it is.
    const keyReady = providerChosen && (!PROVIDER_CATALOG[provider].needsKey || (await keys.isSet(provider)));
    state = { providerChosen, keyReady };
    await vscode.commands.executeCommand('setContext', PROVIDER_CHOSEN_KEY, providerChosen);
    await vscode.commands.executeCommand('setContext', KEY_READY_KEY, keyReady);
  };
  void update();
  const disposables = [
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('deepReview.provider')) void update();
    }),
    secrets.onDidChange(() => void update()),
  ];
  return {
    state: () => state,
    dispose: () => disposables.forEach((d) => d.dispose()),
  };
}
