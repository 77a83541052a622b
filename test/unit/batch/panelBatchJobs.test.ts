// The panel's job list and detail with run-later jobs (pure mapping, src/vscode/panelModel.ts):
// a job still at the provider is listed with its batch facts among the history, newest first;
// once it finished (recorded in the history) it is listed once, as an ordinary job.
import * as assert from 'node:assert/strict';
import type { JobRecord } from '../../../src/core/jobs/job';
import { batchStatusLine, panelJobSummarySchema } from '../../../src/protocol/panelMessages';
import { panelJobList, toPanelDetail, type PendingBatchJob } from '../../../src/vscode/panelModel';

function job(id: string, createdAt: number, over: Partial<JobRecord> = {}): JobRecord {
  return {
    id,
    request: { kind: 'review', target: { type: 'file', filePath: 'src/cart.ts', languageId: 'typescript', startLine: 1, endLine: 20, code: 'x', contextBefore: '', contextAfter: '' }, options: {} },
    route: {
      tier: 'reasoning', provider: 'anthropic', model: 'claude-sonnet-4-5', reasoning: true, effort: 'medium', maxThinkingTokens: 16000, maxAnswerTokens: 8192,
      complexity: { tier: 'complex', score: 9 }, reasons: ['always reasoning'], expectedWait: { lowSeconds: 20, highSeconds: 90, reason: 'thinks first' },
    },
    cacheKey: `k-${id}`, fileHash: 'h', status: 'succeeded', createdAt, fromCache: false, reasoning: '', answer: '', warnings: [], retries: 0, dismissedFindings: [],
    ...over,
  };
}

const batch = { provider: 'OpenAI', batchId: 'batch_abc123', providerStatus: 'in_progress', cancelRequested: false };

describe('panel job list with run-later jobs', () => {
  it('lists pending batch jobs among the history, newest first, carrying their batch facts', () => {
    const history = [job('new', 30), job('old', 10)];
    const pending: PendingBatchJob[] = [{ job: job('later', 20, { status: 'queued' }), batch }];
    const list = panelJobList(history, pending);
    assert.deepEqual(list.map((j) => j.id), ['new', 'later', 'old']);
    assert.deepEqual(list[1]!.batch, batch);
    assert.equal(list[1]!.status, 'queued');
    assert.equal(list[0]!.batch, undefined);
    for (const s of list) assert.ok(panelJobSummarySchema.safeParse(s).success, 'what the host posts passes the webview schema');
  });

  it('lists a finished batch job once, from the history, without its batch facts', () => {
    const finished = job('later', 20, { status: 'succeeded' });
    const list = panelJobList([finished], [{ job: job('later', 20, { status: 'queued' }), batch }]);
    assert.equal(list.length, 1);
    assert.equal(list[0]!.status, 'succeeded');
    assert.equal(list[0]!.batch, undefined);
  });

  it('the detail of a pending job says where it waits; the status line names the provider and batch id', () => {
    const detail = toPanelDetail(job('later', 20, { status: 'queued' }), { stale: false, batch });
    assert.deepEqual(detail.batch, batch);
    assert.equal(batchStatusLine(batch), 'queued at the provider (OpenAI), batch batch_abc123 · in_progress');
    assert.equal(batchStatusLine({ ...batch, batchId: undefined, providerStatus: undefined, cancelRequested: true }), 'cancelling at the provider (OpenAI), batch (sending)');
  });
});
