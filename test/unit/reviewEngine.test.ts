import * as assert from 'node:assert/strict';
import type { ModelCall, ModelClient, ModelEvent, ModelSpec } from '../../src/core/modelClient';
import { ModelError } from '../../src/core/modelError';
import { resolveTierSpecs } from '../../src/core/routing/modelSettings';
import { BudgetRefusedError, ReviewEngine, type EngineSettings } from '../../src/core/reviewEngine';
import type { ReviewRequestInput } from '../../src/core/requests/request';
import { MemoryTextStore } from '../../src/core/storage';

const CODE = ['function average(values) {', '  let total = 0;', '  for (let i = 0; i <= values.length; i++) total += values[i];', '  return total / values.length;', '}'].join('\n');

const ANSWER = JSON.stringify({
  summary: 'Off-by-one read past the end of the array.',
  findings: [{ title: 'Loop reads values[length]', severity: 'high', confidence: 0.92, startLine: 3, endLine: 3, explanation: 'i <= length', suggestedFix: '  for (let i = 0; i < values.length; i++) total += values[i];' }],
  answer: 'Use `<` instead of `<=`.',
});

function request(overrides: Partial<ReviewRequestInput> = {}): ReviewRequestInput {
  return { kind: 'review', target: { type: 'selection', filePath: 'src/avg.js', languageId: 'javascript', startLine: 1, endLine: 5, code: CODE }, ...overrides };
}

/** A scripted model: streams reasoning then the answer, and counts calls. */
class FakeModel implements ModelClient {
  calls: ModelCall[] = [];
  gate: Promise<void> | undefined;
  failWith: ModelError | undefined;
  answer = ANSWER;

  async *stream(call: ModelCall): AsyncIterable<ModelEvent> {
    this.calls.push(call);
    yield { type: 'reasoning-delta', text: 'Check the loop bound. ' };
    if (this.gate) await this.gate;
    if (call.signal.aborted) throw new ModelError('cancelled', 'Cancelled.');
    if (this.failWith) {
      yield { type: 'usage', usage: { inputTokens: 100, cachedInputTokens: 0, outputTokens: 10, reasoningTokens: 10, estimated: true } };
      throw this.failWith;
    }
    yield { type: 'answer-delta', text: this.answer.slice(0, 20) };
    yield { type: 'answer-delta', text: this.answer.slice(20) };
    yield { type: 'usage', usage: { inputTokens: 1000, cachedInputTokens: 200, outputTokens: 600, reasoningTokens: 400, estimated: false } };
    yield { type: 'finish', reason: 'stop' };
  }
}

function settings(overrides: Partial<EngineSettings> = {}): EngineSettings {
  return {
    routing: { mode: 'alwaysReasoning', maxWaitSeconds: 3600, tiers: resolveTierSpecs({ provider: 'anthropic', models: {}, effort: 'medium', maxThinkingTokens: 4096 }) },
    budget: { dailyUsd: 5, monthlyUsd: 50, confirmAboveUsd: 0 },
    priceOverrides: {},
    concurrency: 2,
    cacheMaxBytes: 10_000_000,
    redactSecrets: true,
    ...overrides,
  };
}

async function open(model: FakeModel, store = new MemoryTextStore(), s: () => EngineSettings = () => settings()) {
  const warnings: string[] = [];
  const engine = await ReviewEngine.open({ store, settings: s, warn: (w) => warnings.push(w), clientFor: (_spec: ModelSpec) => model });
  return { engine, store, warnings };
}

