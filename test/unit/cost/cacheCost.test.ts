// Cache reads and writes priced at their own rates, and the list price they are compared with.
import * as assert from 'node:assert/strict';
import { costOfUsage, listCostOfUsage } from '../../../src/core/cost/cost';
import { findPrice, PRICE_TABLE } from '../../../src/core/cost/prices';
import type { Usage } from '../../../src/core/modelClient';

function usage(partial: Partial<Usage>): Usage {
  return { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0, estimated: false, ...partial };
}

function close(actual: number | null, expected: number): void {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `expected ${expected}, got ${actual}`);
}

describe('prompt cache pricing', () => {
  it('prices Anthropic cache writes at 1.25× input and reads at 0.1× input', () => {
    // claude-sonnet-4-5: $3 in, reads $0.30, writes $3.75, $15 out. 10k input: 6k read, 3k written, 1k plain.
    const u = usage({ inputTokens: 10_000, cachedInputTokens: 6_000, cacheWriteTokens: 3_000, outputTokens: 1_000 });
    const c = costOfUsage(u, 'claude-sonnet-4-5');
    close(c.usd, (1_000 * 3 + 6_000 * 0.3 + 3_000 * 3.75 + 1_000 * 15) / 1e6);
    close(listCostOfUsage(u, 'claude-sonnet-4-5'), (10_000 * 3 + 1_000 * 15) / 1e6);
  });

  it('has a write rate of 1.25× and a read rate of 0.1× input for every Anthropic row', () => {
    for (const [id, price] of Object.entries(PRICE_TABLE).filter(([id]) => id.startsWith('claude'))) {
      assert.ok(Math.abs(price.cacheWritePerMTok - price.inputPerMTok * 1.25) < 1e-9, id);
      assert.ok(Math.abs(price.cachedInputPerMTok - price.inputPerMTok * 0.1) < 1e-9, id);
    }
  });

  it('bills OpenAI cache writes at the input price (no write surcharge) and reads at the cached rate', () => {
    const u = usage({ inputTokens: 8_000, cachedInputTokens: 4_000, cacheWriteTokens: 2_000 });
    // 2k plain + 2k written, both at $1.25; 4k read at $0.125.
    close(costOfUsage(u, 'gpt-5').usd, (4_000 * 1.25 + 4_000 * 0.125) / 1e6);
  });

  it('bills DeepSeek cache hits at the hit rate', () => {
    const u = usage({ inputTokens: 900, cachedInputTokens: 640, outputTokens: 70 });
    close(costOfUsage(u, 'deepseek-reasoner').usd, (260 * 0.28 + 640 * 0.028 + 70 * 0.42) / 1e6);
  });

  it('clamps writes so reads plus writes never exceed the input total', () => {
    const u = usage({ inputTokens: 1_000, cachedInputTokens: 800, cacheWriteTokens: 5_000 });
    // 800 read, 200 written, nothing billed twice.
    close(costOfUsage(u, 'claude-opus-4-5').usd, (800 * 0.5 + 200 * 6.25) / 1e6);
  });

  it('reads an override without cachedInput at the input price and says so', () => {
    const overrides = { 'my-model': { input: 2, output: 4 } };
    const match = findPrice('my-model', overrides);
    assert.equal(match?.price.cachedInputPerMTok, 2);
    assert.equal(match?.price.cacheWritePerMTok, 2);
    assert.match(match?.price.source ?? '', /cache reads are billed at the input price/);
    close(costOfUsage(usage({ inputTokens: 1_000, cachedInputTokens: 1_000 }), 'my-model', overrides).usd, 1_000 * 2 / 1e6);
    const withRates = { 'my-model': { input: 2, cachedInput: 0.2, cacheWrite: 2.5, output: 4 } };
    close(costOfUsage(usage({ inputTokens: 1_000, cachedInputTokens: 500, cacheWriteTokens: 500 }), 'my-model', withRates).usd, (500 * 0.2 + 500 * 2.5) / 1e6);
  });

  it('has no list cost for an unknown model, and the provider cost when only that is known', () => {
    assert.equal(listCostOfUsage(usage({ inputTokens: 10 }), 'no-such-model'), null);
    assert.equal(listCostOfUsage(usage({ inputTokens: 10, providerCostUsd: 0.02 }), 'no-such-model'), 0.02);
  });
});
