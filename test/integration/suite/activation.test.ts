// The extension activates in a real VS Code host and registers every entry point it declares.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { RESULTS_VIEW_TYPE } from '../../../src/vscode/panelController';
import { activateExtension, waitFor, type Manifest } from './helpers';

describe('Deep Review in VS Code', () => {
  let manifest: Manifest;

  before(async () => {
    const { ext } = await activateExtension();
    manifest = ext.packageJSON as Manifest;
  });

  it('runs inside a real VS Code extension host of the engine version', () => {
    assert.match(vscode.version, /^1\.(\d+)\.\d+/);
    console.log(`      (VS Code ${vscode.version}, ${vscode.env.appName}, ui ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'})`);
    const api = vscode.extensions.getExtension<{ activationMs: number }>('deep-review.deep-review')?.exports;
    console.log(`      (activate() took ${api?.activationMs.toFixed(1)} ms)`);
    const benchOut = process.env.DEEP_REVIEW_BENCH_ACTIVATION;
    if (benchOut && api) writeFileSync(benchOut, JSON.stringify({ activationMs: api.activationMs, vscode: vscode.version }));
    const minor = Number(vscode.version.split('.')[1]);
    assert.ok(minor >= 100, `VS Code ${vscode.version} is older than the engine ^1.100.0`);
    assert.equal(typeof vscode.window.createWebviewPanel, 'function');
  });

  it('is active after activation', () => {
    const ext = vscode.extensions.getExtension('deep-review.deep-review');
    assert.equal(ext?.isActive, true);
  });

  it('registers every contributed command', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = manifest.contributes.commands.map((c) => c.command);
    assert.ok(contributed.length >= 13, `only ${contributed.length} commands contributed`);
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `commands contributed but not registered: ${missing.join(', ')}`);
    for (const id of [
      'deepReview.reviewSelection',
      'deepReview.reviewFile',
      'deepReview.debugProblemsAtCursor',
      'deepReview.debugProblemsInFile',
      'deepReview.showResults',
      'deepReview.showCostReport',
      'deepReview.showJobs',
      'deepReview.cancelJob',
      'deepReview.chooseProvider',
      'deepReview.setApiKey',
      'deepReview.clearApiKey',
      'deepReview.clearCache',
      'deepReview.rerunWithExtendedThinking',
    ]) {
      assert.ok(registered.has(id), `${id} is not registered`);
    }
  });

  it('puts every command in the Deep Review category', () => {
    for (const c of manifest.contributes.commands) assert.equal(c.category, 'Deep Review', c.command);
  });

  it('contributes the editor context menu "Deep Review" with selection and problem entries', () => {
    const context = manifest.contributes.menus['editor/context'] ?? [];
    const entry = context.find((m) => m.submenu === 'deepReview.editorContext');
    assert.ok(entry, 'no Deep Review submenu in editor/context');
    assert.equal(manifest.contributes.submenus.find((s) => s.id === 'deepReview.editorContext')?.label, 'Deep Review');
    const items = manifest.contributes.menus['deepReview.editorContext'] ?? [];
    assert.equal(items.find((i) => i.command === 'deepReview.reviewSelection')?.when, 'editorHasSelection');
    assert.match(items.find((i) => i.command === 'deepReview.debugProblemsAtCursor')?.when ?? '', /activeEditorHasProblems/);
  });

  it('limits palette entries to where they work and hides internal commands', () => {
    const palette = manifest.contributes.menus.commandPalette ?? [];
    const when = (id: string) => palette.find((p) => p.command === id)?.when;
    assert.equal(when('deepReview.reviewSelection'), 'editorHasSelection');
    assert.match(when('deepReview.cancelJob') ?? '', /hasRunningJobs/);
    const internal = manifest.contributes.commands.filter((c) => c.command.startsWith('deepReview.internal.'));
    assert.ok(internal.length > 0);
    for (const c of internal) assert.equal(when(c.command), 'false', `${c.command} is not hidden`);
  });

  it('documents every setting with markdownDescription', () => {
    const props = Object.entries(manifest.contributes.configuration.properties);
    assert.ok(props.length >= 15);
    for (const [key, p] of props) assert.ok(p.markdownDescription && p.markdownDescription.length > 20, `${key} lacks markdownDescription`);
    const config = vscode.workspace.getConfiguration('deepReview');
    assert.equal(config.get('routing.mode'), 'auto');
    assert.equal(typeof config.get('reasoning.maxThinkingTokens'), 'number');
  });

  it('shows the status-bar cost meter', async () => {
    const { api } = await activateExtension();
    const bar = api.costStatusBar();
    assert.equal(bar.id, 'deepReview.costMeter');
    assert.equal(bar.visible, true);
    assert.match(bar.text, /\$\d+\.\d{2} today/);
    assert.equal(bar.command, 'deepReview.showCostReport');
  });

  it('opens the results panel as a webview tab', async () => {
    await vscode.commands.executeCommand('deepReview.showResults');
    const tab = await waitFor('the results webview tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(RESULTS_VIEW_TYPE)),
    );
    assert.equal(tab.label, 'Deep Review');
  });
});
