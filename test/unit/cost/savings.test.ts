// Savings against the list price on every surface that reads a job or a ledger record: the
// job's own fields, the ledger line format, the cost report, the panel, exports, batch results.
import * as assert from 'node:assert/strict';
import { buildCostReport, formatCostReportText } from '../../../src/core/cost/costReport';
import { parseLedgerLine, recordOf, recordProblems, type LedgerRecord } from '../../../src/core/cost/ledgerLines';
import { formatSavings, hasSavings, savingsOf, sumSavings } from '../../../src/core/cost/savings';
import { finishBatchJob } from '../../../src/core/batch/batchOutcome';
import { chargeFinished } from '../../../src/core/jobs/jobCharging';
import { usageBounds } from '../../../src/core/cost/cost';
import type { JobRecord } from '../../../src/core/jobs/job';
import { jobToMarkdown } from '../../../src/core/jobs/jobReport';
import { toPanelDetail } from '../../../src/vscode/panelModel';
import { ledgerSummarySchema, totalsOf } from '../../../src/core/cost/ledgerTotals';
import { jobRecord, ledgerRecord } from '../../support/records';

function close(actual: number | null | undefined, expected: number, label: string): void {
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) < 1e-12, `${label}: expected ${expected}, got ${actual}`);
}

const job = jobRecord;

const rec = (partial: Partial<LedgerRecord> & { jobId: string }): LedgerRecord => ledgerRecord(partial);

