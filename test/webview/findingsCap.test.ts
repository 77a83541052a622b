// The panel with the findings cap's worth of findings (RESULT_LIMITS.findings, each with an
// explanation and a fix): it renders them all and stays responsive — a click on the last
// finding's button reaches the host, the page answers a script while a job streams, and a
// job list sent afterwards still renders. Bounds are generous (seconds, not frames): this
// guards against the minute-long freeze 200k findings caused, not against jitter.
import * as assert from 'node:assert/strict';
import type { PanelFinding, PanelJobDetail } from '../../src/protocol/panelMessages';
import { RESULT_LIMITS } from '../../src/core/results/resultLimits';
import { closeBrowser, openPanel, type WebviewHarness } from '../support/webviewPage';

const SEVERITIES: PanelFinding['severity'][] = ['critical', 'high', 'medium', 'low', 'info'];

function manyFindings(count: number): PanelFinding[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `f${i}`,
    title: `Finding ${i}: unchecked index in loop ${i % 17}`,
    severity: SEVERITIES[i % SEVERITIES.length]!,
    confidence: ((i * 37) % 100) / 100,
    startLine: 1 + (i % 400),
    endLine: 2 + (i % 400),
    explanation: `The loop at this line reads one element past the end when the input is empty (case ${i}). `.repeat(4),
    suggestedFix: `for (let i = 0; i < values.length; i++) {\n  total += values[i];\n}`,
  }));
}

function job(findings: PanelFinding[]): PanelJobDetail {
  return {
    id: 'job-cap',
    title: 'Review big.ts',
    status: 'succeeded',
    kind: 'review',
    model: 'claude-sonnet-4-5',
    tier: 'reasoning',
    createdAt: Date.now(),
    costUsd: 0.5,
    target: { file: 'src/big.ts', startLine: 1, endLine: 500 },
    routeReasons: ['large file'],
    canEscalate: false,
    cached: false,
    stale: false,
    durationMs: 60_000,
    usage: { inputTokens: 100_000, outputTokens: 50_000, reasoningTokens: 10_000, estimated: false },
    summary: 'Many findings.',
    findings,
    answer: 'See the findings.',
    reasoning: 'Checked everything.',
    reasoningSummary: 'Checked everything',
    warnings: [`The model reported 2,000 findings; the ${RESULT_LIMITS.findings} most severe are kept and 1,500 less severe or less confident ones were dropped.`],
  };
}

describe('results panel with the findings cap (Chromium)', function () {
  this.timeout(120_000);
  let panel: WebviewHarness;

  beforeEach(async () => {
    panel = await openPanel();
  });
  afterEach(async () => {
    await panel.close();
  });
  after(closeBrowser);

  it(`renders ${RESULT_LIMITS.findings} findings and stays responsive`, async () => {
    const started = Date.now();
    await panel.send({ type: 'jobDetail', job: job(manyFindings(RESULT_LIMITS.findings)) });
    await panel.page.waitForFunction((n) => document.querySelectorAll('.finding').length === n, RESULT_LIMITS.findings, { timeout: 30_000 });
    const rendered = Date.now() - started;
    assert.equal(await panel.page.locator('.warning', { hasText: 'most severe are kept' }).count(), 1);

    // A click on the last finding reaches the host.
    const last = panel.page.locator('.finding').nth(RESULT_LIMITS.findings - 1);
    await last.scrollIntoViewIfNeeded();
    await last.locator('button', { hasText: 'Apply fix' }).click();
    const posted = await panel.posted();
    assert.ok(posted.some((m) => m.type === 'request' && m.action.type === 'applyFix' && m.action.findingId === `f${RESULT_LIMITS.findings - 1}`), JSON.stringify(posted.slice(-3)));

    // The page still answers while a reasoning stream arrives, and renders what comes next.
    for (let i = 0; i < 20; i++) await panel.send({ type: 'jobDelta', jobId: 'job-cap', reasoning: ` more ${i}` });
    const answered = Date.now();
    assert.equal(await panel.page.evaluate(() => 1 + 1), 2);
    const answerMs = Date.now() - answered;
    await panel.send({ type: 'jobs', jobs: [{ id: 'job-cap', title: 'After the big one', status: 'succeeded', kind: 'review', createdAt: 1 }] });
    await panel.page.waitForFunction(() => [...document.querySelectorAll('.job-title')].some((e) => e.textContent === 'After the big one'));
    assert.deepEqual(panel.pageErrors, []);
    console.log(`      rendered ${RESULT_LIMITS.findings} findings in ${rendered} ms; a script answered in ${answerMs} ms`);
    assert.ok(rendered < 15_000, `rendering took ${rendered} ms`);
    assert.ok(answerMs < 2_000, `the page took ${answerMs} ms to answer`);
  });
});
