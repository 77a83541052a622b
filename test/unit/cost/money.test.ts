import * as assert from 'node:assert/strict';
import { CLI_BUDGET_HINTS } from '../../../src/cli/cliPrices';
import { checkBudget } from '../../../src/core/cost/budget';
import { chargeUsage, usageBounds } from '../../../src/core/cost/cost';
import type { Usage } from '../../../src/core/modelClient';
import { formatSpend, formatUsd, spokenUsd } from '../../../src/core/cost/money';

describe('money formatting', () => {
  it('never shows $0.00 for a non-zero amount, in either precision', () => {
    assert.equal(formatUsd(0.0025), '$0.0025');
    assert.equal(formatUsd(0.0025, 'cents'), '<$0.01');
    assert.equal(formatUsd(0.004999, 'cents'), '<$0.01');
    assert.equal(formatUsd(0.005, 'cents'), '$0.01');
    assert.equal(formatUsd(0.00001), '<$0.0001');
    assert.equal(formatUsd(1e-12, 'cents'), '<$0.01');
    assert.equal(formatUsd(0), '$0.00');
    assert.equal(formatUsd(0, 'cents'), '$0.00');
  });

  it('shows cents from a dollar up, with thousands separators', () => {
    assert.equal(formatUsd(0.42, 'cents'), '$0.42');
    assert.equal(formatUsd(1234.5), '$1,234.50');
    assert.equal(formatUsd(1234.5, 'cents'), '$1,234.50');
    assert.equal(formatUsd(0.1), '$0.10');
  });

  it('shows an unknown cost as unknown, never as $0', () => {
    assert.equal(formatUsd(null), 'unknown');
    assert.equal(formatUsd(Number.NaN), 'unknown');
    assert.equal(spokenUsd(null), 'cost unknown');
  });

  it('adds unpriced jobs to a known total', () => {
    assert.equal(formatSpend(0.42, 3), '$0.42 + 3 unpriced');
    assert.equal(formatSpend(0, 3), '3 unpriced');
    assert.equal(formatSpend(0.0025, 0), '<$0.01');
    assert.equal(formatSpend(0.0025, 1, 'detail'), '$0.0025 + 1 unpriced');
    assert.equal(formatSpend(0, 0), '$0.00');
  });

  it('reads amounts for screen readers', () => {
    assert.equal(spokenUsd(0.42), '0.42 dollars');
    assert.equal(spokenUsd(0.001), 'less than a cent');
  });
});

describe('charging usage', () => {
  const spec = { maxThinkingTokens: 4_000, maxAnswerTokens: 4_000 };
  const worstCase = { inputTokens: 500, maxOutputTokens: 8_000, usd: (500 * 3 + 8_000 * 15) / 1e6 };
  const bounds = usageBounds('x'.repeat(2_000), spec, worstCase);
  const usage = (u: Partial<Usage>): Usage => ({ inputTokens: 400, cachedInputTokens: 0, outputTokens: 3_000, reasoningTokens: 1_000, estimated: false, ...u });

  it('believes sane usage and prices it', () => {
    const charge = chargeUsage(usage({}), 'claude-sonnet-4-5', bounds);
    assert.equal(charge.trusted, true);
    assert.equal(charge.cost.usd, (400 * 3 + 3_000 * 15) / 1e6);
  });

  for (const [name, bad] of [
    ['negative input', { inputTokens: -5 }],
    ['fractional output', { outputTokens: 12.5 }],
    ['NaN thinking', { reasoningTokens: Number.NaN }],
    ['a string', { outputTokens: '300' as unknown as number }],
    ['1e15 output', { outputTokens: 1e15 }],
    ['more input than the prompt has bytes', { inputTokens: 1_000_000 }],
    ['a negative provider cost', { providerCostUsd: -1 }],
    ['an absurd provider cost', { providerCostUsd: 1e9 }],
  ] as const) {
    it(`charges the worst case for ${name}, and says why`, () => {
      const charge = chargeUsage(usage(bad), 'claude-sonnet-4-5', bounds);
      assert.equal(charge.trusted, false);
      assert.equal(charge.cost.usd, worstCase.usd);
      assert.equal(charge.usage.outputTokens, 8_000);
      assert.equal(charge.usage.inputTokens, 500);
      assert.ok(Number.isInteger(charge.usage.reasoningTokens));
      assert.equal(charge.problems.length, 1, charge.problems.join('; '));
    });
  }

  it('keeps an unpriced untrusted job unknown, not $0', () => {
    const charge = chargeUsage(usage({ outputTokens: -1 }), 'my-local-model', usageBounds('x', spec, { ...worstCase, usd: null }));
    assert.equal(charge.trusted, false);
    assert.equal(charge.cost.usd, null);
    assert.equal(charge.cost.source, 'unknown');
  });

  it('believes (and bills) a thinking overrun a model could really produce, but not more', () => {
    const overrun = chargeUsage(usage({ outputTokens: 120_000, reasoningTokens: 89_708 }), 'claude-sonnet-4-5', bounds);
    assert.equal(overrun.trusted, true);
    assert.equal(overrun.cost.usd, (400 * 3 + 120_000 * 15) / 1e6, 'billed as reported: more than the worst case');
    assert.equal(chargeUsage(usage({ outputTokens: 300_000 }), 'claude-sonnet-4-5', bounds).trusted, false);
  });
});

describe('budget messages for the CLI', () => {
  it('names CLI flags, never VS Code settings', () => {
    const refused = checkBudget({ inputTokens: 1_000, maxOutputTokens: 10_000, usd: 0.3 }, { todayUsd: 4.8, monthUsd: 49.9 }, { dailyUsd: 5, monthlyUsd: 50, confirmAboveUsd: 0 }, CLI_BUDGET_HINTS);
    assert.equal(refused.allowed, false);
    assert.match(refused.message ?? '', /--budget-usd and --monthly-budget-usd/);
    assert.match(refused.message ?? '', /--max-thinking-tokens/);
    const unpriced = checkBudget({ inputTokens: 1, maxOutputTokens: 1, usd: null }, { todayUsd: 0, monthUsd: 0 }, { dailyUsd: 5, monthlyUsd: 50, confirmAboveUsd: 0 }, CLI_BUDGET_HINTS);
    assert.match(unpriced.message ?? '', /--price-in and --price-out/);
    for (const m of [refused.message, unpriced.message]) assert.doesNotMatch(m ?? '', /deepReview\./);
  });
});

describe('money formatting without ICU below $1,000', () => {
  it('prints exactly what Intl.NumberFormat prints, for a sweep of amounts', async () => {
    const { intlUsd } = await import('../../../src/core/cost/money');
    const amounts: number[] = [];
    for (let i = 1; i < 4000; i++) amounts.push(i / 3997, i * 0.2463, i * 0.000137, Math.round(i * 1.7) / 100, i * 0.005, i * 0.00005);
    for (const usd of amounts) {
      if (usd >= 1000) continue;
      if (usd >= 0.005) assert.equal(formatUsd(usd, 'cents'), intlUsd(usd, 'cents'), `cents ${usd}`);
      if (usd >= 0.00005) assert.equal(formatUsd(usd, usd >= 1 ? 'cents' : 'detail'), intlUsd(usd, usd >= 1 ? 'cents' : 'detail'), `detail ${usd}`);
    }
  });
});
