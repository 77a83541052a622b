// End to end inside VS Code against the local test model server: capture → route → job with
// progress → panel → findings → ledger and status bar; cache hits, staleness, debug from
// diagnostics, cancel, budget refusal, apply and undo a fix.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PanelJobDetail } from '../../../src/protocol/panelMessages';
import { ModelServer } from '../../support/modelServer';
import { anthropicErrorBody, anthropicEvents, jsonResponse, namedSse, sseResponse } from '../../support/transcripts';
import { activateExtension, waitFor } from './helpers';

const SENTINEL_KEY = 'sk-ant-integration-SENTINEL-0123456789';

function answer(findings: object[]): string {
  return JSON.stringify({ summary: 'The loop reads one element past the end.', findings, answer: 'Use `<` in the loop condition.' });
}

const OFF_BY_ONE = {
  title: 'Loop reads values[values.length]',
  severity: 'high',
  confidence: 0.93,
  startLine: 3,
  endLine: 3,
  explanation: 'With `<=` the last iteration reads past the end and adds undefined, making the total NaN.',
  suggestedFix: '  for (let i = 0; i < values.length; i++) {',
};

function anthropicStream(text: string, opts: { thinking?: string[]; outputTokens?: number } = {}) {
  const chunks = text.match(/[\s\S]{1,40}/g) ?? [];
  return sseResponse(namedSse(anthropicEvents({ thinking: opts.thinking ?? ['Looking at the loop bound. ', 'i goes up to length inclusive.'], text: chunks, inputTokens: 900, outputTokens: opts.outputTokens ?? 120_000, thinkingTokens: 40_000 })));
}

async function configure(values: Record<string, unknown>): Promise<void> {
  const config = vscode.workspace.getConfiguration('deepReview');
  for (const [key, value] of Object.entries(values)) await config.update(key, value, vscode.ConfigurationTarget.Global);
}

function sampleUri(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the test workspace is not open');
  return vscode.Uri.joinPath(folder.uri, 'sample.ts');
}

async function openSample(selection?: [number, number]): Promise<vscode.TextEditor> {
  const editor = await vscode.window.showTextDocument(sampleUri(), { viewColumn: vscode.ViewColumn.One });
  if (selection) editor.selection = new vscode.Selection(selection[0], 0, selection[1], editor.document.lineAt(selection[1]).text.length);
  return editor;
}

function lastDetail(sent: readonly { type: string }[], jobId: string): PanelJobDetail | undefined {
  for (let i = sent.length - 1; i >= 0; i--) {
    const m = sent[i] as { type: string; job?: PanelJobDetail };
    if (m.type === 'jobDetail' && m.job?.id === jobId) return m.job;
  }
  return undefined;
}

