// The cost meter with an unpriced job, in the real VS Code host: a review on a model with no
// known price (an OpenAI-compatible local server) leaves its cost unknown, and the status bar
// says so ("… + 1 unpriced today") instead of $0; the tooltip's budget left excludes it.
// Runs after review.test.ts (file order), whose priced spend may already be on today's meter.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ModelServer } from '../../support/modelServer';
import { chatCompletionChunks, chatSse, sseResponse } from '../../support/transcripts';
import { activateExtension, waitFor } from './helpers';

const MODEL = 'house-model-unpriced';
const ANSWER = JSON.stringify({ summary: 'Off-by-one.', findings: [{ title: 'Loop reads past the end', severity: 'high', confidence: 0.9, startLine: 3, endLine: 3, explanation: 'Use <.' }], answer: 'Use `<`.' });

async function configure(values: Record<string, unknown>): Promise<void> {
  const config = vscode.workspace.getConfiguration('deepReview');
  for (const [key, value] of Object.entries(values)) await config.update(key, value, vscode.ConfigurationTarget.Global);
}

function unpricedOn(text: string): number {
  return Number(/(\d+) unpriced today/.exec(text)?.[1] ?? 0);
}

describe('cost meter with an unpriced job (local test model server)', function () {
  this.timeout(60_000);
  let server: ModelServer;
  const settings = {
    provider: 'openai-compatible',
    'models.fast': MODEL,
    'models.capable': MODEL,
    'models.reasoning': MODEL,
    'routing.mode': 'alwaysReasoning',
    'budget.dailyUsd': 1000,
    'budget.monthlyUsd': 0,
    'budget.confirmAboveUsd': 0,
    'notifications.onCompletion': 'never',
  };

  before(async () => {
    server = await ModelServer.start();
    await activateExtension();
    await configure({ ...settings, baseUrl: server.url('/v1') });
  });

  after(async () => {
    await server.close();
    await configure({ baseUrl: undefined, ...Object.fromEntries(Object.keys(settings).map((k) => [k, undefined])) });
  });

  it('shows "+ N unpriced" on the meter, never $0 for it, and the tooltip says the budget left excludes it', async () => {
    const { api } = await activateExtension();
    const engine = await api.ready();
    const before = api.costStatusBar();
    const spentBefore = engine.ledger.spent().todayUsd;
    server.enqueue(sseResponse(chatSse(chatCompletionChunks({ model: MODEL, reasoning: ['Checking the bound.'], content: [ANSWER], usage: { prompt_tokens: 500, completion_tokens: 200, total_tokens: 700 } }))));

    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace is open');
    const editor = await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, 'sample.ts'));
    editor.selection = new vscode.Selection(0, 0, 4, editor.document.lineAt(4).text.length);
    const jobId = await vscode.commands.executeCommand<string>('deepReview.reviewSelection');
    const job = await engine.jobs.whenDone(jobId);
    assert.equal(job.status, 'succeeded', job.error?.message);
    assert.equal(job.costUsd, null, 'an unpriced job costs unknown, not 0');
    assert.equal(engine.ledger.records().find((r) => r.jobId === jobId)?.costUsd, null);
    assert.equal(engine.ledger.spent().todayUsd, spentBefore, 'it adds nothing to the known spend');

    const expected = unpricedOn(before.text) + 1;
    const bar = await waitFor('the meter to count the unpriced job', () => {
      const s = api.costStatusBar();
      return unpricedOn(s.text) === expected ? s : undefined;
    });
    // "$1.23 + 1 unpriced today" after priced spend, "1 unpriced today" without: never "$0.00 today".
    const words = bar.text.replace(/\$\([\w~-]+\)\s*/g, ''); // without codicons such as $(pulse)
    assert.match(words, new RegExp(`^(\\$[\\d,]+\\.\\d{2} \\+ |<\\$0\\.01 \\+ )?${expected} unpriced today$`));
    assert.doesNotMatch(bar.text, /\$0\.00/);
    assert.equal(bar.background, undefined, 'no warning colour: far from the budget');
    assert.match(bar.tooltip, new RegExp(`Budget left today \\| \\$[\\d,.]+ of \\$1,000\\.00 \\(excludes ${expected} unpriced jobs?\\)`));
    assert.match(bar.tooltip, /used a model with no known price: cost unknown, not included/);
    assert.match(bar.tooltip, new RegExp(`\\| Today \\| [^|]*${expected} unpriced \\|`));
  });
});
