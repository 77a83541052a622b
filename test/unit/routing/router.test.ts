import * as assert from 'node:assert/strict';
import type { ComplexityAssessment, ComplexityTier } from '../../../src/core/routing/complexity';
import type { ModelSpec } from '../../../src/core/modelClient';
import type { ReviewRequest } from '../../../src/core/requests/request';
import { EXTENDED_THINKING_NOTE, escalateRoute, routeRequest, type RoutingConfig, type RoutingMode } from '../../../src/core/routing/router';
import { WaitEstimator, type WaitEstimate } from '../../../src/core/routing/waitEstimate';

const fast: ModelSpec = { provider: 'openai', model: 'gpt-5-nano', reasoning: false, effort: 'low', maxThinkingTokens: 0, maxAnswerTokens: 2_048 };
const capable: ModelSpec = { provider: 'openai', model: 'gpt-5-mini', reasoning: false, effort: 'medium', maxThinkingTokens: 0, maxAnswerTokens: 4_096 };
const reasoning: ModelSpec = { provider: 'anthropic', model: 'claude-sonnet-4-5', reasoning: true, effort: 'medium', maxThinkingTokens: 8_192, maxAnswerTokens: 4_096 };

function config(mode: RoutingMode = 'auto', maxWaitSeconds = 90): RoutingConfig {
  return { mode, maxWaitSeconds, tiers: { fast, capable, reasoning } };
}

function request(options: ReviewRequest['options'] = {}, instruction?: string): ReviewRequest {
  return {
    kind: 'review',
    target: { type: 'selection', filePath: 'src/a.ts', languageId: 'typescript', startLine: 1, endLine: 1, code: 'x'.repeat(400), contextBefore: 'y'.repeat(200), contextAfter: '' },
    instruction,
    options,
  };
}

function assessed(tier: ComplexityTier): ComplexityAssessment {
  return { tier, score: { simple: 0, medium: 3, complex: 7 }[tier], reasons: [`${tier} because of a test`] };
}

/** A fixed wait per model, recording what it was asked. */
function waits(secondsByModel: Record<string, number>): { estimateWait: (spec: ModelSpec, inputTokens: number) => WaitEstimate; asked: { spec: ModelSpec; inputTokens: number }[] } {
  const asked: { spec: ModelSpec; inputTokens: number }[] = [];
  const estimateWait = (spec: ModelSpec, inputTokens: number): WaitEstimate => {
    asked.push({ spec, inputTokens });
    const s = secondsByModel[spec.model] ?? 5;
    return { lowSeconds: s / 2, highSeconds: s * 2, expectedSeconds: s, basis: 'default', samples: 0, reason: `${spec.model} is slow` };
  };
  return { estimateWait, asked };
}

const quick = waits({ 'claude-sonnet-4-5': 40 }).estimateWait;

