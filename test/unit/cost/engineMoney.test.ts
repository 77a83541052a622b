// The engine's side of "every cent counted": reservations written before sending and replaced
// by the final usage, the budget re-checked atomically at send time against every process's
// ledger, untrusted usage charged the worst case, unpriced jobs kept unknown (never $0).
import * as assert from 'node:assert/strict';
import type { ModelCall, ModelClient, ModelEvent, ModelSpec, Usage } from '../../../src/core/modelClient';
import { resolveTierSpecs } from '../../../src/core/routing/modelSettings';
import { CostLedger } from '../../../src/core/cost/ledger';
import { ReviewEngine, type EngineSettings } from '../../../src/core/reviewEngine';
import type { ReviewRequestInput } from '../../../src/core/requests/request';
import { MemoryTextStore } from '../../../src/core/storage';

const CODE = ['function average(values) {', '  let total = 0;', '  for (let i = 0; i <= values.length; i++) total += values[i];', '  return total / values.length;', '}'].join('\n');
const ANSWER = JSON.stringify({ summary: 'Off-by-one.', findings: [{ title: 'Loop reads past the end', severity: 'high', confidence: 0.9, startLine: 3, endLine: 3, explanation: 'Use <.' }], answer: 'Use `<`.' });
const GOOD: Usage = { inputTokens: 1000, cachedInputTokens: 0, outputTokens: 600, reasoningTokens: 400, estimated: false };

function request(instruction = 'check'): ReviewRequestInput {
  return { kind: 'review', instruction, target: { type: 'selection', filePath: 'src/avg.js', languageId: 'javascript', startLine: 1, endLine: 5, code: CODE } };
}

