// Load: many jobs at once through ReviewEngine with a streaming fake model. Nothing here asserts
// on timing; the fake model's random delays only shuffle the order in which jobs finish.
import * as assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ModelCall, ModelClient, ModelEvent } from '../../src/core/modelClient';
import { ModelError } from '../../src/core/modelError';
import { resolveTierSpecs } from '../../src/core/routing/modelSettings';
import type { ReviewRequestInput } from '../../src/core/requests/request';
import { ReviewEngine, type EngineSettings } from '../../src/core/reviewEngine';
import { MemoryTextStore } from '../../src/core/storage';
import { rng } from '../support/seededRandom';

const CONCURRENCY = 4;
const CODE = ['function average(values) {', '  let total = 0;', '  for (let i = 0; i <= values.length; i++) total += values[i];', '  return total / values.length;', '}'].join('\n');

function request(instruction: string): ReviewRequestInput {
  return { kind: 'review', instruction, target: { type: 'selection', filePath: 'src/avg.js', languageId: 'javascript', startLine: 1, endLine: 5, code: CODE } };
}

/** The tag a request carries in its instruction ("task #12"), echoed back by the model. */
const tagOf = (text: string) => /task #([\w-]+)/.exec(text)?.[1] ?? '?';

function settings(): EngineSettings {
  return {
    routing: { mode: 'alwaysReasoning', maxWaitSeconds: 3600, tiers: resolveTierSpecs({ provider: 'anthropic', models: {}, effort: 'medium', maxThinkingTokens: 4096 }) },
    budget: { dailyUsd: 0, monthlyUsd: 0, confirmAboveUsd: 0 },
    priceOverrides: {},
    concurrency: CONCURRENCY,
    cacheMaxBytes: 50_000_000,
    redactSecrets: true,
  };
}


/**
 * Streams reasoning and an answer in a few deltas with small random pauses (0–3 ms timers or
 * an immediate), echoing the request's tag, and counts how many calls are in flight at once.
 */
class StreamingModel implements ModelClient {
  calls = 0;
  inFlight = 0;
  maxInFlight = 0;
  /** Largest number of jobs the engine reported as running while a call was streaming. */
  maxRunningSeen = 0;
  readonly callsByTag = new Map<string, number>();
  engine: ReviewEngine | undefined;
  private readonly rand = rng(12345);

  async *stream(call: ModelCall): AsyncIterable<ModelEvent> {
    this.calls++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const tag = tagOf(call.prompt);
    this.callsByTag.set(tag, (this.callsByTag.get(tag) ?? 0) + 1);
    try {
      this.maxRunningSeen = Math.max(this.maxRunningSeen, this.engine?.jobs.runningCount ?? 0);
      for (const text of ['Reading the loop. ', `Task ${tag}: `, 'the bound is off by one. ']) {
        await this.pause(call);
        yield { type: 'reasoning-delta', text };
      }
      const answer = JSON.stringify({
        summary: `summary for task #${tag}`,
        findings: [{ title: `Loop bound (${tag})`, severity: 'high', confidence: 0.9, startLine: 3, endLine: 3, explanation: 'i <= length reads past the end' }],
        answer: `Answer for task #${tag}: use \`<\`.`,
      });
      const third = Math.ceil(answer.length / 3);
      for (let i = 0; i < 3; i++) {
        await this.pause(call);
        yield { type: 'answer-delta', text: answer.slice(i * third, (i + 1) * third) };
      }
      yield { type: 'usage', usage: { inputTokens: 500, cachedInputTokens: 0, outputTokens: 120, reasoningTokens: 40, estimated: false } };
      yield { type: 'finish', reason: 'stop' };
    } finally {
      this.inFlight--;
    }
  }

  private async pause(call: ModelCall): Promise<void> {
    const r = this.rand();
    await new Promise<void>((resolve) => (r < 0.25 ? setImmediate(resolve) : setTimeout(resolve, Math.floor(r * 4))));
    if (call.signal.aborted) throw new ModelError('cancelled', 'Cancelled.');
  }
}

