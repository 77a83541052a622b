// Issue 11's rough edges where they show: in the editor and the panel of a real VS Code, against
// the local test model server. (Unit-level ones: test/unit/edge/roughEdges.test.ts; the page's
// own: test/webview/roughEdges.test.ts.)
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PanelJobDetail } from '../../../src/protocol/panelMessages';
import { ModelServer } from '../../support/modelServer';
import { anthropicEvents, namedSse, sseResponse } from '../../support/transcripts';
import { activateExtension, waitFor, type Manifest } from './helpers';

const G = vscode.ConfigurationTarget.Global;
const SETTINGS = ['provider', 'baseUrl', 'routing.mode', 'budget.dailyUsd', 'budget.monthlyUsd', 'budget.confirmAboveUsd', 'notifications.onCompletion', 'capture.contextLines'];

function finding(title: string, line: number) {
  return { title, severity: 'medium', confidence: 0.8, startLine: line, endLine: line, explanation: `About line ${line}.` };
}

function reply(text: string, chunkDelayMs = 0) {
  const chunks = text.match(/[\s\S]{1,40}/g) ?? [];
  return sseResponse(namedSse(anthropicEvents({ thinking: ['Reading. '], text: chunks, inputTokens: 50, outputTokens: 60 })), { chunkDelayMs });
}

function sampleUri(): vscode.Uri {
  return vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'sample.ts');
}

async function review(lines: [number, number]): Promise<string> {
  const editor = await vscode.window.showTextDocument(sampleUri(), { viewColumn: vscode.ViewColumn.One });
  editor.selection = new vscode.Selection(lines[0] - 1, 0, lines[1] - 1, editor.document.lineAt(lines[1] - 1).text.length);
  const id = await vscode.commands.executeCommand<string>('deepReview.reviewSelection');
  assert.equal(typeof id, 'string');
  return id;
}

/** What the panel was last sent, for a failure message. */
function panelState(api: { panel(): { open: boolean; visible: boolean; sent: readonly { type: string }[] } }): string {
  const p = api.panel();
  const last = p.sent.slice(-6).map((m) => {
    const job = (m as { job?: PanelJobDetail }).job;
    return job ? `${m.type}:${job.id}:${job.status}` : m.type;
  });
  return `panel open ${p.open}, visible ${p.visible}, last sent ${last.join(', ')}`;
}

