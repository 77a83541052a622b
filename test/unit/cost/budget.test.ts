import * as assert from 'node:assert/strict';
import { checkBudget, worstCaseCost, type BudgetLimits, type WorstCase } from '../../../src/core/cost/budget';
import type { ModelSpec } from '../../../src/core/modelClient';

const spec: ModelSpec = { provider: 'anthropic', model: 'claude-sonnet-4-5', reasoning: true, effort: 'medium', maxThinkingTokens: 8_000, maxAnswerTokens: 2_000 };
const limits: BudgetLimits = { dailyUsd: 5, monthlyUsd: 50, confirmAboveUsd: 0.5 };

function worst(usd: number | null): WorstCase {
  return { inputTokens: 1_000, maxOutputTokens: 10_000, usd };
}

describe('budget', () => {
  describe('worstCaseCost', () => {
    it('prices the estimated input plus all thinking and answer tokens at the output price', () => {
      const w = worstCaseCost('x'.repeat(4_000), spec);
      assert.equal(w.inputTokens, 1_000);
      assert.equal(w.maxOutputTokens, 10_000);
      // 1k input at $3 + 10k output at $15 per million.
      assert.ok(w.usd !== null && Math.abs(w.usd - 0.153) < 1e-12, String(w.usd));
    });

    it('uses overrides and gives null for an unknown model', () => {
      const local = { ...spec, provider: 'ollama' as const, model: 'qwen3:8b' };
      assert.equal(worstCaseCost('abc', local).usd, null);
      assert.equal(worstCaseCost('abc', local, { 'qwen3:8b': { input: 0, output: 0 } }).usd, 0);
    });
  });

  describe('checkBudget', () => {
    it('allows a request that fits, without asking when below the threshold', () => {
      const d = checkBudget(worst(0.2), { todayUsd: 1, monthUsd: 10 }, limits);
      assert.equal(d.allowed, true);
      assert.ok(d.allowed && !d.needsConfirmation);
      assert.equal(d.message, undefined);
    });

    it('refuses when the daily limit would be exceeded, saying how much and how to raise it', () => {
      const d = checkBudget(worst(0.3), { todayUsd: 4.8, monthUsd: 10 }, limits);
      assert.equal(d.allowed, false);
      assert.ok(!d.allowed);
      assert.equal(d.limit, 'daily');
      assert.match(d.message, /\$0\.30/);
      assert.match(d.message, /\$4\.80 already spent today/);
      assert.match(d.message, /daily limit of \$5\.00/);
      assert.match(d.message, /\$0\.20 left/);
      assert.match(d.message, /deepReview\.budget\.dailyUsd/);
      assert.doesNotMatch(d.message, /--budget-usd/, 'VS Code messages name settings, the CLI its flags');
      assert.doesNotMatch(d.message, /monthlyUsd/);
    });

    it('refuses when the monthly limit would be exceeded', () => {
      const d = checkBudget(worst(0.3), { todayUsd: 0, monthUsd: 49.9 }, limits);
      assert.ok(!d.allowed);
      assert.equal(d.limit, 'monthly');
      assert.match(d.message, /monthly limit of \$50\.00/);
      assert.match(d.message, /deepReview\.budget\.monthlyUsd/);
    });

    it('names both limits when both would be exceeded', () => {
      const d = checkBudget(worst(1), { todayUsd: 4.5, monthUsd: 49.5 }, limits);
      assert.ok(!d.allowed);
      assert.equal(d.limit, 'daily');
      assert.match(d.message, /dailyUsd/);
      assert.match(d.message, /monthlyUsd/);
    });

    it('allows spending up to exactly the limit despite float rounding', () => {
      const d = checkBudget(worst(0.3), { todayUsd: 0.1 + 0.2 + 4.4, monthUsd: 0 }, { ...limits, dailyUsd: 5 });
      assert.equal(d.allowed, true);
      assert.equal(checkBudget(worst(0.3001), { todayUsd: 4.7, monthUsd: 0 }, limits).allowed, false);
    });

    it('treats 0 as no limit', () => {
      const d = checkBudget(worst(100), { todayUsd: 1_000, monthUsd: 10_000 }, { dailyUsd: 0, monthlyUsd: 0, confirmAboveUsd: 0 });
      assert.ok(d.allowed && !d.needsConfirmation);
    });

    it('asks for confirmation above the threshold, and never when it is 0', () => {
      const asked = checkBudget(worst(0.6), { todayUsd: 0, monthUsd: 0 }, limits);
      assert.ok(asked.allowed && asked.needsConfirmation);
      assert.match(asked.message ?? '', /\$0\.60/);
      const atThreshold = checkBudget(worst(0.5), { todayUsd: 0, monthUsd: 0 }, limits);
      assert.ok(atThreshold.allowed && !atThreshold.needsConfirmation);
      const never = checkBudget(worst(3), { todayUsd: 0, monthUsd: 0 }, { ...limits, confirmAboveUsd: 0 });
      assert.ok(never.allowed && !never.needsConfirmation);
    });

    it('refuses rather than asks when a limit would be exceeded', () => {
      const d = checkBudget(worst(6), { todayUsd: 0, monthUsd: 0 }, limits);
      assert.equal(d.allowed, false);
    });

    it('allows an unknown price without asking, but says the cost cannot be checked', () => {
      const d = checkBudget(worst(null), { todayUsd: 100, monthUsd: 100 }, limits);
      assert.ok(d.allowed);
      assert.equal(d.needsConfirmation, false);
      assert.match(d.message ?? '', /can't be checked/);
      assert.match(d.message ?? '', /deepReview\.prices\.overrides/);
    });
  });
});
