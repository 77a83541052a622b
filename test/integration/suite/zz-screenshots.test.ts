// README screenshots from a real render (only with DEEP_REVIEW_SCREENSHOTS=<dir> on the
// code-server host): the runner takes a picture whenever this suite logs "[screenshot] name".
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ModelServer } from '../../support/modelServer';
import { anthropicEvents, namedSse, sseResponse } from '../../support/transcripts';
import { activateExtension, waitFor } from './helpers';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function screenshot(name: string, hover?: string): Promise<void> {
  console.log(`[screenshot] ${name}${hover ? ` hover=${hover}` : ''}`);
  await pause(hover ? 3000 : 1500);
}

const THINKING = [
  '**Tracing the loop bounds**\n\nThe loop runs while `i <= values.length`, so the last iteration reads `values[values.length]`, which is `undefined`. ',
  'Adding `undefined` to a number gives `NaN`, so `total` becomes NaN for every non-empty input. ',
  '\n\n**Checking the empty case**\n\nFor `[]`, the loop body runs once with i = 0 (0 <= 0) and reads `values[0]` = undefined; then `total / values.length` divides by zero. ',
  'Both problems come from the same bound; the fix is `<`, plus an explicit guard for empty arrays.',
];

const ANSWER = JSON.stringify({
  summary: 'The loop reads one element past the end, so every average is NaN; empty input also divides by zero.',
  findings: [
    { title: 'Loop reads values[values.length]', severity: 'high', confidence: 0.95, startLine: 3, endLine: 3, explanation: 'With `<=` the final iteration reads past the end of the array and adds `undefined`, turning the total into NaN.', suggestedFix: '  for (let i = 0; i < values.length; i++) {' },
    { title: 'Empty array divides by zero', severity: 'medium', confidence: 0.8, startLine: 6, endLine: 6, explanation: '`average([])` returns NaN (0 / 0). Return 0 or throw a clear error for empty input.', suggestedFix: '  return values.length === 0 ? 0 : total / values.length;' },
    { title: 'Parameter could be readonly', severity: 'info', confidence: 0.35, startLine: 1, endLine: 1, explanation: '`values` is never mutated; `readonly number[]` documents that.' },
  ],
  answer: '### What goes wrong\n\n`i <= values.length` makes the loop run one step too far. Use `i < values.length`, and decide what the average of an empty list should be.\n\n```ts\nexport function average(values: readonly number[]): number {\n  if (values.length === 0) return 0;\n  let total = 0;\n  for (let i = 0; i < values.length; i++) total += values[i];\n  return total / values.length;\n}\n```',
});

describe('README screenshots', function () {
  this.timeout(120_000);
  const dir = process.env.DEEP_REVIEW_SCREENSHOTS;

  it('captures the progress notification, the panel, the cost meter and the report', async function () {
    if (!dir) this.skip();
    const { api } = await activateExtension();
    const engine = await api.ready();
    const server = await ModelServer.start();
    const config = vscode.workspace.getConfiguration('deepReview');
    const G = vscode.ConfigurationTarget.Global;
    try {
      await config.update('provider', 'anthropic', G);
      await config.update('baseUrl', server.url('/v1'), G);
      await config.update('routing.mode', 'alwaysReasoning', G);
      await config.update('budget.confirmAboveUsd', 0, G);
      await config.update('budget.dailyUsd', 5, G);
      await config.update('notifications.onCompletion', 'never', G);
      await vscode.commands.executeCommand('deepReview.setApiKey', { provider: 'anthropic', key: 'sk-ant-screenshot' });
      const text = ANSWER.match(/[\s\S]{1,60}/g) ?? [];
      const events = namedSse(anthropicEvents({ thinking: THINKING.flatMap((t) => t.match(/[\s\S]{1,30}/g) ?? []), text, inputTokens: 1850, outputTokens: 9400, thinkingTokens: 6100 }));
      server.enqueue(sseResponse(events, { chunkDelayMs: 90 }));
      const folder = vscode.workspace.workspaceFolders![0]!.uri;
      const editor = await vscode.window.showTextDocument(vscode.Uri.joinPath(folder, 'sample.ts'), { viewColumn: vscode.ViewColumn.One });
      editor.selection = new vscode.Selection(0, 0, 6, 1);
      await vscode.commands.executeCommand('notifications.clearAll');
      const jobId = await vscode.commands.executeCommand<string>('deepReview.reviewSelection');
      await vscode.commands.executeCommand('deepReview.showResults', jobId);
      await waitFor('the panel to show the running job', () => api.panel().sent.some((m) => m.type === 'jobDetail' && m.job.id === jobId), 30_000);
      await waitFor('thinking to stream', () => (engine.jobs.get(jobId)?.reasoning.length ?? 0) > 200, 30_000);
      const p = api.panel();
      console.log(`      (panel: open ${p.open}, visible ${p.visible}, ready ${p.webviewReadyCount}, last sent ${p.sent.slice(-4).map((m) => m.type).join(',')})`);
      await screenshot('progress');
      const job = await engine.jobs.whenDone(jobId);
      assert.equal(job.status, 'succeeded', job.error?.message);
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.commands.executeCommand('deepReview.showResults', jobId);
      await pause(800);
      await screenshot('panel');
      await screenshot('cost-meter', 'Deep Review:');
      await vscode.commands.executeCommand('deepReview.showCostReport');
      await pause(800);
      await screenshot('cost-report');
    } finally {
      await server.close();
      for (const key of ['provider', 'baseUrl', 'routing.mode', 'budget.confirmAboveUsd', 'budget.dailyUsd', 'notifications.onCompletion']) await config.update(key, undefined, G);
    }
  });
});
