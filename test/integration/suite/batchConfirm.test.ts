// The confirm step's "Run Later (Half Price)" in the real VS Code host: Review File on the
// reasoning tier (Anthropic, which has a batch API) asks whether to send now or run later; the
// answer "Run Later" queues the job at the (local) batch API with its batch id; the results panel
// lists it as queued at the provider; cancelling cancels the batch at the provider. Modal dialogs
// have no API, so the test queues its answer with the hidden deepReview.internal.answerPrompts.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HostMessage } from '../../../src/protocol/panelMessages';
import { BatchServer } from '../../support/batchServer';
import { activateExtension, waitFor } from './helpers';

interface Probe {
  notified: string[];
  jobs: { jobId: string; state: string; status: string; batchId: string | null }[];
}

const SETTINGS = ['provider', 'baseUrl', 'routing.mode', 'budget.dailyUsd', 'budget.monthlyUsd', 'budget.confirmAboveUsd'];

async function configure(values: Record<string, unknown>): Promise<void> {
  const config = vscode.workspace.getConfiguration('deepReview');
  for (const [key, value] of Object.entries(values)) await config.update(key, value, vscode.ConfigurationTarget.Global);
}

describe('confirm step: run later at half price', function () {
  this.timeout(60_000);

  it('offers Run Later for a reasoning-tier review, queues it at the provider, lists it in the panel, and cancels it there', async () => {
    const { api } = await activateExtension();
    await api.ready();
    const server = await BatchServer.start();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace is open');
    const uri = vscode.Uri.joinPath(folder.uri, 'sample.ts');
    try {
      // Confirmations on (a threshold above this request's cost, so only the wait asks).
      await configure({ provider: 'anthropic', baseUrl: server.apiBase, 'routing.mode': 'alwaysReasoning', 'budget.dailyUsd': 0, 'budget.monthlyUsd': 0, 'budget.confirmAboveUsd': 1000 });
      await vscode.commands.executeCommand('deepReview.setApiKey', { provider: 'anthropic', key: 'sk-ant-batch-confirm-0042' });
      await vscode.commands.executeCommand('deepReview.internal.answerPrompts', ['Run Later (Half Price)']);
      await vscode.window.showTextDocument(uri);
      const jobId = await vscode.commands.executeCommand<string>('deepReview.reviewFile', uri);
      const asked = await vscode.commands.executeCommand<string[]>('deepReview.internal.answerPrompts');
      const engine = await api.ready();
      const streamed = jobId ? engine.jobs.get(jobId) : undefined;
      assert.equal(asked.length, 1, `asked: ${JSON.stringify(asked)}; job ${jobId}: ${JSON.stringify(streamed && { status: streamed.status, fromCache: streamed.fromCache, tier: streamed.route.tier, model: streamed.route.model, error: streamed.error })}`);
      assert.match(asked[0]!, /reasoning tier .*send it now, or run it later at half price\? \[Send Now \| Run Later \(Half Price\)\]/);

      assert.equal(typeof jobId, 'string', 'the review returned the queued job');
      const batch = server.onlyBatch();
      assert.equal(batch.requests[0]?.customId, jobId);
      assert.equal(batch.requests[0]?.body.stream, undefined);
      const probe = await vscode.commands.executeCommand<Probe>('deepReview.internal.batchJobsProbe');
      const queued = probe.jobs.find((j) => j.jobId === jobId);
      assert.deepEqual(queued && { state: queued.state, batchId: queued.batchId }, { state: 'pending', batchId: batch.id }, 'queued at the provider with its batch id');

      await vscode.commands.executeCommand('deepReview.showResults', jobId);
      const detail = await waitFor('the panel to show the queued job', () =>
        api.panel().sent.find((m): m is Extract<HostMessage, { type: 'jobDetail' }> => (m as HostMessage).type === 'jobDetail' && (m as Extract<HostMessage, { type: 'jobDetail' }>).job.id === jobId),
      );
      assert.deepEqual(detail.job.batch && { provider: detail.job.batch.provider, batchId: detail.job.batch.batchId }, { provider: 'Anthropic', batchId: batch.id });
      const listed = [...api.panel().sent].reverse().find((m) => (m as HostMessage).type === 'jobs') as Extract<HostMessage, { type: 'jobs' }> | undefined;
      assert.equal(listed?.jobs.find((j) => j.id === jobId)?.batch?.batchId, batch.id, 'the job list shows it as queued at the provider');

      assert.equal(await vscode.commands.executeCommand<boolean>('deepReview.cancelBatchJob', jobId), true);
      assert.notEqual(server.batches.get(batch.id)!.state, 'in_progress', 'cancelled at the provider');
      // A poll the cancel kicked may already be under way with the old status: check until it ends.
      let status: string | undefined;
      for (let i = 0; i < 50 && status !== 'cancelled'; i++) {
        await vscode.commands.executeCommand<number>('deepReview.checkBatchJobs');
        status = (await vscode.commands.executeCommand<Probe>('deepReview.internal.batchJobsProbe')).jobs.find((j) => j.jobId === jobId)?.status;
        if (status !== 'cancelled') await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(status, 'cancelled');
    } finally {
      await vscode.commands.executeCommand('deepReview.internal.answerPrompts');
      await server.close();
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.commands.executeCommand('deepReview.clearApiKey', { provider: 'anthropic' });
      await configure(Object.fromEntries(SETTINGS.map((k) => [k, undefined])));
    }
  });
});
