import * as assert from 'node:assert/strict';
import { buildCostReport, formatCostReportText, type CostReport } from '../../../src/core/cost/costReport';
import type { LedgerRecord } from '../../../src/core/cost/ledger';
import { ledgerRecord } from '../../support/records';

const at = (day: number, hour = 12): number => new Date(2026, 2, day, hour, 0).getTime();
const NOW = at(15, 10);

const rec = (partial: Partial<LedgerRecord> & { jobId: string }): LedgerRecord => ledgerRecord(partial, NOW);

// A hand-computed example over a 3-day window (Mar 13–15).
const RECORDS: LedgerRecord[] = [
  rec({ jobId: 'r1', at: at(15), costUsd: 0.3, outputTokens: 1_200, reasoningTokens: 1_000, answerTokens: 200 }),
  rec({ jobId: 'r2', at: at(14), costUsd: 0.5, outputTokens: 2_300, reasoningTokens: 2_000, answerTokens: 300 }),
  rec({ jobId: 'r3', at: at(14), model: 'mystery', provider: 'openai-compatible', costUsd: null, costSource: 'unknown', outputTokens: 600, reasoningTokens: 500, answerTokens: 100 }),
  rec({ jobId: 'c1', at: at(15), tier: 'capable', model: 'gpt-5-mini', provider: 'openai', costUsd: 0.1, outputTokens: 400, answerTokens: 400 }),
  // From the cache: a job at $0 whose tokens are not counted again.
  rec({ jobId: 'c2', at: at(13), tier: 'capable', model: 'gpt-5-mini', provider: 'openai', costUsd: 0, cached: true, outputTokens: 999, reasoningTokens: 500, answerTokens: 499 }),
  rec({ jobId: 'f1', at: at(12), tier: 'fast', model: 'claude-haiku-4-5', costUsd: 1 }), // outside the window
  rec({ jobId: 'f2', at: at(15, 0), tier: 'fast', model: 'claude-haiku-4-5', costUsd: 0.02, outputTokens: 100, answerTokens: 100, outcome: 'failed' }),
];
const SUCCESSFUL = new Set(['r1', 'r3', 'c1', 'c2', 'f1']);

function close(actual: number | null | undefined, expected: number, label: string): void {
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) < 1e-9, `${label}: expected ${expected}, got ${actual}`);
}

function build(): CostReport {
  return buildCostReport(RECORDS, (id) => SUCCESSFUL.has(id), { days: 3, now: () => NOW });
}

