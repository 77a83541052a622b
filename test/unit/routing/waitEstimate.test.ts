import * as assert from 'node:assert/strict';
import type { ModelSpec } from '../../../src/core/modelClient';
import { formatWaitRange, WaitEstimator, type FinishedJobTiming, type WaitEstimate } from '../../../src/core/routing/waitEstimate';

const reasoningModel: ModelSpec = { provider: 'anthropic', model: 'claude-sonnet-4-5', reasoning: true, effort: 'medium', maxThinkingTokens: 8_192, maxAnswerTokens: 4_096 };
const capableModel: ModelSpec = { provider: 'openai', model: 'gpt-5-mini', reasoning: false, effort: 'medium', maxThinkingTokens: 0, maxAnswerTokens: 4_096 };

function job(spec: ModelSpec, seconds: number, inputTokens = 1_000): FinishedJobTiming {
  return { provider: spec.provider, model: spec.model, reasoning: spec.reasoning, inputTokens, maxThinkingTokens: spec.maxThinkingTokens, durationMs: seconds * 1000, effort: spec.effort };
}

function estimate(over: Partial<WaitEstimate>): WaitEstimate {
  return { lowSeconds: 1, highSeconds: 1, expectedSeconds: 1, basis: 'default', samples: 0, reason: '', ...over };
}