describe('router', () => {
  describe('auto mode', () => {
    for (const [complexity, tier, model] of [
      ['simple', 'fast', fast],
      ['medium', 'capable', capable],
      ['complex', 'reasoning', reasoning],
    ] as const) {
      it(`routes ${complexity} requests to the ${tier} model`, () => {
        const d = routeRequest(request(), assessed(complexity), config(), quick);
        assert.equal(d.tier, tier);
        assert.deepEqual(d.model, model);
        assert.equal(d.note, undefined);
        assert.equal(d.reasons[0], `${complexity} request (score ${assessed(complexity).score}) → ${tier} model`);
        assert.ok(d.reasons.includes(`${complexity} because of a test`));
      });
    }

    it('offers the next tier up, and nothing above reasoning', () => {
      assert.deepEqual(routeRequest(request(), assessed('simple'), config(), quick).escalation, { tier: 'capable', model: capable, label: 'Re-run with the capable model' });
      assert.deepEqual(routeRequest(request(), assessed('medium'), config(), quick).escalation, { tier: 'reasoning', model: reasoning, label: 'Re-run with Extended Thinking' });
      assert.equal(routeRequest(request(), assessed('complex'), config(), quick).escalation, undefined);
    });

    it('estimates the wait of the chosen model from code, context and instruction', () => {
      const { estimateWait, asked } = waits({ 'claude-sonnet-4-5': 40 });
      const d = routeRequest(request({}, 'z'.repeat(100)), assessed('complex'), config(), estimateWait);
      assert.equal(d.expectedWait.expectedSeconds, 40);
      // 400 code + 200 context + 100 instruction characters, with separators, at 4 per token.
      assert.equal(asked[0]?.inputTokens, Math.ceil((400 + 200 + 100 + 3) / 4));
      assert.equal(d.inputTokens, asked[0]?.inputTokens);
    });
  });

  describe('when the user cannot wait for the reasoning model', () => {
    const slow = waits({ 'claude-sonnet-4-5': 150, 'gpt-5-mini': 6 }).estimateWait;

    it('answers with the capable model, notes extended thinking and offers it', () => {
      const d = routeRequest(request(), assessed('complex'), config('auto', 90), slow);
      assert.equal(d.tier, 'capable');
      assert.deepEqual(d.model, capable);
      assert.equal(d.note, EXTENDED_THINKING_NOTE);
      assert.deepEqual(d.escalation, { tier: 'reasoning', model: reasoning, label: 'Re-run with Extended Thinking' });
      assert.equal(d.expectedWait.expectedSeconds, 6);
      assert.match(d.reasons[0] ?? '', /^the reasoning model would take 1–5 min \(claude-sonnet-4-5 is slow\), longer than your limit of 90 s/);
      assert.ok(d.reasons.includes('complex because of a test'));
    });

    it('compares the expected wait, not the pessimistic high end, with the limit', () => {
      // Expected 60 s (high end 120 s) fits a 90 s limit.
      const d = routeRequest(request(), assessed('complex'), config('auto', 90), waits({ 'claude-sonnet-4-5': 60 }).estimateWait);
      assert.equal(d.tier, 'reasoning');
    });

    it('does not fall back when the tier was forced or reasoning is always on', () => {
      assert.equal(routeRequest(request({ forcedTier: 'reasoning' }), assessed('complex'), config('auto', 10), slow).tier, 'reasoning');
      const always = routeRequest(request(), assessed('simple'), config('alwaysReasoning', 10), slow);
      assert.equal(always.tier, 'reasoning');
      assert.equal(always.note, undefined);
    });

    it('falls back with the real estimator when the thinking budget is huge', () => {
      const estimator = new WaitEstimator();
      const wait = (spec: ModelSpec, tokens: number): WaitEstimate => estimator.estimate(spec, tokens);
      assert.equal(routeRequest(request(), assessed('complex'), config('auto', 90), wait).tier, 'reasoning');
      const big = routeRequest(request({ maxThinkingTokens: 64_000, effort: 'high' }), assessed('complex'), config('auto', 90), wait);
      assert.equal(big.tier, 'capable');
      assert.equal(big.note, EXTENDED_THINKING_NOTE);
      assert.equal(big.escalation?.model.maxThinkingTokens, 64_000);
    });
  });

  describe('routing modes', () => {
    it('alwaysReasoning sends everything to the reasoning model and says so', () => {
      for (const tier of ['simple', 'medium', 'complex'] as const) {
        const d = routeRequest(request(), assessed(tier), config('alwaysReasoning'), quick);
        assert.equal(d.tier, 'reasoning');
        assert.equal(d.reasons[0], 'routing mode is "always reasoning"');
        assert.ok(d.reasons.includes(`assessed as ${tier} (score ${assessed(tier).score})`));
      }
    });

    it('neverReasoning answers complex requests with the capable model and offers reasoning', () => {
      const d = routeRequest(request(), assessed('complex'), config('neverReasoning'), quick);
      assert.equal(d.tier, 'capable');
      assert.equal(d.note, EXTENDED_THINKING_NOTE);
      assert.equal(d.escalation?.tier, 'reasoning');
      assert.equal(d.escalation?.label, 'Re-run with Extended Thinking');
      assert.match(d.reasons[0] ?? '', /never reasoning/);
    });

    it('neverReasoning leaves simple and medium requests as in auto mode', () => {
      assert.equal(routeRequest(request(), assessed('simple'), config('neverReasoning'), quick).tier, 'fast');
      const medium = routeRequest(request(), assessed('medium'), config('neverReasoning'), quick);
      assert.equal(medium.tier, 'capable');
      assert.equal(medium.note, undefined);
    });
  });

  describe('forced tier and overrides', () => {
    it('a forced tier wins over mode and complexity', () => {
      const d = routeRequest(request({ forcedTier: 'reasoning' }), assessed('simple'), config('neverReasoning'), quick);
      assert.equal(d.tier, 'reasoning');
      assert.equal(d.reasons[0], 'you chose the reasoning tier');
      const down = routeRequest(request({ forcedTier: 'fast' }), assessed('complex'), config('alwaysReasoning'), quick);
      assert.equal(down.tier, 'fast');
      assert.equal(down.reasons[0], 'you chose the fast tier');
    });

    it('the request’s thinking budget and effort override the chosen model’s', () => {
      const d = routeRequest(request({ maxThinkingTokens: 2_048, effort: 'high' }), assessed('complex'), config(), quick);
      assert.equal(d.model.maxThinkingTokens, 2_048);
      assert.equal(d.model.effort, 'high');
      assert.equal(d.model.model, reasoning.model);
      // The configured spec itself is untouched.
      assert.equal(reasoning.maxThinkingTokens, 8_192);
    });

    it('estimates the wait with the overridden budget', () => {
      const { estimateWait, asked } = waits({});
      routeRequest(request({ maxThinkingTokens: 1_024 }), assessed('complex'), config(), estimateWait);
      assert.ok(asked.length > 0);
      assert.ok(asked.every((a) => a.spec.maxThinkingTokens === 1_024));
    });
  });

  describe('escalateRoute', () => {
    it('re-runs on the reasoning tier with the same input and overrides, without falling back', () => {
      const slow = waits({ 'claude-sonnet-4-5': 500, 'gpt-5-mini': 6 });
      const first = routeRequest(request({ effort: 'low' }), assessed('complex'), config('auto', 90), slow.estimateWait);
      assert.equal(first.tier, 'capable');
      const again = escalateRoute(first, config('auto', 90), slow.estimateWait);
      assert.equal(again.tier, 'reasoning');
      assert.equal(again.model.effort, 'low');
      assert.equal(again.model.model, reasoning.model);
      assert.equal(again.note, undefined);
      assert.equal(again.escalation, undefined);
      assert.equal(again.expectedWait.expectedSeconds, 500);
      assert.equal(slow.asked[slow.asked.length - 1]?.inputTokens, first.inputTokens);
      assert.equal(again.reasons[0], 'you chose the reasoning tier (extended thinking)');
      assert.deepEqual(again.complexity, first.complexity);
    });
  });
});