async function openEngine() {
  const model = new StreamingModel();
  const warnings: string[] = [];
  const store = new MemoryTextStore();
  const engine = await ReviewEngine.open({ store, settings, warn: (w) => warnings.push(w), clientFor: () => model });
  model.engine = engine;
  return { engine, model, store, warnings };
}

/** A way to collect garbage: --expose-gc when given, otherwise enabled at run time. */
function findGc(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

describe('Load: ReviewEngine under many concurrent jobs', function () {
  this.timeout(60_000);

  it(`runs 200 jobs submitted at once with concurrency ${CONCURRENCY}: all succeed, none lost, never more than ${CONCURRENCY} in flight`, async () => {
    const { engine, model, store, warnings } = await openEngine();
    const n = 200;
    const started = await Promise.all(Array.from({ length: n }, (_, i) => engine.review(request(`task #${i}: check the loop`), CODE)));
    const ids = started.map((s) => s.jobId);
    assert.equal(new Set(ids).size, n, 'every job has its own id');
    assert.ok(started.every((s) => !s.joined && !s.fromCache));
    assert.ok(engine.jobs.runningCount <= CONCURRENCY);

    const done = await Promise.all(ids.map((id) => engine.jobs.whenDone(id)));
    assert.deepEqual(
      done.filter((j) => j.status !== 'succeeded').map((j) => `${j.id}: ${j.status} ${j.error?.message ?? ''}`),
      [],
    );
    // No stream was mixed into another job: each answer echoes its own request's tag.
    for (const job of done) {
      const tag = tagOf(job.request.instruction ?? '');
      assert.equal(job.result?.summary, `summary for task #${tag}`);
      assert.equal(job.reasoning, `Reading the loop. Task ${tag}: the bound is off by one. `);
      assert.equal(job.result?.findings[0]?.title, `Loop bound (${tag})`);
    }

    assert.equal(model.calls, n);
    assert.ok(model.maxInFlight <= CONCURRENCY, `${model.maxInFlight} model calls in flight at once`);
    assert.equal(model.maxInFlight, CONCURRENCY, 'the queue used all its slots');
    assert.ok(model.maxRunningSeen <= CONCURRENCY, `${model.maxRunningSeen} jobs running at once`);
    await new Promise((r) => setImmediate(r)); // p-limit frees the last slot a few microtasks after the job finished
    assert.equal(engine.jobs.activeCount, 0);
    assert.equal(engine.jobs.runningCount, 0);

    // None lost: in the job list, in the ledger (once each), in the cache.
    const listed = new Set(engine.jobs.list().map((j) => j.id));
    assert.deepEqual(
      ids.filter((id) => !listed.has(id)),
      [],
    );
    const ledgerIds = engine.ledger.records().map((r) => r.jobId);
    assert.equal(ledgerIds.length, n);
    assert.deepEqual(new Set(ledgerIds), new Set(ids));
    assert.ok(engine.ledger.records().every((r) => r.outcome === 'succeeded' && !r.cached));
    assert.equal(engine.ledger.totals().session.jobs, n);
    assert.equal(engine.cache.size, n);

    // The persisted history is bounded (newest 100), all of them finished.
    await engine.flush();
    await engine.jobs.compact();
    const persisted = [...store.files.keys()].filter((k) => k.startsWith('job-')).map((k) => (JSON.parse(store.files.get(k)!) as { job: { id: string; status: string } }).job);
    assert.equal(persisted.length, 100);
    assert.ok(persisted.every((j) => j.status === 'succeeded' && listed.has(j.id)));
    // One reservation and one job line per job.
    assert.equal(store.files.get('ledger.jsonl')?.trim().split('\n').filter((l) => l.startsWith('{"type":"job"')).length, n);
    assert.deepEqual(warnings, []);
  });

  it('keeps memory bounded: a second batch of 200 jobs does not grow the heap by more than a generous bound', async () => {
    const gc = findGc();
    const { engine } = await openEngine();
    const batch = async (from: number) => {
      const started = await Promise.all(Array.from({ length: 200 }, (_, i) => engine.review(request(`task #${from + i}: check the loop`), CODE)));
      const done = await Promise.all(started.map((s) => engine.jobs.whenDone(s.jobId)));
      assert.ok(done.every((j) => j.status === 'succeeded'));
      await engine.flush();
    };
    const heap = () => {
      if (gc) {
        gc();
        gc();
      }
      return process.memoryUsage().heapUsed;
    };
    await batch(0); // warm-up: code paths compiled, caches sized
    const before = heap();
    await batch(200);
    const after = heap();
    const growthMb = (after - before) / (1024 * 1024);
    // The job manager keeps at most twice its history limit (100) in memory, oldest finished jobs
    // dropped first; ledger lines and cache entries stay (a few KB each). Without a GC the heap
    // also holds garbage, hence the wider bound.
    const boundMb = gc ? 32 : 256;
    assert.ok(growthMb < boundMb, `heap grew ${growthMb.toFixed(1)} MB over 200 jobs (bound ${boundMb} MB, gc ${gc ? 'available' : 'unavailable'})`);
    assert.ok(engine.jobs.list().length <= 200, `${engine.jobs.list().length} jobs kept in memory`);
    assert.equal(new Set(engine.ledger.records().map((r) => r.jobId)).size, 400, 'every job is in the ledger');
  });

  it('makes exactly one provider call for 20 identical concurrent requests, even while the queue is busy', async () => {
    const { engine, model } = await openEngine();
    const background = await Promise.all(Array.from({ length: 40 }, (_, i) => engine.review(request(`task #bg${i}: check the loop`), CODE)));
    const same = await Promise.all(Array.from({ length: 20 }, () => engine.review(request('task #same: check the loop'), CODE)));
    const ids = new Set(same.map((s) => s.jobId));
    assert.equal(ids.size, 1, 'all 20 share one job');
    assert.equal(same.filter((s) => s.joined).length, 19);
    const [id] = [...ids];
    const job = await engine.jobs.whenDone(id!);
    assert.equal(job.status, 'succeeded');
    await Promise.all(background.map((s) => engine.jobs.whenDone(s.jobId)));
    assert.equal(model.callsByTag.get('same'), 1);
    assert.equal(model.calls, 41);

    // Asked again afterwards, it comes from the cache: still one call.
    const later = await Promise.all(Array.from({ length: 20 }, () => engine.review(request('task #same: check the loop'), CODE)));
    assert.ok(later.every((s) => s.fromCache));
    assert.equal(model.callsByTag.get('same'), 1);
    assert.equal(engine.ledger.records().filter((r) => r.jobId === id).length, 1, 'the joined job is billed once');
  });

  it('cancels queued and running jobs under load without losing or double-running any', async () => {
    const { engine, model } = await openEngine();
    const started = await Promise.all(Array.from({ length: 100 }, (_, i) => engine.review(request(`task #${i}: check the loop`), CODE)));
    const ids = started.map((s) => s.jobId);
    // Cancel every other queued job, and whatever is running right now.
    const cancelledQueued = ids.filter((id, i) => i % 2 === 1 && engine.jobs.get(id)?.status === 'queued');
    const cancelledRunning = ids.filter((id) => engine.jobs.get(id)?.status === 'running');
    for (const id of [...cancelledQueued, ...cancelledRunning]) assert.equal(engine.cancel(id), true);
    const done = await Promise.all(ids.map((id) => engine.jobs.whenDone(id)));
    const byStatus = (s: string) => done.filter((j) => j.status === s).map((j) => j.id);
    assert.deepEqual(byStatus('failed'), []);
    for (const id of [...cancelledQueued, ...cancelledRunning]) assert.equal(engine.jobs.get(id)?.status, 'cancelled');
    assert.equal(byStatus('succeeded').length + byStatus('cancelled').length, 100);
    assert.ok(cancelledQueued.length >= 40, `only ${cancelledQueued.length} jobs were still queued`);
    // A job cancelled while queued never reached the model; each other job reached it once.
    assert.equal(model.calls, 100 - cancelledQueued.length);
    for (const [tag, calls] of model.callsByTag) assert.equal(calls, 1, `task ${tag} called ${calls} times`);
    assert.ok(model.maxInFlight <= CONCURRENCY);
    await new Promise((r) => setImmediate(r));
    assert.equal(engine.jobs.activeCount, 0);
  });
});