describe('reviews in VS Code (local test model server)', function () {
  this.timeout(60_000);
  let server: ModelServer;
  let original: string;

  before(async () => {
    server = await ModelServer.start();
    await activateExtension();
    await configure({
      provider: 'anthropic',
      baseUrl: server.url('/v1'),
      'routing.mode': 'alwaysReasoning',
      'budget.dailyUsd': 0,
      'budget.monthlyUsd': 0,
      'budget.confirmAboveUsd': 0,
      'notifications.onCompletion': 'never',
      'capture.contextLines': 2,
    });
    await vscode.commands.executeCommand('deepReview.setApiKey', { provider: 'anthropic', key: SENTINEL_KEY });
    original = (await vscode.workspace.openTextDocument(sampleUri())).getText();
  });

  after(async () => {
    await server.close();
    await configure({ provider: undefined, baseUrl: undefined, 'routing.mode': undefined, 'budget.dailyUsd': undefined, 'budget.monthlyUsd': undefined, 'budget.confirmAboveUsd': undefined, 'notifications.onCompletion': undefined, 'capture.contextLines': undefined });
  });

  it('reviews a selection end to end: job id, model call, panel findings, ledger and status bar', async () => {
    const { api } = await activateExtension();
    const engine = await api.ready();
    const barBefore = api.costStatusBar().text;
    await vscode.commands.executeCommand('deepReview.showResults');
    server.enqueue(anthropicStream(answer([OFF_BY_ONE])));
    await openSample([1, 5]);
    const jobId = await vscode.commands.executeCommand<string>('deepReview.reviewSelection');
    assert.equal(typeof jobId, 'string', 'Review Selection returns the job id at once');
    const job = await engine.jobs.whenDone(jobId);
    assert.equal(job.status, 'succeeded', job.error?.message);
    assert.equal(job.route.tier, 'reasoning');
    assert.equal(job.result?.findings[0]?.title, OFF_BY_ONE.title);

    assert.equal(server.requests.length, 1);
    const sent = server.requests[0]!;
    const body = sent.body as { thinking?: { type: string; budget_tokens?: number }; messages: unknown[] };
    assert.equal(body.thinking?.type, 'enabled');
    assert.ok((body.thinking?.budget_tokens ?? 0) >= 1024);
    assert.match(sent.rawBody, /i <= values\.length/, 'the selected code is in the request');
    assert.equal(sent.headers['x-api-key'], SENTINEL_KEY);

    await vscode.commands.executeCommand('deepReview.showResults', jobId);
    const detail = await waitFor('the job detail in the panel', () => lastDetail(api.panel().sent, jobId));
    assert.ok(api.panel().webviewReadyCount >= 1, 'the webview loaded and said ready');
    assert.equal(detail.findings.length, 1);
    assert.equal(detail.findings[0]?.severity, 'high');
    assert.ok(detail.reasoning.includes('Looking at the loop bound'));
    assert.equal(detail.usage?.reasoningTokens, 40_000);

    const record = engine.ledger.records().find((r) => r.jobId === jobId);
    assert.ok(record && (record.costUsd ?? 0) > 1, `ledger cost ${record?.costUsd}`);
    await waitFor('the status bar to show the spend', () => api.costStatusBar().text !== barBefore && /\$[1-9]\d*\.\d{2} today/.test(api.costStatusBar().text));
    const diagnostics = api.findings(sampleUri());
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]?.range.start.line, 2);
  });

  it('answers the identical review from the cache: no request reaches the server, cached badge', async () => {
    const { api } = await activateExtension();
    const engine = await api.ready();
    const before = server.requests.length;
    await openSample([1, 5]);
    const jobId = await vscode.commands.executeCommand<string>('deepReview.reviewSelection');
    const job = await engine.jobs.whenDone(jobId);
    assert.equal(job.fromCache, true);
    assert.equal(server.requests.length, before);
    await vscode.commands.executeCommand('deepReview.showResults', jobId);
    const detail = await waitFor('the cached job detail', () => lastDetail(api.panel().sent, jobId));
    assert.equal(detail.cached, true);
    assert.equal(detail.findings.length, 1);
  });

  it('marks the analysis stale when the file is edited', async () => {
    const { api } = await activateExtension();
    const engine = await api.ready();
    const editor = await openSample();
    const cachedJob = engine.jobs.list().find((j) => j.fromCache)!;
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// edited\n'));
    assert.equal(engine.isStale(cachedJob.id, editor.document.getText()), true);
    await waitFor('stale findings in the editor', () => api.findings(sampleUri()).every((d) => d.message.startsWith('[stale')) && api.findings(sampleUri()).length > 0);
    await vscode.commands.executeCommand('deepReview.showResults', cachedJob.id);
    const detail = await waitFor('the stale badge', () => lastDetail(api.panel().sent, cachedJob.id));
    assert.equal(detail.stale, true);
    const revert = new vscode.WorkspaceEdit();
    revert.delete(editor.document.uri, new vscode.Range(0, 0, 1, 0));
    await vscode.workspace.applyEdit(revert);
    assert.equal(editor.document.getText(), original);
  });

  it('debugs real diagnostics of the file in one request', async () => {
    const { api } = await activateExtension();
    const engine = await api.ready();
    const collection = vscode.languages.createDiagnosticCollection('integration-test-linter');
    try {
      const d1 = new vscode.Diagnostic(new vscode.Range(2, 2, 2, 40), 'Possible out-of-bounds read: values[i] with i == values.length', vscode.DiagnosticSeverity.Error);
      d1.source = 'test-lint';
      const d2 = new vscode.Diagnostic(new vscode.Range(5, 2, 5, 30), 'Division by zero when values is empty', vscode.DiagnosticSeverity.Warning);
      d2.source = 'test-lint';
      collection.set(sampleUri(), [d1, d2]);
      await openSample();
      server.enqueue(anthropicStream(answer([OFF_BY_ONE])));
      const before = server.requests.length;
      const jobId = await vscode.commands.executeCommand<string>('deepReview.debugProblemsInFile');
      const job = await engine.jobs.whenDone(jobId);
      assert.equal(job.status, 'succeeded', job.error?.message);
      assert.equal(job.request.kind, 'debug');
      assert.equal(server.requests.length, before + 1, 'two problems, one request');
      const raw = server.requests.at(-1)!.rawBody;
      assert.match(raw, /out-of-bounds read/);
      assert.match(raw, /Division by zero/);
    } finally {
      collection.dispose();
    }
  });

  it('cancels a job mid-stream and closes the connection', async () => {
    const { api } = await activateExtension();
    const engine = await api.ready();
    const events = namedSse(anthropicEvents({ thinking: ['one ', 'two ', 'three '], text: ['never'], inputTokens: 10, outputTokens: 10 }));
    server.enqueue(sseResponse(events, { faultAfterChunks: 4, ending: 'stall' }));
    await openSample([1, 3]);
    const jobId = await vscode.commands.executeCommand<string>('deepReview.reviewSelection');
    await waitFor('the job to be thinking', () => (engine.jobs.get(jobId)?.reasoning.length ?? 0) > 0);
    const request = server.requests.at(-1)!;
    const t0 = Date.now();
    await vscode.commands.executeCommand('deepReview.cancelJob', jobId);
    const job = await engine.jobs.whenDone(jobId);
    assert.equal(job.status, 'cancelled');
    await request.closed;
    assert.ok(Date.now() - t0 < 5000, 'the HTTP request was closed promptly');
    assert.equal(engine.cache.has(job.cacheKey), false);
  });

  it('refuses a request over budget with no request sent', async () => {
    const { api } = await activateExtension();
    const engine = await api.ready();
    await configure({ 'budget.dailyUsd': 0.0001 });
    try {
      const before = server.requests.length;
      const jobsBefore = engine.jobs.list().length;
      await openSample([2, 4]);
      const jobId = await vscode.commands.executeCommand<string | undefined>('deepReview.reviewSelection');
      assert.equal(jobId, undefined);
      assert.equal(server.requests.length, before);
      assert.equal(engine.jobs.list().length, jobsBefore);
    } finally {
      await configure({ 'budget.dailyUsd': 0 });
      await vscode.commands.executeCommand('workbench.action.closeNotifications').then(undefined, () => undefined);
    }
  });

  it('applies a suggested fix as an undoable edit', async () => {
    const { api } = await activateExtension();
    const engine = await api.ready();
    const job = engine.jobs.list().find((j) => j.status === 'succeeded' && j.result?.findings[0]?.suggestedFix && j.request.target.type === 'selection');
    assert.ok(job, 'a finished review with a fix');
    const editor = await openSample();
    await vscode.commands.executeCommand('deepReview.internal.applyFix', job.id, 'f0');
    await waitFor('the fix to be applied', () => editor.document.lineAt(2).text.includes('i < values.length'));
    assert.equal(engine.ledger.isSuccessful(job.id), true, 'applying a fix counts as a success');
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    await waitFor('undo to restore the file', () => editor.document.getText() === original);
  });

  it('offers code actions: debug a problem, apply a finding\'s fix, review a selection', async () => {
    const { api } = await activateExtension();
    const engine = await api.ready();
    const collection = vscode.languages.createDiagnosticCollection('integration-test-actions');
    try {
      const problem = new vscode.Diagnostic(new vscode.Range(5, 2, 5, 30), 'Division by zero when values is empty', vscode.DiagnosticSeverity.Error);
      problem.source = 'test-lint';
      collection.set(sampleUri(), [problem]);
      const withFix = engine.jobs.list().find((j) => j.status === 'succeeded' && j.request.target.type === 'selection' && j.result?.findings[0]?.suggestedFix);
      assert.ok(withFix);
      await openSample();
      api.findingsShow(sampleUri(), withFix.id);
      const titles = async (range: vscode.Range) => ((await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', sampleUri(), range)) ?? []).map((a) => a.title);
      const onProblem = await titles(new vscode.Range(5, 4, 5, 4));
      assert.ok(onProblem.includes('Debug with Deep Review'), onProblem.join(', '));
      const onFinding = await titles(new vscode.Range(2, 4, 2, 4));
      assert.ok(onFinding.includes('Apply Deep Review fix'), onFinding.join(', '));
      assert.ok(onFinding.includes('Preview Deep Review fix'), onFinding.join(', '));
      const onSelection = await titles(new vscode.Range(1, 0, 3, 5));
      assert.ok(onSelection.includes('Deep Review selection'), onSelection.join(', '));
    } finally {
      collection.dispose();
    }
  });

  it('reports provider faults in the editor: a rejected key, and an error inside a 200 stream', async () => {
    const { api } = await activateExtension();
    const engine = await api.ready();
    const cacheSize = engine.cache.size;
    await openSample([2, 5]);
    server.enqueue(jsonResponse(401, anthropicErrorBody('authentication_error', 'invalid x-api-key')));
    const before = server.requests.length;
    const denied = await engine.jobs.whenDone((await vscode.commands.executeCommand<string>('deepReview.reviewSelection'))!);
    assert.equal(denied.status, 'failed');
    assert.equal(denied.error?.kind, 'auth');
    assert.match(denied.error?.message ?? '', /API key/);
    assert.equal(server.requests.length, before + 1, 'an auth failure is not retried');
    assert.equal(engine.ledger.records().find((r) => r.jobId === denied.id)?.outcome, 'failed');

    const events = namedSse(anthropicEvents({ thinking: ['Checking the bound. '], text: [], inputTokens: 10, outputTokens: 5 })).slice(0, 4);
    events.push('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n');
    server.enqueue(sseResponse(events));
    await openSample([2, 6]);
    const broken = await engine.jobs.whenDone((await vscode.commands.executeCommand<string>('deepReview.reviewSelection'))!);
    assert.equal(broken.status, 'failed');
    assert.equal(broken.error?.kind, 'stream-error');
    assert.match(broken.reasoning, /Checking the bound/, 'reasoning received before the error stays visible');
    assert.equal(engine.cache.size, cacheSize, 'failed jobs are never cached');
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('never writes the API key into settings', () => {
    const config = vscode.workspace.getConfiguration('deepReview');
    const all = JSON.stringify(Object.keys(config).map((k) => config.get(k)));
    assert.doesNotMatch(all, /SENTINEL/);
  });
});
