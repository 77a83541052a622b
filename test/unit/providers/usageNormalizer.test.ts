import * as assert from 'node:assert/strict';
import { addUsage, normalizeUsage, outputWithReasoning } from '../../../src/core/providers/usageNormalizer';
import { estimateTokens } from '../../../src/core/routing/tokens';

const texts = { promptText: 'p'.repeat(400), reasoningText: 'r'.repeat(80), answerText: 'a'.repeat(40) };

describe('usage normalization', () => {
  it('takes complete provider counts as they are', () => {
    assert.deepEqual(normalizeUsage({ reported: { inputTokens: 1000, cachedInputTokens: 200, outputTokens: 300, reasoningTokens: 120 }, complete: true, ...texts }), { inputTokens: 1000, cachedInputTokens: 200, outputTokens: 300, reasoningTokens: 120, estimated: false });
  });

  it('estimates a missing reasoning count from the reasoning text, never above the output', () => {
    assert.deepEqual(normalizeUsage({ reported: { inputTokens: 1000, outputTokens: 300 }, complete: true, ...texts }), { inputTokens: 1000, cachedInputTokens: 0, outputTokens: 300, reasoningTokens: 20, estimated: true });
    assert.equal(normalizeUsage({ reported: { inputTokens: 1000, outputTokens: 5 }, complete: true, ...texts }).reasoningTokens, 5);
  });

  it('for a cut stream uses what the provider reported and estimates the rest from what arrived', () => {
    const usage = normalizeUsage({ reported: { inputTokens: 900, cachedInputTokens: 100, outputTokens: 1 }, complete: false, ...texts });
    assert.deepEqual(usage, { inputTokens: 900, cachedInputTokens: 100, outputTokens: estimateTokens(texts.reasoningText + texts.answerText), reasoningTokens: 20, estimated: true });
    const nothing = normalizeUsage({ reported: {}, complete: false, ...texts });
    assert.equal(nothing.inputTokens, 100);
    assert.equal(nothing.estimated, true);
  });

  it('keeps the provider’s own cost', () => {
    assert.equal(normalizeUsage({ reported: { inputTokens: 1, outputTokens: 1, costUsd: 0.0042 }, complete: true, ...texts }).providerCostUsd, 0.0042);
  });

  it('counts reasoning reported beside the output count into the output, detected from the totals', () => {
    // xAI style: total = prompt + completion + reasoning.
    assert.equal(outputWithReasoning(1200, 400, 500, 2100), 900);
    // OpenAI style: reasoning inside completion, total = prompt + completion.
    assert.equal(outputWithReasoning(1200, 900, 500, 2100), 900);
    // No total, but more reasoning than output: it cannot be inside.
    assert.equal(outputWithReasoning(undefined, 40, 500, undefined), 540);
    assert.equal(outputWithReasoning(10, 40, undefined, 50), 40);
    assert.equal(outputWithReasoning(10, undefined, 5, 50), undefined);
  });

  it('adds attempts together, cost included', () => {
    const a = { inputTokens: 10, cachedInputTokens: 1, outputTokens: 5, reasoningTokens: 2, estimated: true, providerCostUsd: 0.5 };
    const b = { inputTokens: 20, cachedInputTokens: 2, outputTokens: 6, reasoningTokens: 3, estimated: false };
    assert.deepEqual(addUsage(a, b), { inputTokens: 30, cachedInputTokens: 3, outputTokens: 11, reasoningTokens: 5, estimated: true, providerCostUsd: 0.5 });
    assert.equal(addUsage(undefined, b), b);
  });
});
