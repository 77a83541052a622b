// Run-later jobs in the real webview bundle: a job waiting at the provider's batch API is listed
// as queued at the provider with its batch id, its detail says so and offers Cancel (which goes to
// the host as a request), a cancel in flight hides Cancel, and the finished job's detail shows its
// reasoning and findings like a streamed job's.
import * as assert from 'node:assert/strict';
import type { PanelJobDetail } from '../../src/protocol/panelMessages';
import { closeBrowser, openPanel, type WebviewHarness } from '../support/webviewPage';

const BATCH = { provider: 'Anthropic', batchId: 'msgbatch_01HkcTjaV5uDC8jWR4ZsDV8d', providerStatus: 'in_progress', cancelRequested: false };

function pendingDetail(over: Partial<PanelJobDetail> = {}): PanelJobDetail {
  return {
    id: 'later-1',
    title: 'Review cart.ts',
    status: 'queued',
    kind: 'review',
    model: 'claude-sonnet-4-5',
    tier: 'reasoning',
    createdAt: 2,
    batch: BATCH,
    target: { file: 'src/cart.ts' },
    routeReasons: ['routing mode is "always reasoning"'],
    canEscalate: false,
    cached: false,
    stale: false,
    findings: [],
    answer: '',
    reasoning: '',
    warnings: [],
    ...over,
  };
}

describe('run-later jobs in the results panel (Chromium)', function () {
  let panel: WebviewHarness;
  beforeEach(async () => {
    panel = await openPanel();
  });
  afterEach(async () => {
    await panel.close();
  });
  after(closeBrowser);

  it('lists a pending batch job as queued at the provider, with its batch id', async () => {
    await panel.send({
      type: 'jobs',
      jobs: [
        { id: 'done', title: 'Earlier review', status: 'succeeded', kind: 'review', createdAt: 1, tier: 'capable', model: 'gpt-5' },
        { id: 'later-1', title: 'Review cart.ts', status: 'queued', kind: 'review', createdAt: 2, tier: 'reasoning', model: 'claude-sonnet-4-5', batch: BATCH },
      ],
    });
    const item = panel.page.locator('.job.batch');
    assert.equal(await item.count(), 1);
    const meta = (await item.locator('.job-meta').textContent()) ?? '';
    assert.match(meta, /queued at the provider \(Anthropic\), batch msgbatch_01HkcTjaV5uDC8jWR4ZsDV8d · in_progress/);
    // An ordinary job keeps its tier and model.
    assert.equal(await panel.page.locator('.job', { hasText: 'Earlier review' }).locator('.job-meta').textContent(), 'capable · gpt-5');
    await item.click();
    assert.deepEqual((await panel.posted()).at(-1), { type: 'selectJob', jobId: 'later-1' });
    assert.deepEqual(panel.pageErrors, []);
  });

  it('shows the pending detail with the batch id, and Cancel asks the host to cancel it', async () => {
    await panel.send({ type: 'jobDetail', job: pendingDetail() });
    const status = (await panel.page.locator('.batch-status').textContent()) ?? '';
    assert.match(status, /Run later at half price: queued at the provider \(Anthropic\), batch msgbatch_01HkcTjaV5uDC8jWR4ZsDV8d/);
    assert.match(status, /within 24 hours/);
    await panel.page.locator('.actions button', { hasText: 'Cancel' }).click();
    assert.deepEqual((await panel.posted()).at(-1), { type: 'request', requestId: 1, action: { type: 'cancelJob', jobId: 'later-1' } });
    // Nothing to rate or export before the answer arrives.
    assert.equal(await panel.page.locator('.actions button', { hasText: 'Helpful' }).count(), 0);
  });

  it('hides Cancel once the cancel was sent, and says the provider must confirm it', async () => {
    await panel.send({ type: 'jobDetail', job: pendingDetail({ batch: { ...BATCH, providerStatus: 'canceling', cancelRequested: true } }) });
    assert.equal(await panel.page.locator('.actions button', { hasText: 'Cancel' }).count(), 0);
    assert.match((await panel.page.locator('.batch-status').textContent()) ?? '', /cancelling at the provider.*ends when the provider confirms/);
  });

  it('shows the finished batch job with its reasoning and findings, like a streamed job', async () => {
    await panel.send({ type: 'jobDetail', job: pendingDetail() });
    const finished = pendingDetail({
      status: 'succeeded',
      batch: undefined,
      costUsd: 0.0105,
      reasoning: 'The loop bound uses <= so the last iteration reads past the end.',
      reasoningSummary: 'The loop bound uses <= so the last iteration reads past the end.',
      findings: [{ id: 'f0', title: 'Loop reads values[values.length]', severity: 'high', confidence: 0.9, startLine: 3, endLine: 3, explanation: 'Off by one.' }],
      answer: 'Use `<`.',
      warnings: ['Batch price $0.0105 instead of $0.0210 at the list price (saved $0.0105).'],
    });
    await panel.send({ type: 'jobDetail', job: finished });
    assert.equal(await panel.page.locator('.batch-status').count(), 0);
    assert.equal(await panel.page.locator('.finding').count(), 1);
    assert.match((await panel.page.locator('.reasoning-text').textContent()) ?? '', /reads past the end/);
    assert.match((await panel.page.locator('.answer').textContent()) ?? '', /Use/);
    assert.equal(await panel.page.locator('.actions button', { hasText: /^\s*Helpful$/ }).count(), 1);
  });
});