/** Streams an answer with the given usage; holds before answering while `gate` is pending. */
class Model implements ModelClient {
  calls = 0;
  gate: Promise<void> | undefined;
  usage: Usage = GOOD;
  /** Resolves when a call is waiting at the gate. */
  waiting!: Promise<void>;
  private markWaiting!: () => void;
  constructor() {
    this.reset();
  }
  reset(): void {
    this.waiting = new Promise((r) => (this.markWaiting = r));
  }
  async *stream(call: ModelCall): AsyncIterable<ModelEvent> {
    this.calls += 1;
    yield { type: 'reasoning-delta', text: 'Looking. ' };
    if (this.gate) {
      this.markWaiting();
      await this.gate;
    }
    if (call.signal.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    yield { type: 'answer-delta', text: ANSWER };
    yield { type: 'usage', usage: this.usage };
    yield { type: 'finish', reason: 'stop' };
  }
}

function settings(model: string, overrides: Partial<EngineSettings> = {}): EngineSettings {
  return {
    routing: { mode: 'alwaysReasoning', maxWaitSeconds: 3600, tiers: resolveTierSpecs({ provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', models: { fast: model, capable: model, reasoning: model }, effort: 'medium', maxThinkingTokens: 4096 }) },
    budget: { dailyUsd: 0, monthlyUsd: 0, confirmAboveUsd: 0 },
    priceOverrides: {},
    concurrency: 2,
    cacheMaxBytes: 10_000_000,
    redactSecrets: true,
    ...overrides,
  };
}

async function open(model: Model, s: EngineSettings, store = new MemoryTextStore()) {
  const warnings: string[] = [];
  const engine = await ReviewEngine.open({ store, settings: () => s, warn: (w) => warnings.push(w), clientFor: (_spec: ModelSpec) => model });
  return { engine, store, warnings };
}

const PRICED = { 'house-model': { input: 3, output: 15 } };

describe('engine money: reservations, untrusted usage, unknown prices', () => {
  it('keeps an unpriced job unknown (null) in the job and the ledger, never $0', async () => {
    const { engine } = await open(new Model(), settings('house-model'));
    const job = await engine.jobs.whenDone((await engine.review(request(), CODE)).jobId);
    assert.equal(job.status, 'succeeded');
    assert.equal(job.costUsd, null);
    assert.equal(job.costSource, 'unknown');
    const record = engine.ledger.records().find((r) => r.jobId === job.id);
    assert.equal(record?.costUsd, null);
    const today = engine.ledger.totals().today;
    assert.deepEqual([today.usd, today.unknownCostJobs, today.jobs], [0, 1, 1]);
    assert.ok(job.warnings.some((w) => /no known price/.test(w)));
  });

  it('holds the worst case while the job runs, and replaces it with the final usage', async () => {
    const model = new Model();
    let open_ = () => undefined as void;
    model.gate = new Promise<void>((r) => (open_ = r));
    const { engine } = await open(model, settings('house-model', { priceOverrides: PRICED }));
    const started = await engine.review(request(), CODE);
    await model.waiting;
    const worst = started.plan.budget.worstCase.usd ?? 0;
    assert.ok(worst > 0);
    assert.ok(Math.abs(engine.ledger.spent().todayUsd - worst) < 1e-12, 'the reservation counts while the job runs');
    assert.equal(engine.ledger.totals().today.unfinishedJobs, 1);
    open_();
    const job = await engine.jobs.whenDone(started.jobId);
    assert.equal(job.costUsd, (1000 * 3 + 600 * 15) / 1e6);
    assert.ok(Math.abs(engine.ledger.spent().todayUsd - (job.costUsd ?? 0)) < 1e-12);
    assert.equal(engine.ledger.totals().today.unfinishedJobs, 0);
  });

  it('refuses at send time when another process reserved the budget since planning', async () => {
    const store = new MemoryTextStore();
    const model = new Model();
    const s = settings('house-model', { priceOverrides: PRICED });
    const { engine } = await open(model, s, store);
    const plan = await engine.plan(request(), CODE);
    const worst = plan.budget.worstCase.usd ?? 0;
    s.budget.dailyUsd = worst * 1.5;
    // Another process on the same folder reserves first.
    const other = await CostLedger.open(store);
    await other.reserve({ jobId: 'other-process-job', at: Date.now(), provider: 'openai-compatible', model: 'house-model', tier: 'reasoning', kind: 'review', inputTokens: 10, maxOutputTokens: 10, usd: worst }, () => ({ allowed: true }));
    const job = await engine.jobs.whenDone(engine.start(plan).jobId);
    assert.equal(job.status, 'failed');
    assert.equal(job.error?.kind, 'budget');
    assert.match(job.error?.message ?? '', /Refused before sending/);
    assert.equal(model.calls, 0, 'nothing was sent');
    assert.ok(!engine.ledger.records().some((r) => r.jobId === job.id), 'a refused job leaves no ledger line');
  });

  for (const [name, usage] of [
    ['negative', { ...GOOD, inputTokens: -1 }],
    ['fractional', { ...GOOD, outputTokens: 600.5 }],
    ['NaN', { ...GOOD, reasoningTokens: Number.NaN }],
    ['1e15', { ...GOOD, outputTokens: 1e15 }],
  ] as const) {
    it(`charges ${name} usage the worst case, marks it, and the ledger keeps it`, async () => {
      const model = new Model();
      model.usage = usage;
      const { engine, warnings } = await open(model, settings('house-model', { priceOverrides: PRICED }));
      const started = await engine.review(request(), CODE);
      const job = await engine.jobs.whenDone(started.jobId);
      assert.equal(job.status, 'succeeded');
      assert.equal(job.usageTrusted, false);
      assert.equal(job.costUsd, started.plan.budget.worstCase.usd);
      assert.ok(job.warnings.some((w) => /Usage not trusted/.test(w)));
      const record = engine.ledger.records().find((r) => r.jobId === job.id);
      assert.equal(record?.usageTrusted, false);
      assert.equal(record?.costUsd, job.costUsd);
      assert.equal(engine.ledger.totals().today.untrustedJobs, 1);
      assert.deepEqual(warnings, [], 'nothing failed to be written');
      // The job history can store what the job holds (no NaN, no negative counts).
      assert.ok(Number.isInteger(job.usage?.outputTokens) && (job.usage?.outputTokens ?? -1) >= 0);
    });
  }
});
