// Two processes asking the same question at the same moment pay once: the second waits for the
// first's answer (a claim file per question). Claims of killed processes are taken over.
import * as assert from 'node:assert/strict';
import { hostname } from 'node:os';
import type { ModelCall, ModelClient, ModelEvent } from '../../../src/core/modelClient';
import { MemoryTextStore } from '../../../src/core/storage';
import { ANSWER, CODE, ScriptedModel, openEngine, request } from '../../support/crashChild';

/** Streams ANSWER once the test opens the gate. */
class GatedModel implements ModelClient {
  calls = 0;
  private open!: () => void;
  readonly gate = new Promise<void>((r) => (this.open = r));
  private markStarted!: () => void;
  readonly started = new Promise<void>((r) => (this.markStarted = r));

  release(): void {
    this.open();
  }

  async *stream(_call: ModelCall): AsyncIterable<ModelEvent> {
    this.calls++;
    this.markStarted();
    await this.gate;
    yield { type: 'answer-delta', text: ANSWER };
    yield { type: 'usage', usage: { inputTokens: 100, cachedInputTokens: 0, outputTokens: 50, reasoningTokens: 0, estimated: false } };
    yield { type: 'finish', reason: 'stop' };
  }
}

const until = async (cond: () => boolean) => {
  for (let i = 0; !cond(); i++) {
    if (i > 1000) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('Answer claims across processes', () => {
  it('the second of two engines asking the same question waits for the first answer: one provider call', async () => {
    const store = new MemoryTextStore();
    const first = new GatedModel();
    const second = new GatedModel();
    const a = await openEngine(store, first);
    const b = await openEngine(store, second);
    const ja = await a.engine.review(request('same question'), CODE);
    await first.started;
    const jb = await b.engine.review(request('same question'), CODE);
    assert.equal(jb.fromCache, false, 'not cached yet when planned');
    await until(() => b.engine.jobs.get(jb.jobId)?.status === 'running');
    assert.equal(second.calls, 0, 'waits instead of asking');
    first.release();
    const [da, db] = await Promise.all([a.engine.jobs.whenDone(ja.jobId), b.engine.jobs.whenDone(jb.jobId)]);
    assert.equal(da.status, 'succeeded');
    assert.equal(db.status, 'succeeded');
    assert.equal(db.fromCache, true);
    assert.deepEqual(db.result, da.result);
    assert.ok(db.warnings.some((w) => /waited for that answer/.test(w)), db.warnings.join('\n'));
    assert.equal(first.calls + second.calls, 1);
    await b.engine.flush();
    assert.equal(b.engine.ledger.records().find((r) => r.jobId === jb.jobId)?.cached, true, 'billed as a cache hit');
    assert.deepEqual([...store.files.keys()].filter((k) => k.startsWith('inflight-')), [], 'claims are released');
  });

  it('a claim left by a killed process is taken over at once, and swept at open', async () => {
    const store = new MemoryTextStore();
    const seed = await openEngine(store, new ScriptedModel());
    const plan = await seed.engine.plan(request('orphaned'), CODE);
    const dead = JSON.stringify({ pid: 2 ** 22 + 99, host: hostname(), at: Date.now() });
    store.files.set(`inflight-${plan.cacheKey}.json`, dead);
    const model = new ScriptedModel();
    const { engine } = await openEngine(store, model);
    const job = await engine.jobs.whenDone((await engine.review(request('orphaned'), CODE)).jobId);
    assert.equal(job.status, 'succeeded');
    assert.equal(model.calls.length, 1, 'asked the model itself');

    store.files.set(`inflight-${'ab'.repeat(32)}.json`, dead);
    store.files.set(`inflight-${'cd'.repeat(32)}.json`, JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now() }));
    await openEngine(store, new ScriptedModel());
    await until(() => !store.files.has(`inflight-${'ab'.repeat(32)}.json`));
    assert.equal(store.files.has(`inflight-${'cd'.repeat(32)}.json`), true, 'a live claim stays');
  });

  it('a job waiting for another process can be cancelled, without a model call', async () => {
    const store = new MemoryTextStore();
    const first = new GatedModel();
    const a = await openEngine(store, first);
    const ja = await a.engine.review(request('slow question'), CODE);
    await first.started;
    const model = new ScriptedModel();
    const b = await openEngine(store, model);
    const jb = await b.engine.review(request('slow question'), CODE);
    await until(() => b.engine.jobs.get(jb.jobId)?.status === 'running');
    assert.equal(b.engine.cancel(jb.jobId), true);
    assert.equal((await b.engine.jobs.whenDone(jb.jobId)).status, 'cancelled');
    assert.equal(model.calls.length, 0);
    first.release();
    assert.equal((await a.engine.jobs.whenDone(ja.jobId)).status, 'succeeded');
  });
});