describe('ReviewEngine', () => {
  it('runs a review end to end: reasoning, findings, cost in the ledger, analysis cached', async () => {
    const model = new FakeModel();
    const { engine } = await open(model);
    const { jobId, fromCache } = await engine.review(request(), CODE);
    assert.equal(fromCache, false);
    const job = await engine.jobs.whenDone(jobId);
    assert.equal(job.status, 'succeeded');
    assert.equal(job.reasoning, 'Check the loop bound. ');
    assert.equal(job.result?.findings[0]?.title, 'Loop reads values[length]');
    assert.equal(job.route.tier, 'reasoning');
    assert.equal(job.route.model, 'claude-sonnet-4-5');
    // claude-sonnet-4-5: $3 in, $0.30 cached, $15 out per million
    const expected = (800 * 3 + 200 * 0.3 + 600 * 15) / 1e6;
    assert.ok(Math.abs((job.costUsd ?? 0) - expected) < 1e-9, `cost ${job.costUsd} != ${expected}`);
    const totals = engine.ledger.totals().today;
    assert.equal(totals.reasoningTokens, 400);
    assert.equal(totals.answerTokens, 200);
    assert.equal(engine.cache.size, 1);
    assert.equal(model.calls[0]?.spec.maxThinkingTokens, 4096);
    assert.match(model.calls[0]?.prompt ?? '', /i <= values\.length/);
  });

  it('answers the same question again from the cache without calling the model', async () => {
    const model = new FakeModel();
    const { engine } = await open(model);
    await engine.jobs.whenDone((await engine.review(request(), CODE)).jobId);
    const again = await engine.review(request(), CODE);
    assert.equal(again.fromCache, true);
    const job = await engine.jobs.whenDone(again.jobId);
    assert.equal(job.fromCache, true);
    assert.equal(job.costUsd, 0);
    assert.equal(job.result?.findings.length, 1);
    assert.equal(model.calls.length, 1);
    assert.equal(engine.fileStatus('src/avg.js', CODE).state, 'fresh');
    assert.equal(engine.fileStatus('src/avg.js', `${CODE}\n// edited`).state, 'stale');
    assert.equal(engine.isStale(again.jobId, `${CODE}\n// edited`), true);
  });

  it('refuses a request over budget before any model call', async () => {
    const model = new FakeModel();
    const { engine } = await open(model, new MemoryTextStore(), () => settings({ budget: { dailyUsd: 0.001, monthlyUsd: 0, confirmAboveUsd: 0 } }));
    const plan = await engine.plan(request(), CODE);
    assert.equal(plan.budget.allowed, false);
    assert.throws(() => engine.start(plan), (err: unknown) => err instanceof BudgetRefusedError && /daily/i.test(err.message));
    await assert.rejects(engine.review(request(), CODE), BudgetRefusedError);
    assert.equal(model.calls.length, 0);
    assert.equal(engine.jobs.list().length, 0);
  });

  it('makes one model call for 20 identical concurrent submissions', async () => {
    const model = new FakeModel();
    let release!: () => void;
    model.gate = new Promise((r) => (release = r));
    const { engine } = await open(model);
    const started = await Promise.all(Array.from({ length: 20 }, () => engine.review(request(), CODE)));
    const ids = new Set(started.map((s) => s.jobId));
    assert.equal(ids.size, 1);
    assert.equal(started.filter((s) => s.joined).length, 19);
    release();
    await engine.jobs.whenDone([...ids][0]!);
    assert.equal(model.calls.length, 1);
  });

  it('never caches a failed or cancelled job, and a failed one costs only what was reported', async () => {
    const model = new FakeModel();
    model.failWith = new ModelError('overloaded', 'Anthropic is overloaded (529). Try again in a minute.');
    const { engine } = await open(model);
    const failed = await engine.jobs.whenDone((await engine.review(request(), CODE)).jobId);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.kind, 'overloaded');
    assert.equal(failed.reasoning, 'Check the loop bound. ', 'reasoning received before the failure stays visible');
    assert.equal(engine.cache.size, 0);
    const record = engine.ledger.records().find((r) => r.jobId === failed.id);
    assert.equal(record?.outcome, 'failed');
    assert.equal(record?.outputTokens, 10);

    model.failWith = undefined;
    let release!: () => void;
    model.gate = new Promise((r) => (release = r));
    const { jobId } = await engine.review(request({ instruction: 'again' }), CODE);
    await new Promise((r) => setImmediate(r));
    engine.cancel(jobId);
    release();
    const cancelled = await engine.jobs.whenDone(jobId);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(engine.cache.size, 0);
  });

  it('brings a job running at a crash back as interrupted, and can re-run it', async () => {
    const model = new FakeModel();
    model.gate = new Promise(() => undefined); // never finishes: the process "dies"
    const first = await open(model);
    const { jobId } = await first.engine.review(request(), CODE);
    await new Promise((r) => setImmediate(r));
    await first.engine.flush();
    const model2 = new FakeModel();
    const second = await open(model2, first.store);
    const job = second.engine.jobs.get(jobId);
    assert.equal(job?.status, 'interrupted');
    const plan = await second.engine.planRerun(jobId, CODE);
    const rerun = await second.engine.jobs.whenDone(second.engine.start(plan).jobId);
    assert.equal(rerun.status, 'succeeded');
    assert.equal(rerun.parentJobId, jobId);
  });

  it('keeps malformed model output as text with a warning instead of failing', async () => {
    const model = new FakeModel();
    model.answer = 'I think the loop is wrong but here is no JSON {oops';
    const { engine } = await open(model);
    const job = await engine.jobs.whenDone((await engine.review(request(), CODE)).jobId);
    assert.equal(job.status, 'succeeded');
    assert.equal(job.structured, false);
    assert.equal(job.result?.findings.length, 0);
    assert.match(job.result?.answer ?? '', /loop is wrong/);
    assert.ok(job.warnings.some((w) => /could not be read/.test(w)));
  });

  it('redacts secrets from the code before it is sent and says so', async () => {
    const model = new FakeModel();
    const { engine } = await open(model);
    const code = `const key = "AKIAIOSFODNN7EXAMPLE";\n${CODE}`;
    const plan = await engine.plan(request({ target: { type: 'selection', filePath: 'src/avg.js', languageId: 'javascript', startLine: 1, endLine: 6, code } }), code);
    assert.ok(plan.notices.some((n) => /AWS/i.test(n)), plan.notices.join());
    assert.doesNotMatch(plan.prompt.prompt, /AKIAIOSFODNN7EXAMPLE/);
  });

  it('escalates a capable-tier answer to the reasoning tier', async () => {
    const model = new FakeModel();
    const { engine } = await open(model, new MemoryTextStore(), () => settings({ routing: { ...settings().routing, mode: 'neverReasoning' } }));
    const first = await engine.jobs.whenDone((await engine.review(request({ kind: 'debug', instruction: 'why does this deadlock? analyze step by step' }), CODE)).jobId);
    assert.notEqual(first.route.tier, 'reasoning');
    const plan = await engine.planEscalation(first.id, CODE);
    assert.equal(plan.route.tier, 'reasoning');
    assert.equal(plan.parentJobId, first.id);
  });
});