describe('savings', () => {
  it('splits a job\'s saving into the batch discount and the prompt cache\'s share', () => {
    const s = savingsOf({ costUsd: 0.004, listCostUsd: 0.01, batchSavingsUsd: 0.004 });
    assert.ok(s);
    close(s.savedUsd, 0.006, 'saved');
    close(s.batchUsd, 0.004, 'batch');
    close(s.promptCacheUsd, 0.002, 'prompt cache');
    assert.equal(formatSavings(s), 'saved $0.006 (prompt cache $0.002, batch $0.004)');
  });

  it('has nothing to compare when the cost or the list price is unknown', () => {
    assert.equal(savingsOf({ costUsd: null, listCostUsd: 0.01 }), undefined);
    assert.equal(savingsOf({ costUsd: 0.01, listCostUsd: null }), undefined);
    assert.equal(savingsOf({ costUsd: 0.01 }), undefined, 'jobs from before savings were recorded');
    const total = sumSavings([{ costUsd: 0.01, listCostUsd: 0.02 }, { costUsd: null, listCostUsd: 0.5 }, { costUsd: 0.01 }]);
    assert.equal(total.jobs, 1);
    close(total.savedUsd, 0.01, 'only the comparable job');
  });

  it('shows a cache write that cost more than it saved as a negative saving, not as nothing', () => {
    const s = savingsOf({ costUsd: 0.0125, listCostUsd: 0.01 });
    assert.ok(hasSavings(s));
    assert.equal(formatSavings(s), 'saved -$0.0025 (prompt cache -$0.0025, batch $0.00)');
  });

  it('a streamed job records its list price at charge time; a worst-case charge claims no savings', () => {
    const bounds = usageBounds('x'.repeat(10_000), { maxThinkingTokens: 4096, maxAnswerTokens: 4000 }, { inputTokens: 3_000, maxOutputTokens: 8_096, usd: 0.2 });
    const ctx = { promptText: 'x', model: 'claude-sonnet-4-5', bounds, overrides: {} };
    const usage = { inputTokens: 2_000, cachedInputTokens: 1_500, cacheWriteTokens: 0, outputTokens: 100, reasoningTokens: 50, estimated: false };
    const charged = chargeFinished(usage, { output: '', reasoning: '' }, [], ctx);
    close(charged.listCostUsd, (2_000 * 3 + 100 * 15) / 1e6, 'list');
    close(charged.costUsd, (500 * 3 + 1_500 * 0.3 + 100 * 15) / 1e6, 'cost');
    const broken = chargeFinished({ ...usage, cachedInputTokens: -1 }, { output: '', reasoning: '' }, [], ctx);
    assert.equal(broken.listCostUsd, broken.costUsd);
  });

  it('a batch job records the batch discount and its list price', () => {
    const progress = { phase: 'ended' as const, providerStatus: 'ended', counts: { done: 1, failed: 0, total: 1 }, resultRefs: {}, expired: false };
    const usage = { inputTokens: 1_000, cachedInputTokens: 800, cacheWriteTokens: 0, outputTokens: 200, reasoningTokens: 100, estimated: false };
    const finished = finishBatchJob(job({ status: 'running' }), { kind: 'succeeded', reasoning: 'r', answer: '{"summary":"s","findings":[],"answer":"a"}', usage, truncated: false, notes: [] }, { provider: 'anthropic', batchId: 'b1', progress, priceOverrides: {}, cancelRequested: false, now: 5 });
    const full = (200 * 3 + 800 * 0.3 + 200 * 15) / 1e6;
    close(finished.job.costUsd, full / 2, 'half price');
    close(finished.job.batchSavingsUsd, full / 2, 'batch discount');
    close(finished.job.listCostUsd, (1_000 * 3 + 200 * 15) / 1e6, 'list');
    const s = savingsOf(finished.job);
    close(s?.promptCacheUsd, (800 * (3 - 0.3)) / 1e6, 'prompt cache share');
  });

  it('ledger lines keep cache writes, list price and batch discount, and reject bad ones', () => {
    const r = rec({ jobId: 'j', cacheWriteTokens: 300, listCostUsd: 0.02, batchSavingsUsd: 0.005, costUsd: 0.005 });
    const line = parseLedgerLine(JSON.stringify({ type: 'job', ...r }));
    assert.ok(line && line.type === 'job');
    const back = recordOf(line);
    assert.equal(back.cacheWriteTokens, 300);
    assert.equal(back.listCostUsd, 0.02);
    assert.equal(back.batchSavingsUsd, 0.005);
    assert.equal(parseLedgerLine(JSON.stringify({ type: 'job', ...r, cacheWriteTokens: -3 })), undefined);
    assert.equal(parseLedgerLine(JSON.stringify({ type: 'job', ...r, listCostUsd: 'free' })), undefined);
    assert.deepEqual(recordProblems({ ...r, batchSavingsUsd: Number.NaN }), ['batchSavingsUsd: NaN is not an amount ≥ 0']);
    // Lines written before savings existed still read.
    const old = parseLedgerLine(JSON.stringify({ type: 'job', ...rec({ jobId: 'old' }) }));
    assert.ok(old && old.type === 'job');
    assert.equal(recordOf(old).listCostUsd, undefined);
  });

  it('the cost report totals cache tokens and savings over billed jobs only', () => {
    const records = [
      rec({ jobId: 'a', cachedInputTokens: 600, cacheWriteTokens: 200, costUsd: 0.004, listCostUsd: 0.006 }),
      rec({ jobId: 'b', costUsd: 0.002, listCostUsd: 0.008, batchSavingsUsd: 0.004 }),
      rec({ jobId: 'c', cached: true, cachedInputTokens: 999, costUsd: 0, listCostUsd: 5 }),
      rec({ jobId: 'd', costUsd: null, costSource: 'unknown', listCostUsd: null }),
    ];
    const report = buildCostReport(records, () => false, { days: 1 });
    assert.equal(report.totals.cacheReadTokens, 600);
    assert.equal(report.totals.cacheWriteTokens, 200);
    assert.equal(report.savings.jobs, 2);
    close(report.savings.savedUsd, 0.008, 'saved');
    close(report.savings.batchUsd, 0.004, 'batch');
    close(report.savings.promptCacheUsd, 0.004, 'prompt cache');
    close(report.savings.listUsd, 0.014, 'list');
    const text = formatCostReportText(report);
    assert.match(text, /Savings: saved \$0\.008 \(prompt cache \$0\.004, batch \$0\.004\) against \$0\.014 at the list price, over 2 priced jobs\./);
    assert.match(text, /\(600 read from the prompt cache, 200 written to it\)/);
  });

  it('the panel detail and the Markdown export carry the savings and the cache tokens', () => {
    const j = job({ usage: { inputTokens: 1_000, cachedInputTokens: 600, cacheWriteTokens: 300, outputTokens: 10, reasoningTokens: 0, estimated: false }, costUsd: 0.002, costSource: 'table', listCostUsd: 0.005, batchSavingsUsd: 0.001 });
    const detail = toPanelDetail(j, { stale: false });
    assert.equal(detail.usage?.cacheReadTokens, 600);
    assert.equal(detail.usage?.cacheWriteTokens, 300);
    close(detail.savings?.savedUsd, 0.003, 'saved');
    close(detail.savings?.promptCacheUsd, 0.002, 'prompt cache');
    assert.equal(toPanelDetail({ ...j, fromCache: true }, { stale: false }).savings, undefined, 'an analysis-cache answer saves nothing here');
    const md = jobToMarkdown(j);
    assert.match(md, /\*\*Cost:\*\* \$0\.002, saved \$0\.003 \(prompt cache \$0\.002, batch \$0\.001\)/);
    assert.match(md, /1,000 in \(600 cache read, 300 cache write\)/);
  });

  it('the running totals behind the meter count cache tokens and savings; older summaries still read', () => {
    const t = totalsOf([rec({ jobId: 'a', cachedInputTokens: 600, cacheWriteTokens: 200, costUsd: 0.004, listCostUsd: 0.006 }), rec({ jobId: 'b', cached: true, costUsd: 0, listCostUsd: 3 })]);
    assert.equal(t.cacheReadTokens, 600);
    assert.equal(t.cacheWriteTokens, 200);
    close(t.savedUsd, 0.002, 'saved');
    const old = { usd: 1, unknownCostJobs: 0, jobs: 2, inputTokens: 10, outputTokens: 5, reasoningTokens: 1, answerTokens: 4, reservedUsd: 0, unfinishedJobs: 0, untrustedJobs: 0 };
    const summary = ledgerSummarySchema.parse({ version: 1, offset: 0, lines: 0, head: '', end: '', days: { '2026-11-30': old }, open: {}, marks: {} });
    assert.deepEqual(summary.days['2026-11-30'], { ...old, cacheReadTokens: 0, cacheWriteTokens: 0, savedUsd: 0 });
  });
});
