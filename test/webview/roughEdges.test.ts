// Issue 11's rough edges that show in the panel page itself (the real bundle, in Chromium).
import * as assert from 'node:assert/strict';
import type { PanelJobDetail } from '../../src/protocol/panelMessages';
import { closeBrowser, openPanel, type WebviewHarness } from '../support/webviewPage';

function job(overrides: Partial<PanelJobDetail> = {}): PanelJobDetail {
  return {
    id: 'jm3edge01',
    title: 'Review cart.ts:10',
    status: 'succeeded',
    kind: 'review',
    model: 'qwen3:8b',
    tier: 'reasoning',
    createdAt: 1,
    target: { file: 'src/cart.ts', startLine: 10, endLine: 10 },
    routeReasons: [],
    canEscalate: false,
    cached: false,
    stale: false,
    structured: true,
    findings: [{ id: 'f0', title: 'Total ignores discounts', severity: 'medium', confidence: 0.8, startLine: 6, endLine: 6, explanation: 'Use `applyDiscount(total)` before returning.', suggestedFix: 'return applyDiscount(total);' }],
    answer: 'Fine otherwise.',
    reasoning: 'Thinking.',
    warnings: ['The value of `maxTokens` was raised.'],
    ...overrides,
  };
}

describe('issue 11 rough edges in the panel (Chromium)', function () {
  let panel: WebviewHarness;
  afterEach(async () => panel?.close());
  after(closeBrowser);

  it('6: streams no raw JSON into the answer; renders markdown in explanations and warnings', async () => {
    panel = await openPanel();
    await panel.send({ type: 'jobDetail', job: job({ status: 'running', findings: [], answer: '', reasoning: '' }) });
    await panel.send({ type: 'jobDelta', jobId: 'jm3edge01', answer: '{"summary": "The total', });
    await panel.send({ type: 'jobDelta', jobId: 'jm3edge01', answer: ' is wrong", "findings": [' });
    await panel.page.waitForFunction(() => document.querySelector('.answer')?.textContent?.includes('Writing the findings'));
    assert.doesNotMatch((await panel.page.locator('.answer').textContent()) ?? '', /"summary"|\{/);
    await panel.send({ type: 'jobDetail', job: job() });
    assert.equal(await panel.page.locator('.finding .explanation code').textContent(), 'applyDiscount(total)');
    assert.equal(await panel.page.locator('.warning code').textContent(), 'maxTokens');
    assert.doesNotMatch((await panel.page.locator('.finding .explanation').textContent()) ?? '', /`/);
  });

  it('7: an answer without structured findings does not say "No findings"', async () => {
    panel = await openPanel();
    await panel.send({ type: 'jobDetail', job: job({ structured: false, findings: [], answer: 'It looks fine, I think.' }) });
    const text = (await panel.page.locator('.findings').textContent()) ?? '';
    assert.doesNotMatch(text, /No findings/);
    assert.match(text, /without structured findings/);
    await panel.send({ type: 'jobDetail', job: job({ findings: [] }) });
    assert.match((await panel.page.locator('.findings').textContent()) ?? '', /No findings/);
  });

  it('9: labels read "cart.ts:10" and "line 6"; beside an editor the detail gets the width', async () => {
    panel = await openPanel(undefined, { context: { viewport: { width: 560, height: 800 } } });
    await panel.send({ type: 'jobs', jobs: [{ id: 'jm3edge01', title: 'Review cart.ts:10', status: 'succeeded', kind: 'review', createdAt: 1 }] });
    await panel.send({ type: 'jobDetail', job: job() });
    assert.equal(await panel.page.locator('.target').textContent(), 'src/cart.ts:10');
    assert.equal(await panel.page.locator('.finding-actions button').first().textContent(), 'line 6');
    const detailWidth = await panel.page.locator('.job-detail').evaluate((el) => el.getBoundingClientRect().width);
    assert.ok(detailWidth > 500, `the detail is ${detailWidth}px wide in a 560px panel`);
  });

  it('10: the cost report’s per-day chart has dates, an axis and values', async () => {
    panel = await openPanel();
    const none = { usd: 0, unknownCostJobs: 0, jobs: 0, reasoningTokens: 0, answerTokens: 0 };
    const day = (date: string, usd: number) => ({ date, jobs: 1, usd, thinkingTokens: 10, answerTokens: 5 });
    const day0 = (n: number) => day(`2026-11-${String(n).padStart(2, '0')}`, 0);
    await panel.send({
      type: 'costReport',
      report: { today: none, month: none, session: none, dailyBudgetUsd: 5, monthlyBudgetUsd: 50, days: [...Array.from({ length: 8 }, (_, i) => day0(i + 22)), day('2026-11-30', 0.5), day('2026-12-01', 1.25)], models: [], tiers: [], costPerSuccessfulTaskUsd: null },
    });
    const dates = (await panel.page.locator('.chart .bar .date').allTextContents()).filter(Boolean);
    assert.deepEqual(dates, ['11-24', '12-01'], 'the last day and every 7th before it are dated');
    const values = (await panel.page.locator('.chart .bar .value').allTextContents()).filter(Boolean);
    assert.equal(values.length, 2, 'days with spend show their value');
    assert.match(values[1] ?? '', /1\.25/);
    assert.match((await panel.page.locator('.chart .axis').textContent()) ?? '', /1\.25[\s\S]*0/);
  });

  it('10: shows the job id, and a failed action’s reason next to the actions', async () => {
    panel = await openPanel();
    await panel.send({ type: 'jobDetail', job: job() });
    assert.match((await panel.page.locator('.job-id').textContent()) ?? '', /jm3edge01/);
    await panel.page.locator('button', { hasText: 'Apply fix' }).click();
    const sent = (await panel.posted()).at(-1);
    assert.ok(sent && sent.type === 'request' && sent.action.type === 'applyFix');
    await panel.send({ type: 'response', requestId: sent.requestId, ok: false, error: 'Line 6 changed since the review; re-run the review before applying this fix.' });
    await panel.page.waitForSelector('.action-error');
    assert.match((await panel.page.locator('.action-error').textContent()) ?? '', /Apply fix failed: Line 6 changed/);
  });
});
