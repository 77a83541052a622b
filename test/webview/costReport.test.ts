// The cost report view in Chromium: unpriced spend is shown as unknown or "+ N unpriced", never
// as $0, and amounts under a cent are shown.
import * as assert from 'node:assert/strict';
import type { PanelCostReport } from '../../src/protocol/panelMessages';
import { closeBrowser, openPanel, type WebviewHarness } from '../support/webviewPage';

const totals = (usd: number, unknownCostJobs: number, jobs: number) => ({ usd, unknownCostJobs, jobs, reasoningTokens: 1200, answerTokens: 300 });

function report(): PanelCostReport {
  const tier = (t: 'fast' | 'capable' | 'reasoning', jobs: number, totalUsd: number, unknownCostJobs: number) => ({
    tier: t,
    jobs,
    successes: 0,
    successRate: jobs ? 0 : null,
    totalUsd,
    averageUsd: jobs > unknownCostJobs ? totalUsd / (jobs - unknownCostJobs) : null,
    costPerSuccessUsd: null,
    unknownCostJobs,
    thinkingTokens: 0,
    answerTokens: 0,
  });
  return {
    today: totals(0.0025, 2, 3),
    month: totals(0.0025, 2, 3),
    session: totals(0, 2, 2),
    dailyBudgetUsd: 5,
    monthlyBudgetUsd: 0,
    days: [{ date: '2026-12-01', jobs: 3, usd: 0.0025, thinkingTokens: 1200, answerTokens: 300 }],
    models: [
      { model: 'gpt-5-mini', jobs: 1, usd: 0.0025, unknownCostJobs: 0, thinkingTokens: 600, answerTokens: 100 },
      { model: 'house-model', jobs: 2, usd: 0, unknownCostJobs: 2, thinkingTokens: 600, answerTokens: 200 },
    ],
    tiers: [tier('reasoning', 2, 0, 2), tier('capable', 1, 0.0025, 0), tier('fast', 0, 0, 0)],
    costPerSuccessfulTaskUsd: null,
  };
}

describe('cost report view (Chromium)', function () {
  let panel: WebviewHarness;
  beforeEach(async () => {
    panel = await openPanel();
  });
  afterEach(async () => {
    await panel.close();
  });
  after(closeBrowser);

  it('shows unpriced jobs as unknown and sub-cent spend as such, never $0.00 for either', async () => {
    await panel.send({ type: 'costReport', report: report() });
    const section = panel.page.locator('section.cost-report');
    await section.waitFor();
    const cards = await panel.page.locator('.cost-card .big').allTextContents();
    assert.deepEqual(cards, ['$0.0025 + 2 unpriced of $5.00 (0%, excluding 2 unpriced)', '$0.0025 + 2 unpriced (no limit)', '2 unpriced']);
    const rows = await panel.page.locator('table[aria-label="Per model"] tbody tr').allTextContents();
    assert.deepEqual(rows, ['gpt-5-mini1$0.0025600100', 'house-model2unknown600200']);
    assert.doesNotMatch((await section.textContent()) ?? '', /\$0\.00(?!\d)/);
    assert.deepEqual(panel.pageErrors, []);
  });

  it('shows what prompt caching and batching saved against the list price, and the cache tokens', async () => {
    await panel.send({
      type: 'costReport',
      report: { ...report(), savings: { listUsd: 0.5, costUsd: 0.2, savedUsd: 0.3, promptCacheUsd: 0.1, batchUsd: 0.2, jobs: 4 }, cacheTokens: { read: 12_000, write: 3_000 } },
    });
    const line = panel.page.locator('section.cost-report p.savings');
    await line.waitFor();
    assert.equal(
      await line.textContent(),
      'Last 1 days: saved $0.30 (prompt cache $0.10, batch $0.20) against $0.50 at the list price, over 4 priced jobs. Prompt cache: 12,000 tokens read, 3,000 written.',
    );
    assert.deepEqual(panel.pageErrors, []);
  });

  it('shows no savings line when no job has a list price', async () => {
    await panel.send({ type: 'costReport', report: { ...report(), savings: { listUsd: 0, costUsd: 0, savedUsd: 0, promptCacheUsd: 0, batchUsd: 0, jobs: 0 } } });
    await panel.page.locator('section.cost-report').waitFor();
    assert.equal(await panel.page.locator('p.savings').count(), 0);
  });
});