async function waitShowing<T>(api: Parameters<typeof panelState>[0], what: string, check: () => T | undefined | false, timeoutMs?: number): Promise<T> {
  try {
    return await waitFor(what, check, timeoutMs);
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)} (${panelState(api)})`);
  }
}

function lastDetail(sent: readonly { type: string }[], jobId?: string): PanelJobDetail | undefined {
  for (let i = sent.length - 1; i >= 0; i--) {
    const m = sent[i] as { type: string; job?: PanelJobDetail };
    if (m.type === 'jobDetail' && (!jobId || m.job?.id === jobId)) return m.job;
  }
  return undefined;
}

describe('issue 11 rough edges in VS Code', function () {
  this.timeout(60_000);
  let server: ModelServer;

  before(async () => {
    server = await ModelServer.start();
    await activateExtension();
    const config = vscode.workspace.getConfiguration('deepReview');
    const values: Record<string, unknown> = { provider: 'anthropic', baseUrl: server.url('/v1'), 'routing.mode': 'alwaysReasoning', 'budget.dailyUsd': 0, 'budget.monthlyUsd': 0, 'budget.confirmAboveUsd': 0, 'notifications.onCompletion': 'never', 'capture.contextLines': 0 };
    for (const [k, v] of Object.entries(values)) await config.update(k, v, G);
    await vscode.commands.executeCommand('deepReview.setApiKey', { provider: 'anthropic', key: 'sk-ant-rough-edges' });
  });

  after(async () => {
    await server.close();
    const config = vscode.workspace.getConfiguration('deepReview');
    for (const k of SETTINGS) await config.update(k, undefined, G);
  });

  it('3: ticks the walkthrough’s provider and key steps however they were done', async () => {
    const { api } = await activateExtension();
    await waitFor('the walkthrough state to follow the settings', () => api.walkthrough().providerChosen && api.walkthrough().keyReady);
    const manifest = JSON.parse(readFileSync(join(vscode.extensions.getExtension('deep-review.deep-review')!.extensionPath, 'package.json'), 'utf8')) as Manifest & { contributes: { walkthroughs: { steps: { id: string; completionEvents: string[] }[] }[] } };
    const steps = manifest.contributes.walkthroughs[0]!.steps;
    assert.ok(steps.find((s) => s.id === 'provider')!.completionEvents.includes('onContext:deepReview.providerChosen'));
    assert.ok(steps.find((s) => s.id === 'key')!.completionEvents.includes('onContext:deepReview.apiKeyReady'));
  });

  it('4: reviews of different lines add up; an unstructured answer clears nothing; stale findings are not greyed out', async () => {
    const { api } = await activateExtension();
    const engine = await api.ready();
    server.enqueue(reply(JSON.stringify({ summary: 's', findings: [finding('Early problem', 2)], answer: 'a' })));
    await engine.jobs.whenDone(await review([1, 3]));
    server.enqueue(reply(JSON.stringify({ summary: 's', findings: [finding('Late problem', 6)], answer: 'b' })));
    await engine.jobs.whenDone(await review([5, 7]));
    const titles = () => api.findings(sampleUri()).map((d) => d.message.replace(/ \(.*$/, ''));
    await waitFor('both reviews’ findings', () => titles().length === 2);
    assert.deepEqual(titles().sort(), ['Early problem', 'Late problem']);

    server.enqueue(reply('I looked at it and it seems fine to me, but I cannot be sure.'));
    const prose = await engine.jobs.whenDone(await review([1, 7]));
    assert.equal(prose.structured, false);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(titles().sort(), ['Early problem', 'Late problem'], 'a text answer keeps the findings shown');

    const editor = await vscode.window.showTextDocument(sampleUri());
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// touched\n'));
    await waitFor('stale findings', () => api.findings(sampleUri()).every((d) => d.message.startsWith('[stale')));
    assert.ok(api.findings(sampleUri()).every((d) => !(d.tags ?? []).includes(vscode.DiagnosticTag.Unnecessary)), 'no Unnecessary tag');
    await vscode.commands.executeCommand('undo');
  });

  it('5 and 6: the running job is listed at once, and the stale badge follows edits live', async () => {
    const { api } = await activateExtension();
    const engine = await api.ready();
    await vscode.commands.executeCommand('deepReview.showResults');
    server.enqueue(reply(JSON.stringify({ summary: 's', findings: [finding('Live problem', 3)], answer: 'c' }), 60));
    const jobId = await review([2, 4]);
    await waitFor('the running job in the panel’s list', () =>
      api.panel().sent.some((m) => m.type === 'jobs' && m.jobs.some((j) => j.id === jobId && (j.status === 'running' || j.status === 'queued'))),
    );
    // Open it (beside the editor or behind it, wherever the panel is) and let it finish there.
    await vscode.commands.executeCommand('deepReview.showResults', jobId);
    await engine.jobs.whenDone(jobId);
    await waitShowing(api, 'the finished detail', () => lastDetail(api.panel().sent, jobId)?.status === 'succeeded');
    const editor = await vscode.window.showTextDocument(sampleUri());
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// live\n'));
    // No re-selection: the badge arrives by itself.
    await waitShowing(api, 'the stale badge without re-selecting', () => lastDetail(api.panel().sent, jobId)?.stale === true);
    await vscode.commands.executeCommand('undo');
    await waitFor('the badge to clear when the edit is undone', () => lastDetail(api.panel().sent, jobId)?.stale === false);
  });

  it('2: Choose Provider’s steps stay open while focus moves to the editor, to the end of the flow', async () => {
    const config = vscode.workspace.getConfiguration('deepReview');
    // The flow writes these; the rest of the suite needs them back as they were.
    const written = ['provider', 'baseUrl', 'models.fast', 'models.capable', 'models.reasoning', 'reasoning.effort', 'reasoning.maxThinkingTokens'];
    const before = written.map((k) => [k, config.inspect(k)?.globalValue] as const);
    await vscode.window.showTextDocument(sampleUri(), { viewColumn: vscode.ViewColumn.One });
    let done = false;
    const flow = Promise.resolve(vscode.commands.executeCommand('deepReview.chooseProvider')).finally(() => (done = true));
    // Each step: click away into the editor, then accept what the step shows. An input that closes
    // when it loses focus ends the flow there, and the provider stays as it was.
    for (let i = 0; i < 30 && !done; i++) {
      await new Promise((r) => setTimeout(r, 400));
      await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
      await new Promise((r) => setTimeout(r, 150));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await flow;
    const chosen = vscode.workspace.getConfiguration('deepReview').get('provider');
    for (const [k, v] of before) await config.update(k, v, G);
    assert.equal(chosen, 'openai', 'every step was still open after focus moved, so the flow reached its end');
  });

  it('9: Show Results opens on the latest job', async () => {
    const { api } = await activateExtension();
    const engine = await api.ready();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('the panel to close', () => !api.panel().open);
    // A job run while the panel is closed is the latest, though another one was on screen before.
    server.enqueue(reply(JSON.stringify({ summary: 's', findings: [], answer: 'd' })));
    const latest = await engine.jobs.whenDone(await review([6, 7]));
    const readyBefore = api.panel().webviewReadyCount;
    await vscode.commands.executeCommand('deepReview.showResults');
    await waitFor('the panel to load again', () => api.panel().webviewReadyCount > readyBefore, 15_000);
    await waitShowing(api, 'the latest job on screen', () => lastDetail(api.panel().sent)?.id === latest.id, 15_000);
  });
});
