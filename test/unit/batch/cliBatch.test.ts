// The CLI's batch mode end to end: the built dist/cli.js in a child process against the local
// batch server. `review --batch` submits and exits 0 at once; `jobs` lists it as submitted;
// `result` exits 3 while pending, then prints the job in the `review` shape at half price;
// `result --wait` polls until the batch ends.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../support/runCli';
import { BatchServer } from '../../support/batchServer';
import { CODE, KEY } from './batchHarness';
import { formatUsd } from '../../../src/core/cost/money';

const REVIEW_KEYS = ['answer', 'cached', 'cost', 'durationMs', 'findings', 'jobId', 'reasoning', 'route', 'status', 'summary', 'usage', 'warnings'].sort();
// 1M input + 200k output tokens (the batch server's default answer) at the list price, halved.
const HALF_PRICE = { anthropic: (1 * 3 + 0.2 * 15) / 2, openai: (1 * 1.25 + 0.2 * 10) / 2 };

describe('deep-review CLI batch mode (end to end, local batch server)', function () {
  this.timeout(60_000);
  let server: BatchServer;
  let work: string;

  before(async () => {
    server = await BatchServer.start();
    work = mkdtempSync(join(tmpdir(), 'deep-review-cli-batch-'));
    writeFileSync(join(work, 'average.ts'), CODE);
  });
  after(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  for (const provider of ['anthropic', 'openai'] as const) {
    it(`${provider}: submits and exits, lists, reports pending with exit 3, then prints the result at half price`, async () => {
      const home = join(work, `home-${provider}`);
      const env = { DEEP_REVIEW_HOME: home, [provider === 'anthropic' ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY']: KEY };
      const submit = await runCli(['review', 'average.ts:1-7', '--batch', '--provider', provider, '--tier', 'reasoning', '--base-url', server.apiBase, '--format', 'json'], env, work);
      assert.equal(submit.code, 0, submit.stderr);
      const out = JSON.parse(submit.stdout) as { jobId: string; status: string; batchId: string };
      assert.equal(out.status, 'submitted');
      assert.ok(server.batches.has(out.batchId), 'the batch id is the provider’s');
      assert.equal(server.batches.get(out.batchId)!.state, 'in_progress', 'the CLI did not wait for the batch');

      const jobs = await runCli(['jobs', '--format', 'json'], env, work);
      assert.equal(jobs.code, 0, jobs.stderr);
      const listed = (JSON.parse(jobs.stdout) as { jobId: string; status: string }[]).find((j) => j.jobId === out.jobId);
      assert.equal(listed?.status, 'submitted');

      const pending = await runCli(['result', out.jobId, '--format', 'json'], env, work);
      assert.equal(pending.code, 3, pending.stderr);
      assert.deepEqual((JSON.parse(pending.stdout) as { status: string; jobId: string }).status, 'submitted');

      server.complete(out.batchId);
      const done = await runCli(['result', out.jobId, '--format', 'json'], env, work);
      assert.equal(done.code, 0, done.stderr);
      const job = JSON.parse(done.stdout) as Record<string, unknown> & { status: string; cost: { usd: number }; findings: { title: string }[]; reasoning: string };
      assert.deepEqual(Object.keys(job).sort(), REVIEW_KEYS, 'the same shape as a review result');
      assert.equal(job.status, 'succeeded');
      assert.equal(job.findings[0]?.title, 'Loop reads values[values.length]');
      assert.match(job.reasoning, /loop bound is inclusive/);
      assert.ok(Math.abs(job.cost.usd - HALF_PRICE[provider]) < 1e-9, `cost ${job.cost.usd}`);

      const again = await runCli(['jobs', '--format', 'json'], env, work);
      assert.equal((JSON.parse(again.stdout) as { jobId: string; status: string }[]).find((j) => j.jobId === out.jobId)?.status, 'succeeded');
      const cost = await runCli(['cost'], env, work);
      assert.match(cost.stdout, new RegExp(`^Today\\s+${formatUsd(HALF_PRICE[provider]).replace(/[$.]/g, '\\$&')}\\s`, 'm'), 'the ledger counts the batch price');
      for (const file of readdirSync(home)) assert.doesNotMatch(readFileSync(join(home, file), 'utf8'), new RegExp(KEY), `${file} holds the key`);
    });
  }

  it('result --wait polls until the batch ends', async () => {
    const env = { DEEP_REVIEW_HOME: join(work, 'home-wait'), ANTHROPIC_API_KEY: KEY, DEEP_REVIEW_BATCH_POLL_MS: '20' };
    const submit = await runCli(['review', 'average.ts', '--batch', '--provider', 'anthropic', '--base-url', server.apiBase, '--format', 'json', '--instruction', 'wait for me'], env, work);
    assert.equal(submit.code, 0, submit.stderr);
    const { jobId, batchId } = JSON.parse(submit.stdout) as { jobId: string; batchId: string };
    server.completeAfterPolls = server.batches.get(batchId)!.polls + 3;
    const waited = await runCli(['result', jobId, '--wait', '--format', 'json'], env, work);
    server.completeAfterPolls = undefined;
    assert.equal(waited.code, 0, waited.stderr);
    assert.equal((JSON.parse(waited.stdout) as { status: string }).status, 'succeeded');
    assert.ok(server.batches.get(batchId)!.polls >= 3);
  });

  it('refuses --batch for a provider without a batch API (exit 2), and an unknown job (exit 1)', async () => {
    const env = { DEEP_REVIEW_HOME: join(work, 'home-errors'), DEEPSEEK_API_KEY: KEY };
    const r = await runCli(['review', 'average.ts', '--batch', '--provider', 'deepseek', '--base-url', server.baseUrl, '--format', 'json'], env, work);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--batch needs a provider with a batch API/);
    const missing = await runCli(['result', 'j-nope', '--format', 'json'], env, work);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No job j-nope/);
  });
});
