// The batch layer end to end against the local batch server, for Anthropic and OpenAI: submit,
// restart (a new engine and service reading the registry), poll, result, cancel, expiry, one
// request errored inside a batch, partial failure, cost at half price, the submission window.
import * as assert from 'node:assert/strict';
import { batchPriceFactor } from '../../../src/core/cost/prices';
import type { BatchProviderId } from '../../../src/core/batch/batchTypes';
import { costOfUsage } from '../../../src/core/cost/cost';
import { MemoryTextStore } from '../../../src/core/storage';
import { BatchServer, DEFAULT_ANSWER } from '../../support/batchServer';
import { CODE, KEY, openHarness, request, sleeps, submitNow, submitTogether } from './batchHarness';

const MODEL: Record<BatchProviderId, string> = { anthropic: 'claude-sonnet-4-5', openai: 'gpt-5' };

for (const provider of ['anthropic', 'openai'] as const) {
  describe(`batch jobs (${provider})`, () => {
    let server: BatchServer;
    beforeEach(async () => {
      server = await BatchServer.start();
    });
    afterEach(async () => {
      await server.close();
    });

    it('submits without streaming, survives a restart, and finishes with reasoning, findings and half-price cost', async () => {
      const store = new MemoryTextStore();
      const first = await openHarness(provider, server.apiBase, store);
      const submitted = await submitNow(first);
      assert.equal(submitted.status, 'submitted');
      const batch = server.onlyBatch();
      assert.equal(submitted.batchId, batch.id);
      assert.equal(batch.requests.length, 1);
      const sent = batch.requests[0]!;
      assert.equal(sent.customId, submitted.jobId, 'custom_id is the job id');
      assert.equal(sent.body.stream, undefined, 'a batch request never streams');
      assert.equal(sent.body.model, MODEL[provider]);
      if (provider === 'anthropic') {
        assert.deepEqual(sent.body.thinking, { type: 'enabled', budget_tokens: 4096 });
        assert.equal(sent.body.max_tokens, 4096 + 8192);
      } else {
        assert.deepEqual(sent.body.reasoning, { effort: 'medium', summary: 'auto' });
        assert.equal(sent.body.store, false);
      }
      // Keys: Anthropic's x-api-key, OpenAI's bearer; never anything else.
      const auth = server.seen.map((r) => (provider === 'anthropic' ? r.headers['x-api-key'] : r.headers.authorization));
      assert.ok(auth.every((a) => a === (provider === 'anthropic' ? KEY : `Bearer ${KEY}`)));
      assert.equal((await first.batches.get(submitted.jobId))?.state, 'pending');
      assert.equal(first.engine.jobs.get(submitted.jobId), undefined, 'a pending batch job is not in the streaming queue (which would mark it interrupted on restart)');

      // A new process: engine and service reopened over the same store.
      first.batches.dispose();
      const second = await openHarness(provider, server.apiBase, store);
      assert.ok(second.timers.pending.size > 0, 'polling resumes from the registry');
      const polls: number[] = [];
      second.batches.onDidPoll((pending) => polls.push(pending));
      assert.equal(await second.batches.pollNow(), 1, 'still in progress');
      assert.equal((await second.batches.get(submitted.jobId))?.providerStatus, 'in_progress', 'the provider status word is kept for the panel');
      server.complete(batch.id);
      assert.equal(await second.batches.pollNow(), 0);
      assert.deepEqual(polls, [1, 0], 'each poll tells the editor to refresh its list');

      const job = (await second.batches.get(submitted.jobId))!.job;
      assert.equal(job.status, 'succeeded');
      assert.equal(job.reasoning, (DEFAULT_ANSWER as { reasoning: string }).reasoning);
      assert.equal(job.result?.findings[0]?.title, 'Loop reads values[values.length]');
      assert.equal(job.usage?.inputTokens, 1_000_000);
      assert.equal(job.usage?.outputTokens, 200_000);
      assert.equal(job.usage?.reasoningTokens, 50_000);
      const list = costOfUsage(job.usage!, MODEL[provider]).usd!;
      assert.ok(Math.abs(job.costUsd! - list * batchPriceFactor('anthropic')!) < 1e-9, `cost ${job.costUsd} is half of ${list}`);
      assert.ok(job.warnings.some((w) => /Batch price \$[\d.]+ instead of \$[\d.]+ at the list price/.test(w)));
      // The finished job joins the history, the ledger and the cache like a streamed one.
      assert.equal(second.engine.jobs.get(submitted.jobId)?.status, 'succeeded');
      const ledger = second.engine.ledger.records().filter((r) => r.jobId === submitted.jobId);
      assert.equal(ledger.length, 1);
      assert.ok(Math.abs((ledger[0]!.costUsd ?? 0) - list / 2) < 1e-9);
      assert.equal(second.engine.cache.size, 1);
      assert.equal(second.timers.pending.size, 0, 'no polling once nothing is pending');
      // A third process does not finish (or bill) it again.
      const third = await openHarness(provider, server.apiBase, store);
      assert.equal(await third.batches.pollNow(), 0);
      assert.equal(third.engine.ledger.records().filter((r) => r.jobId === submitted.jobId).length, 1);
    });

    it('sends requests submitted within the window as one batch', async () => {
      const h = await openHarness(provider, server.apiBase);
      const a = h.batches.submit(await h.engine.plan(request('one'), CODE));
      const b = h.batches.submit(await h.engine.plan(request('two'), CODE));
      await new Promise((r) => setImmediate(r));
      assert.equal(server.batches.size, 0, 'nothing is sent before the window closes');
      h.timers.fireAll();
      const [ra, rb] = await Promise.all([a, b]);
      assert.equal(server.batches.size, 1);
      assert.equal(ra.batchId, rb.batchId);
      assert.equal(server.onlyBatch().requests.length, 2);
    });

    it('retries creating the batch when the provider is overloaded, and only then', async () => {
      const h = await openHarness(provider, server.apiBase);
      server.failCreates.push(529, 503);
      sleeps.length = 0;
      const s = await submitNow(h);
      assert.equal(s.status, 'submitted');
      assert.deepEqual(sleeps, [1000, 2000], 'backed off between attempts');
      assert.equal(server.batches.size, 1, 'one batch, not three');
      server.failCreates.push(529, 529, 529);
      const failed = await submitNow(h, 'again');
      assert.equal(failed.status, 'failed');
      assert.match(failed.error ?? '', /HTTP 529/);
      assert.equal(server.batches.size, 1);
    });

    it('cancels at the provider, and the job ends cancelled at no cost', async () => {
      const h = await openHarness(provider, server.apiBase);
      const s = await submitNow(h);
      assert.equal(await h.batches.cancel(s.jobId), true);
      assert.ok(server.seen.some((r) => r.method === 'POST' && r.path.endsWith(`/${s.batchId}/cancel`)));
      await h.batches.pollNow();
      const job = (await h.batches.get(s.jobId))!.job;
      assert.equal(job.status, 'cancelled');
      assert.equal(job.costUsd, 0);
      assert.match(job.error?.message ?? '', /Cancelled at (Anthropic|OpenAI) \(batch .+\) before it ran; nothing was charged/);
    });

    it('gives each job of an expired batch a clear message; what ran before expiry is kept', async () => {
      const h = await openHarness(provider, server.apiBase);
      const [ra, rb] = await submitTogether(h, ['one', 'two']);
      server.expire(ra.batchId!, 1);
      await h.batches.pollNow();
      const ja = (await h.batches.get(ra.jobId))!.job;
      const jb = (await h.batches.get(rb.jobId))!.job;
      assert.equal(ja.status, 'succeeded');
      assert.equal(jb.status, 'failed');
      assert.match(jb.error?.message ?? '', /^Expired: .+ did not run this request within the batch's 24-hour window .+Nothing was charged/);
      assert.equal(jb.costUsd, 0);
    });

    it('fails only the request that errored inside a batch, and says so on the others', async () => {
      const h = await openHarness(provider, server.apiBase);
      const [ra, rb] = await submitTogether(h, ['one', 'two']);
      server.respond = (r) => (r.customId === rb.jobId ? { type: 'errored', message: 'max_tokens: 999999 > 64000, which is the maximum allowed' } : DEFAULT_ANSWER);
      server.complete(ra.batchId!);
      await h.batches.pollNow();
      const ja = (await h.batches.get(ra.jobId))!.job;
      const jb = (await h.batches.get(rb.jobId))!.job;
      assert.equal(ja.status, 'succeeded');
      assert.ok(ja.warnings.some((w) => w.includes(`1 of 2 requests in batch ${ra.batchId} did not succeed; this one did.`)));
      assert.equal(jb.status, 'failed');
      assert.equal(jb.error?.kind, 'bad-request');
      assert.match(jb.error?.message ?? '', /could not run this request \(batch .+\): .*max_tokens: 999999 > 64000/);
      assert.equal(h.engine.ledger.records().length, 2, 'both jobs are in the ledger');
    });

    it('holds the worst case at the batch price against the budget until the job finishes', async () => {
      const probe = await openHarness(provider, server.apiBase);
      const listWorst = (await probe.engine.plan(request(), CODE)).budget.worstCase.usd!;
      // A daily limit the list-price worst case exceeds but the batch-price one fits, once.
      const daily = listWorst * 0.75;
      const h = await openHarness(provider, server.apiBase, new MemoryTextStore(), { budget: { dailyUsd: daily, monthlyUsd: 0, confirmAboveUsd: 0 } });
      const plan = await h.engine.plan(request('one'), CODE);
      assert.equal(plan.budget.allowed, false, 'streamed, it would be refused');
      const s = await h.batches.submit(plan, { immediate: true });
      assert.equal(s.status, 'submitted');
      assert.ok(Math.abs(h.engine.committedSpend().todayUsd - plan.budget.worstCase.usd! / 2) < 1e-9, 'the reservation is the batch-price worst case');
      await assert.rejects(h.batches.submit(await h.engine.plan(request('two'), CODE), { immediate: true }), /Refused before sending/);
      server.respond = () => ({ ...DEFAULT_ANSWER, inputTokens: 10, outputTokens: 10, reasoningTokens: 5 } as typeof DEFAULT_ANSWER);
      server.complete(s.batchId!);
      await h.batches.pollNow();
      const spent = h.engine.committedSpend().todayUsd;
      assert.ok(spent > 0 && spent < listWorst / 10, `released when it finished: only the real cost remains (${spent})`);
    });
  });
}

describe('batch jobs: whole-batch failures', () => {
  it('fails every job of an OpenAI batch that failed validation, with the provider’s reason', async () => {
    const server = await BatchServer.start();
    try {
      const h = await openHarness('openai', server.apiBase);
      const [ra, rb] = await submitTogether(h, ['one', 'two']);
      server.fail(ra.batchId!, 'invalid_json_line', 'This line is not parseable as valid JSON.');
      assert.equal(await h.batches.pollNow(), 0);
      for (const r of [ra, rb]) {
        const job = (await h.batches.get(r.jobId))!.job;
        assert.equal(job.status, 'failed');
        assert.equal(job.error?.message, `OpenAI rejected batch ${ra.batchId} as a whole: invalid_json_line: This line is not parseable as valid JSON. Nothing was charged; run the review again.`);
        assert.equal(job.costUsd, 0);
      }
    } finally {
      await server.close();
    }
  });
});

describe('batch jobs: submission failures', () => {
  it('fails the job with the provider’s message (key redacted) when the batch cannot be created', async () => {
    const server = await BatchServer.start();
    try {
      const h = await openHarness('anthropic', `${server.baseUrl}/nowhere`);
      const s = await submitNow(h);
      assert.equal(s.status, 'failed');
      assert.match(s.error ?? '', /Could not submit to Anthropic's batch API: .*HTTP 404/);
      assert.ok(!(s.error ?? '').includes(KEY));
      const job = (await h.batches.get(s.jobId))!.job;
      assert.equal(job.status, 'failed');
      assert.equal(h.timers.pending.size, 0, 'nothing pending, nothing polled');
    } finally {
      await server.close();
    }
  });
});

describe('batch jobs: batch ids are the provider’s, not global', () => {
  it('polls a pending batch where it was sent, though a finished job elsewhere had the same id', async () => {
    const [a, b] = [await BatchServer.start(), await BatchServer.start()];
    try {
      const store = new MemoryTextStore();
      const first = await openHarness('anthropic', a.apiBase, store);
      const old = await submitNow(first, 'one');
      a.complete(old.batchId!);
      assert.equal(await first.batches.pollNow(), 0);
      first.batches.dispose();
      const second = await openHarness('anthropic', b.apiBase, store);
      const fresh = await submitNow(second, 'two');
      assert.equal(fresh.batchId, old.batchId, 'both test servers number their batches alike');
      await a.close();
      b.complete(fresh.batchId!);
      assert.equal(await second.batches.pollNow(), 0);
      assert.equal((await second.batches.get(fresh.jobId))?.job.status, 'succeeded');
    } finally {
      await a.close().catch(() => undefined);
      await b.close();
    }
  });
});

describe('batch jobs: the same batch id at two servers', () => {
  it('polls and cancels each where it was sent', async () => {
    const [a, b] = [await BatchServer.start(), await BatchServer.start()];
    try {
      const store = new MemoryTextStore();
      const atA = await submitNow(await openHarness('openai', a.apiBase, store), 'one');
      const second = await openHarness('openai', b.apiBase, store);
      const atB = await submitNow(second, 'two');
      assert.equal(atA.batchId, atB.batchId, 'both test servers number their batches alike');
      assert.equal(await second.batches.cancel(atB.jobId), true);
      assert.equal(b.batches.get(atB.batchId!)!.state === 'in_progress', false, 'cancelled at its own server, though a job at the other still wants that id');
      assert.equal(a.batches.get(atA.batchId!)!.state, 'in_progress', 'the other server’s batch is untouched');
      a.complete(atA.batchId!);
      assert.equal(await second.batches.pollNow(), 0);
      assert.equal((await second.batches.get(atA.jobId))?.job.status, 'succeeded');
      assert.equal((await second.batches.get(atB.jobId))?.job.status, 'cancelled');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