describe('waitEstimate', () => {
  describe('defaults before any history', () => {
    it('expects tens of seconds from a reasoning model and says why', () => {
      const e = new WaitEstimator().estimate(reasoningModel, 2_000);
      assert.equal(e.basis, 'default');
      assert.equal(e.samples, 0);
      assert.ok(e.expectedSeconds >= 20 && e.expectedSeconds <= 120, `expected ${e.expectedSeconds}`);
      assert.ok(e.lowSeconds < e.expectedSeconds && e.expectedSeconds < e.highSeconds);
      assert.equal(e.reason, 'reasoning models think before answering: up to 8,192 thinking tokens');
    });

    it('expects a few seconds from a model that answers directly', () => {
      const e = new WaitEstimator().estimate(capableModel, 2_000);
      assert.ok(e.expectedSeconds >= 1 && e.expectedSeconds <= 10, `expected ${e.expectedSeconds}`);
      assert.match(e.reason, /gpt-5-mini answers directly/);
    });

    it('waits longer for more effort, a bigger thinking budget and a bigger input', () => {
      const estimator = new WaitEstimator();
      const base = estimator.estimate(reasoningModel, 2_000).expectedSeconds;
      assert.ok(estimator.estimate({ ...reasoningModel, effort: 'high' }, 2_000).expectedSeconds > base);
      assert.ok(estimator.estimate({ ...reasoningModel, effort: 'low' }, 2_000).expectedSeconds < base);
      assert.ok(estimator.estimate({ ...reasoningModel, maxThinkingTokens: 32_000 }, 2_000).expectedSeconds > base);
      assert.ok(estimator.estimate(reasoningModel, 60_000).expectedSeconds > base);
    });

    it('still expects thinking from a reasoning model without a budget', () => {
      const e = new WaitEstimator().estimate({ ...reasoningModel, maxThinkingTokens: 0 }, 2_000);
      assert.ok(e.expectedSeconds > new WaitEstimator().estimate(capableModel, 2_000).expectedSeconds * 3);
      assert.equal(e.reason, 'reasoning models think before answering (medium effort)');
    });
  });

  describe('learning from finished jobs', () => {
    it('moves the estimate towards what jobs actually took', () => {
      const estimator = new WaitEstimator();
      const before = estimator.estimate(capableModel, 1_000).expectedSeconds;
      for (let i = 0; i < 12; i++) estimator.record(job(capableModel, 30));
      const after = estimator.estimate(capableModel, 1_000);
      assert.equal(after.basis, 'history');
      assert.equal(after.samples, 12);
      assert.equal(after.reason, 'based on 12 earlier jobs with gpt-5-mini');
      assert.ok(before < 10);
      assert.ok(after.expectedSeconds > 20 && after.expectedSeconds <= 30, `expected ${after.expectedSeconds}`);
      assert.ok(after.lowSeconds <= 30 && 30 <= after.highSeconds);
    });

    it('keeps models apart', () => {
      const estimator = new WaitEstimator([job(capableModel, 60), job(capableModel, 60), job(capableModel, 60)]);
      const other = estimator.estimate({ ...capableModel, model: 'gpt-5-nano' }, 1_000);
      assert.equal(other.basis, 'default');
      assert.equal(estimator.estimate({ ...capableModel, provider: 'openrouter' }, 1_000).basis, 'default');
    });

    it('is barely moved by one huge outlier', () => {
      const steady = Array.from({ length: 10 }, () => job(reasoningModel, 40));
      const without = new WaitEstimator(steady).estimate(reasoningModel, 1_000).expectedSeconds;
      const withOutlier = new WaitEstimator([...steady, job(reasoningModel, 3_600)]).estimate(reasoningModel, 1_000).expectedSeconds;
      assert.ok(Math.abs(withOutlier - without) / without < 0.1, `${without} → ${withOutlier}`);
    });

    it('rescales history to the request: more input or a bigger thinking budget take longer', () => {
      const estimator = new WaitEstimator(Array.from({ length: 5 }, () => job(reasoningModel, 40, 2_000)));
      const base = estimator.estimate(reasoningModel, 2_000).expectedSeconds;
      assert.ok(estimator.estimate(reasoningModel, 80_000).expectedSeconds > base);
      assert.ok(estimator.estimate({ ...reasoningModel, maxThinkingTokens: 32_000 }, 2_000).expectedSeconds > base * 2);
    });

    it('normalises samples taken with a different budget', () => {
      // Jobs with a 4k budget took 60 s: a request with the same budget expects about that, and
      // one with twice the budget is scaled up from there, not from the default.
      const smallBudget = { ...reasoningModel, maxThinkingTokens: 4_096 };
      const estimator = new WaitEstimator(Array.from({ length: 9 }, () => job(smallBudget, 60)));
      const same = estimator.estimate(smallBudget, 1_000).expectedSeconds;
      assert.ok(Math.abs(same - 60) / 60 < 0.1, `expected ${same}`);
      const doubled = estimator.estimate(reasoningModel, 1_000).expectedSeconds;
      assert.ok(doubled > same * 1.5 && doubled < same * 2.2, `expected ${doubled}`);
    });

    it('keeps only the most recent samples per model', () => {
      const estimator = new WaitEstimator([], 3);
      for (const seconds of [100, 100, 100, 5, 5, 5]) estimator.record(job(capableModel, seconds));
      estimator.record(job(reasoningModel, 50));
      const stored = estimator.samples();
      assert.equal(stored.length, 4);
      assert.deepEqual(
        stored.filter((s) => s.model === capableModel.model).map((s) => s.durationMs),
        [5_000, 5_000, 5_000],
      );
      assert.ok(estimator.estimate(capableModel, 1_000).expectedSeconds < 10);
    });

    it('ignores jobs without a usable duration and replays persisted samples', () => {
      const estimator = new WaitEstimator([job(capableModel, 0), { ...job(capableModel, 1), durationMs: Number.NaN }]);
      assert.equal(estimator.samples().length, 0);
      const restored = new WaitEstimator(new WaitEstimator([job(capableModel, 20), job(capableModel, 22)]).samples());
      assert.equal(restored.estimate(capableModel, 1_000).samples, 2);
    });
  });

  describe('formatWaitRange', () => {
    it('shows seconds, minutes, mixed ranges and single values', () => {
      assert.equal(formatWaitRange(estimate({ lowSeconds: 21, highSeconds: 44, expectedSeconds: 30 })), '20–45 s');
      assert.equal(formatWaitRange(estimate({ lowSeconds: 2.6, highSeconds: 3.4, expectedSeconds: 3 })), 'about 3 s');
      assert.equal(formatWaitRange(estimate({ lowSeconds: 2.4, highSeconds: 7.2, expectedSeconds: 4 })), '2–8 s');
      assert.equal(formatWaitRange(estimate({ lowSeconds: 70, highSeconds: 170, expectedSeconds: 100 })), '1–3 min');
      assert.equal(formatWaitRange(estimate({ lowSeconds: 34, highSeconds: 118, expectedSeconds: 56 })), '30 s–2 min');
      assert.equal(formatWaitRange(estimate({ lowSeconds: 200, highSeconds: 260, expectedSeconds: 230 })), 'about 4 min');
      assert.equal(formatWaitRange(estimate({ lowSeconds: 0.2, highSeconds: 0.9, expectedSeconds: 0.5 })), '1–2 s');
    });

    it('formats a default estimate', () => {
      assert.match(formatWaitRange(new WaitEstimator().estimate(reasoningModel, 2_000)), /^\d+ s–\d+ min$|^\d+–\d+ s$/);
    });
  });
});