describe('costReport', () => {
  it('totals the window: spend, jobs, successes and cost per successful task', () => {
    const report = build();
    assert.equal(report.from, '2026-03-13');
    assert.equal(report.to, '2026-03-15');
    close(report.totals.usd, 0.92, 'usd');
    assert.equal(report.totals.jobs, 6);
    assert.equal(report.totals.successes, 4);
    assert.equal(report.totals.cachedJobs, 1);
    assert.equal(report.totals.unknownCostJobs, 1);
    assert.equal(report.totals.reasoningTokens, 3_500);
    assert.equal(report.totals.answerTokens, 1_100);
    close(report.costPerSuccessfulTaskUsd, 0.23, 'per success');
  });

  it('compares tiers: jobs, success rate, average cost and cost per success', () => {
    const [reasoning, capable, fast] = build().tiers;
    assert.ok(reasoning && capable && fast);
    assert.equal(reasoning.tier, 'reasoning');
    assert.equal(reasoning.jobs, 3);
    assert.equal(reasoning.successes, 2);
    close(reasoning.successRate, 2 / 3, 'reasoning rate');
    close(reasoning.totalUsd, 0.8, 'reasoning total');
    close(reasoning.averageUsd, 0.4, 'reasoning average (unknown-cost job left out)');
    close(reasoning.costPerSuccessUsd, 0.4, 'reasoning per success');
    assert.equal(reasoning.unknownCostJobs, 1);
    assert.equal(reasoning.thinkingTokens, 3_500);
    assert.equal(reasoning.answerTokens, 600);

    assert.equal(capable.tier, 'capable');
    assert.equal(capable.jobs, 2);
    close(capable.successRate, 1, 'capable rate');
    close(capable.averageUsd, 0.05, 'capable average (cached job at $0)');
    close(capable.costPerSuccessUsd, 0.05, 'capable per success');
    assert.equal(capable.thinkingTokens, 0);
    assert.equal(capable.answerTokens, 400);

    assert.equal(fast.tier, 'fast');
    assert.equal(fast.jobs, 1);
    close(fast.successRate, 0, 'fast rate');
    close(fast.averageUsd, 0.02, 'fast average');
    assert.equal(fast.costPerSuccessUsd, null);
  });

  it('lists every day of the window, oldest first', () => {
    const days = build().days;
    assert.deepEqual(
      days.map((d) => [d.date, d.jobs, d.thinkingTokens, d.answerTokens]),
      [
        ['2026-03-13', 1, 0, 0],
        ['2026-03-14', 2, 2_500, 400],
        ['2026-03-15', 3, 1_000, 700],
      ],
    );
    close(days[0]?.usd, 0, 'day 13');
    close(days[1]?.usd, 0.5, 'day 14');
    close(days[2]?.usd, 0.42, 'day 15');
  });

  it('groups by model, most expensive first, counting unpriced jobs', () => {
    const models = build().models;
    assert.deepEqual(
      models.map((m) => [m.model, m.jobs, m.unknownCostJobs]),
      [
        ['claude-sonnet-4-5', 2, 0],
        ['gpt-5-mini', 2, 0],
        ['claude-haiku-4-5', 1, 0],
        ['mystery', 1, 1],
      ],
    );
    close(models[0]?.usd, 0.8, 'sonnet');
  });

  it('counts a job with several calls once', () => {
    const report = buildCostReport([rec({ jobId: 'x', costUsd: 0.1 }), rec({ jobId: 'x', costUsd: 0.2 })], () => true, { days: 1, now: () => NOW });
    assert.equal(report.totals.jobs, 1);
    assert.equal(report.totals.successes, 1);
    close(report.costPerSuccessfulTaskUsd, 0.3, 'both calls paid for one success');
  });

  it('gives nulls, not zeros, when nothing is known', () => {
    const report = buildCostReport([], () => false, { now: () => NOW });
    assert.equal(report.days.length, 30);
    assert.equal(report.days[29]?.date, '2026-03-15');
    assert.equal(report.days[0]?.date, '2026-02-14');
    assert.equal(report.costPerSuccessfulTaskUsd, null);
    for (const tier of report.tiers) {
      assert.equal(tier.successRate, null);
      assert.equal(tier.averageUsd, null);
      assert.equal(tier.costPerSuccessUsd, null);
    }
    assert.match(formatCostReportText(report), /No jobs in this period/);
  });

  it('formats a plain-text report with aligned tables', () => {
    const text = formatCostReportText(build());
    assert.match(text, /2026-03-13 to 2026-03-15/);
    assert.match(text, /Total: \$0\.92 \+ 1 unpriced for 6 jobs \(1 from cache\), 4 successful: \$0\.23 per successful task/);
    assert.match(text, /1 job used a model with no known price/);
    assert.match(text, /^reasoning +3 +67% +\$0\.80 \+ 1 unpriced +\$0\.40 +\$0\.40 +3,500 +600$/m);
    assert.match(text, /^fast +1 +0% +\$0\.02 +\$0\.02 +- +0 +100$/m);
    assert.match(text, /^mystery +1 +unknown +1 +500 +100$/m);
    assert.match(text, /^2026-03-14 +2 +\$0\.50 \+ 1 unpriced +2,500 +400$/m);
    assert.doesNotMatch(text, /2026-03-12/);
    // Columns line up: every row of the tier table is as wide as its header.
    const tierLines = text.split('\n').filter((l) => /^(Tier|reasoning|capable|fast) /.test(l));
    assert.equal(tierLines.length, 4);
    assert.equal(new Set(tierLines.map((l) => l.length)).size, 1);
  });
});
