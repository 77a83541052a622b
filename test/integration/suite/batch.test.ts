// Run later at half price in the real VS Code host: "Review File (Run Later, Half Price)" sends
// the file to the (local) Anthropic batch API; the window reloads while the batch is pending;
// after the reload the job is still known (read from the registry on activation), the batch
// ends, and the job completes and notifies. Phase 1 leaves a marker with the batch server's
// port and state; the reloaded workbench re-runs the suite and phase 2 carries on (code-server
// only, where a reload re-runs the tests from the same URL).
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { BatchServer, DEFAULT_ANSWER } from '../../support/batchServer';
import type { HostMessage } from '../../../src/protocol/panelMessages';
import { activateExtension } from './helpers';

const SENTINEL_KEY = 'sk-ant-batch-integration-SENTINEL-4242';
const marker = process.env.DEEP_REVIEW_TEST_RESULTS ? `${process.env.DEEP_REVIEW_TEST_RESULTS}.batch-marker` : undefined;

interface Probe {
  notified: string[];
  jobs: { jobId: string; state: string; status: string; batchId: string | null }[];
}

const probe = () => vscode.commands.executeCommand<Probe>('deepReview.internal.batchJobsProbe');

async function configure(values: Record<string, unknown>): Promise<void> {
  const config = vscode.workspace.getConfiguration('deepReview');
  for (const [key, value] of Object.entries(values)) await config.update(key, value, vscode.ConfigurationTarget.Global);
}

function resetSettings(): Promise<void> {
  return configure({ provider: undefined, baseUrl: undefined, 'routing.mode': undefined, 'budget.dailyUsd': undefined, 'budget.monthlyUsd': undefined, 'budget.confirmAboveUsd': undefined });
}

function sampleUri(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the test workspace is not open');
  return vscode.Uri.joinPath(folder.uri, 'sample.ts');
}

describe('run later at half price across a window reload', function () {
  this.timeout(60_000);

  it('queues the review at the provider, survives the reload, then completes and notifies', async function () {
    if (!marker || vscode.env.uiKind !== vscode.UIKind.Web) this.skip();
    const { api } = await activateExtension();
    await api.ready();
    if (!existsSync(marker)) {
      const server = await BatchServer.start();
      await configure({ provider: 'anthropic', baseUrl: server.apiBase, 'routing.mode': 'alwaysReasoning', 'budget.dailyUsd': 0, 'budget.monthlyUsd': 0, 'budget.confirmAboveUsd': 0 });
      await vscode.commands.executeCommand('deepReview.setApiKey', { provider: 'anthropic', key: SENTINEL_KEY });
      await vscode.window.showTextDocument(sampleUri());
      const jobId = await vscode.commands.executeCommand<string>('deepReview.reviewFileLater', sampleUri());
      assert.equal(typeof jobId, 'string');
      const batch = server.onlyBatch();
      assert.equal(batch.requests[0]?.customId, jobId);
      assert.equal(batch.requests[0]?.body.stream, undefined);
      assert.equal(server.seen[0]?.headers['x-api-key'], SENTINEL_KEY);
      const queued = (await probe()).jobs.find((j) => j.jobId === jobId);
      assert.deepEqual(queued && { state: queued.state, batchId: queued.batchId }, { state: 'pending', batchId: batch.id });
      writeFileSync(marker, JSON.stringify({ port: Number(new URL(server.baseUrl).port), jobId, server: server.snapshot() }));
      // The reloaded run starts with the other suites: leave no settings behind for them. The
      // job keeps its base URL in the registry; only the key (a secret) must stay until phase 2.
      await resetSettings();
      await server.close();
      await new Promise((r) => setTimeout(r, 500));
      await vscode.commands.executeCommand('workbench.action.reloadWindow');
      await new Promise(() => undefined); // this extension host is going away
    }
    const saved = JSON.parse(readFileSync(marker, 'utf8')) as { port: number; jobId: string; server: string };
    rmSync(marker, { force: true });
    const server = await BatchServer.start(saved.port);
    try {
      server.restore(saved.server);
      server.respond = () => ({ ...DEFAULT_ANSWER, inputTokens: 2000, outputTokens: 1000, reasoningTokens: 300 }) as typeof DEFAULT_ANSWER;
      const before = (await probe()).jobs.find((j) => j.jobId === saved.jobId);
      assert.equal(before?.state, 'pending', 'the job survived the reload (read back from the registry)');
      const batchId = before.batchId!;
      // The results panel lists it after the reload as queued at the provider, with its batch id.
      await vscode.commands.executeCommand('deepReview.showResults', saved.jobId);
      const shown = await waitForAsync(async () => api.panel().sent.find((m): m is Extract<HostMessage, { type: 'jobDetail' }> => (m as HostMessage).type === 'jobDetail' && (m as Extract<HostMessage, { type: 'jobDetail' }>).job.id === saved.jobId));
      assert.equal(shown.job.batch?.batchId, batchId, 'the panel shows the batch id after the reload');
      assert.equal(await vscode.commands.executeCommand<number>('deepReview.checkBatchJobs'), 1, 'still running at the provider');
      server.complete(batchId);
      assert.equal(await vscode.commands.executeCommand<number>('deepReview.checkBatchJobs'), 0);
      const after = await waitForAsync(async () => {
        const p = await probe();
        return p.notified.includes(saved.jobId) ? p : undefined;
      });
      assert.equal(after.jobs.find((j) => j.jobId === saved.jobId)?.status, 'succeeded');
      const engine = await api.ready();
      const job = engine.jobs.get(saved.jobId);
      assert.equal(job?.status, 'succeeded', 'the finished job joined the history the panel shows');
      assert.equal(job?.result?.findings[0]?.title, 'Loop reads values[values.length]');
      // Sonnet 4.5 at half price: (2000 × $3 + 1000 × $15) / 1M / 2.
      assert.ok(Math.abs((job?.costUsd ?? 0) - (2000 * 3 + 1000 * 15) / 1e6 / 2) < 1e-9, `cost ${job?.costUsd}`);
    } finally {
      await server.close();
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.commands.executeCommand('deepReview.clearCache');
      await vscode.commands.executeCommand('deepReview.clearApiKey', { provider: 'anthropic' });
      await resetSettings();
    }
  });
});

async function waitForAsync<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for the batch job to notify');
    await new Promise((r) => setTimeout(r, 50));
  }
}
