import * as assert from 'node:assert/strict';
import type { LanguageModelUsage } from 'ai';
import { addUsage, normalizeUsage } from '../../../src/core/providers/usageNormalizer';
import { estimateTokens } from '../../../src/core/tokens';

function sdkUsage(input: number | undefined, cached: number | undefined, output: number | undefined, reasoning: number | undefined): LanguageModelUsage {
  return {
    inputTokens: input,
    inputTokenDetails: { noCacheTokens: undefined, cacheReadTokens: cached, cacheWriteTokens: undefined },
    outputTokens: output,
    outputTokenDetails: { textTokens: undefined, reasoningTokens: reasoning },
    totalTokens: undefined,
  };
}

const texts = { promptText: 'p'.repeat(400), reasoningText: 'r'.repeat(80), answerText: 'a'.repeat(40) };

describe('usage normalization', () => {
  it('takes complete provider counts as they are', () => {
    assert.deepEqual(normalizeUsage({ final: sdkUsage(1000, 200, 300, 120), reported: {}, ...texts }), { inputTokens: 1000, cachedInputTokens: 200, outputTokens: 300, reasoningTokens: 120, estimated: false });
  });

  it('estimates a missing reasoning count from the reasoning text, never above the output', () => {
    assert.deepEqual(normalizeUsage({ final: sdkUsage(1000, undefined, 300, undefined), reported: {}, ...texts }), { inputTokens: 1000, cachedInputTokens: 0, outputTokens: 300, reasoningTokens: 20, estimated: true });
    assert.equal(normalizeUsage({ final: sdkUsage(1000, undefined, 5, undefined), reported: {}, ...texts }).reasoningTokens, 5);
  });

  it('for a cut stream uses what the provider reported and estimates the rest from what arrived', () => {
    const usage = normalizeUsage({ final: undefined, reported: { inputTokens: 900, cachedInputTokens: 100, outputTokens: 1 }, ...texts });
    assert.deepEqual(usage, { inputTokens: 900, cachedInputTokens: 100, outputTokens: estimateTokens(texts.reasoningText + texts.answerText), reasoningTokens: 20, estimated: true });
    const nothing = normalizeUsage({ final: undefined, reported: {}, ...texts });
    assert.equal(nothing.inputTokens, 100);
    assert.equal(nothing.estimated, true);
  });

  it('adds attempts together, cost included', () => {
    const a = { inputTokens: 10, cachedInputTokens: 1, outputTokens: 5, reasoningTokens: 2, estimated: true, providerCostUsd: 0.5 };
    const b = { inputTokens: 20, cachedInputTokens: 2, outputTokens: 6, reasoningTokens: 3, estimated: false };
    assert.deepEqual(addUsage(a, b), { inputTokens: 30, cachedInputTokens: 3, outputTokens: 11, reasoningTokens: 5, estimated: true, providerCostUsd: 0.5 });
    assert.equal(addUsage(undefined, b), b);
  });
});
