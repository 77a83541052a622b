import * as assert from 'node:assert/strict';
import { costOfUsage, formatUsd } from '../../../src/core/cost/cost';
import type { Usage } from '../../../src/core/modelClient';

function usage(partial: Partial<Usage>): Usage {
  return { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0, estimated: false, ...partial };
}

function close(actual: number | null, expected: number): void {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `expected ${expected}, got ${actual}`);
}

describe('cost', () => {
  it('bills input and output (thinking included) at the table price', () => {
    // claude-sonnet-4-5: $3 in, $15 out per million.
    const c = costOfUsage(usage({ inputTokens: 10_000, outputTokens: 2_000, reasoningTokens: 1_500 }), 'claude-sonnet-4-5-20250929');
    close(c.usd, (10_000 * 3 + 2_000 * 15) / 1e6);
    assert.equal(c.source, 'table');
    assert.equal(c.matchedId, 'claude-sonnet-4-5');
  });

  it('bills cached input at the cached rate and only the rest at the input rate', () => {
    // gpt-5: $1.25 in, $0.125 cached, $10 out. 100k input of which 80k cached.
    const c = costOfUsage(usage({ inputTokens: 100_000, cachedInputTokens: 80_000, outputTokens: 1_000 }), 'gpt-5');
    close(c.usd, (20_000 * 1.25 + 80_000 * 0.125 + 1_000 * 10) / 1e6);
    close(c.usd, 0.045);
  });

  it('never bills more cached tokens than input tokens', () => {
    const c = costOfUsage(usage({ inputTokens: 1_000, cachedInputTokens: 5_000 }), 'claude-opus-4-5');
    close(c.usd, (1_000 * 0.5) / 1e6);
  });

  it('takes the provider-reported cost over any price, even an override', () => {
    const c = costOfUsage(usage({ inputTokens: 1_000_000, outputTokens: 1_000_000, providerCostUsd: 0.0123 }), 'anthropic/claude-sonnet-4.5', {
      'anthropic/claude-sonnet-4.5': { input: 100, output: 100 },
    });
    assert.deepEqual(c, { usd: 0.0123, source: 'provider' });
    // A provider cost of 0 (a free model) is a real cost, not a missing one.
    assert.deepEqual(costOfUsage(usage({ inputTokens: 5, providerCostUsd: 0 }), 'x/unknown:free'), { usd: 0, source: 'provider' });
  });

  it('uses an override before the table', () => {
    const c = costOfUsage(usage({ inputTokens: 1_000_000, cachedInputTokens: 500_000, outputTokens: 1_000_000 }), 'gpt-5', {
      'gpt-5': { input: 2, cachedInput: 1, output: 4 },
    });
    close(c.usd, 0.5 * 2 + 0.5 * 1 + 4);
    assert.equal(c.source, 'override');
  });

  it('reports an unknown model as unknown cost, never $0', () => {
    const c = costOfUsage(usage({ inputTokens: 1_000, outputTokens: 1_000 }), 'some-local-model');
    assert.deepEqual(c, { usd: null, source: 'unknown' });
  });

  it('costs exactly 0 for a priced model that used no tokens', () => {
    assert.deepEqual(costOfUsage(usage({}), 'o3'), { usd: 0, source: 'table', matchedId: 'o3' });
  });

  it('formats dollars with cents, and small amounts with up to four decimals', () => {
    assert.equal(formatUsd(12.5), '$12.50');
    assert.equal(formatUsd(1), '$1.00');
    assert.equal(formatUsd(0.05), '$0.05');
    assert.equal(formatUsd(0.0042), '$0.0042');
    assert.equal(formatUsd(0.12345), '$0.1235');
    assert.equal(formatUsd(0), '$0.00');
  });
});