describe('ReviewEngine budgets and cancellation across jobs', () => {
  it('counts jobs in flight against the budget at their worst case', async () => {
    const model = new FakeModel();
    let release!: () => void;
    model.gate = new Promise((r) => (release = r));
    const { engine } = await open(model);
    const first = await engine.plan(request({ instruction: 'one' }), CODE);
    const worst = first.budget.worstCase.usd ?? 0;
    assert.ok(worst > 0);
    // A daily budget that fits one worst case but not two.
    const tight = await ReviewEngine.open({ store: new MemoryTextStore(), settings: () => settings({ budget: { dailyUsd: worst * 1.5, monthlyUsd: 0, confirmAboveUsd: 0 } }), warn: () => undefined, clientFor: () => model });
    const a = tight.start(await tight.plan(request({ instruction: 'one' }), CODE));
    const second = await tight.plan(request({ instruction: 'two' }), CODE);
    assert.equal(second.budget.allowed, false, 'the running job reserves its worst case');
    release();
    await tight.jobs.whenDone(a.jobId);
    const third = await tight.plan(request({ instruction: 'two' }), CODE);
    assert.equal(third.budget.allowed, true, 'the reservation is released when the job ends (its real cost is lower)');
  });

  it('treats a stream that ends quietly after cancel as cancelled, and caches nothing', async () => {
    class QuietOnCancel implements ModelClient {
      async *stream(call: ModelCall): AsyncIterable<ModelEvent> {
        yield { type: 'answer-delta', text: '{"summary": "partial' };
        await new Promise<void>((r) => call.signal.addEventListener('abort', () => r()));
        yield { type: 'finish', reason: 'stop' };
      }
    }
    const engine = await ReviewEngine.open({ store: new MemoryTextStore(), settings: () => settings(), warn: () => undefined, clientFor: () => new QuietOnCancel() });
    const { jobId } = await engine.review(request(), CODE);
    await new Promise((r) => setImmediate(r));
    engine.cancel(jobId);
    const job = await engine.jobs.whenDone(jobId);
    assert.equal(job.status, 'cancelled');
    assert.equal(engine.cache.size, 0);
  });
});
