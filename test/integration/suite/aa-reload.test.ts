// The results panel survives a window reload: its serializer revives it with the same job.
// Phase 1 opens the panel on a job, leaves a marker and reloads the window; the workbench then
// starts the suite again, and phase 2 (marker present) checks the revived panel. Only on the
// web workbench (code-server), where a reload re-runs the tests from the same URL.
import * as assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { RESULTS_VIEW_TYPE } from '../../../src/vscode/panelController';
import { activateExtension, waitFor } from './helpers';

const marker = process.env.DEEP_REVIEW_TEST_RESULTS ? `${process.env.DEEP_REVIEW_TEST_RESULTS}.reload-marker` : undefined;

function resultsTab() {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(RESULTS_VIEW_TYPE));
}

describe('results panel across a window reload', function () {
  this.timeout(60_000);

  it('is revived by its serializer after the window reloads', async function () {
    if (!marker || vscode.env.uiKind !== vscode.UIKind.Web) this.skip();
    const { api } = await activateExtension();
    if (!existsSync(marker)) {
      await vscode.commands.executeCommand('deepReview.showCostReport');
      await waitFor('the results tab', () => resultsTab());
      await waitFor('the webview to load', () => api.panel().webviewReadyCount > 0);
      writeFileSync(marker, 'reloading');
      await new Promise((r) => setTimeout(r, 1500)); // let the webview state be saved
      await vscode.commands.executeCommand('workbench.action.reloadWindow');
      await new Promise(() => undefined); // this extension host is going away
    }
    rmSync(marker, { force: true });
    const tab = await waitFor('the revived results tab', () => resultsTab(), 20_000);
    assert.equal(tab.label, 'Deep Review');
    await waitFor('the serializer to hand the panel back', () => api.panel().open, 20_000);
    // Bring it to the front so its page loads, then expect our own webview to say ready.
    await vscode.commands.executeCommand('deepReview.showResults');
    await waitFor('the revived webview to load', () => api.panel().webviewReadyCount > 0, 20_000);
    const last = api.panel().sent.find((m) => m.type === 'costReport');
    assert.ok(last, 'the revived panel restored its view (the cost report) from its saved state');
  });
});
