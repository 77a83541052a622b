// The real webview bundle in Chromium: it handshakes, renders jobs and findings, streams
// reasoning, and ignores malformed messages.
import * as assert from 'node:assert/strict';
import type { PanelJobDetail } from '../../src/protocol/panelMessages';
import { closeBrowser, openPanel, type WebviewHarness } from '../support/webviewPage';

function job(overrides: Partial<PanelJobDetail> = {}): PanelJobDetail {
  return {
    id: 'job-1',
    title: 'Review sample.ts:3-5',
    status: 'succeeded',
    kind: 'review',
    model: 'claude-sonnet-4-5',
    tier: 'reasoning',
    createdAt: Date.now(),
    costUsd: 0.0123,
    target: { file: 'src/sample.ts', startLine: 3, endLine: 5 },
    routeReasons: ['multi-step debugging', 'nesting depth 4'],
    canEscalate: false,
    cached: false,
    stale: false,
    durationMs: 12_400,
    usage: { inputTokens: 1200, outputTokens: 900, reasoningTokens: 600, estimated: false },
    summary: 'One off-by-one bug.',
    findings: [
      { id: 'f1', title: 'Loop reads past the end', severity: 'high', confidence: 0.9, startLine: 3, endLine: 3, explanation: 'i <= length reads values[length].', suggestedFix: 'for (let i = 0; i < values.length; i++) {' },
      { id: 'f2', title: 'Empty input divides by zero', severity: 'low', confidence: 0.3, startLine: 6, endLine: 6, explanation: 'Returns NaN for [].' },
    ],
    answer: '## Answer\n\nUse `<` instead of `<=`.',
    reasoning: 'Looking at the loop bounds...',
    reasoningSummary: 'Checked loop bounds',
    warnings: [],
    ...overrides,
  };
}

describe('results panel webview (Chromium)', function () {
  let panel: WebviewHarness;

  beforeEach(async () => {
    panel = await openPanel();
  });
  afterEach(async () => {
    await panel.close();
  });
  after(closeBrowser);

  it('says ready to the host once loaded, under the strict CSP, without errors', async () => {
    const posted = await panel.posted();
    assert.deepEqual(posted[0], { type: 'ready' });
    assert.deepEqual(panel.pageErrors, []);
    const csp = await panel.page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(csp ?? '', /script-src 'nonce-/);
    assert.doesNotMatch(csp ?? '', /unsafe-inline|unsafe-eval/);
  });

  it('lists jobs with running ones first and asks for a job when clicked', async () => {
    await panel.send({
      type: 'jobs',
      jobs: [
        { id: 'old', title: 'Old review', status: 'succeeded', kind: 'review', createdAt: 1 },
        { id: 'run', title: 'Running debug', status: 'running', kind: 'debug', createdAt: 0 },
      ],
    });
    const titles = await panel.page.locator('.job-title').allTextContents();
    assert.deepEqual(titles, ['Running debug', 'Old review']);
    await panel.page.locator('.job', { hasText: 'Old review' }).click();
    const posted = await panel.posted();
    assert.deepEqual(posted.at(-1), { type: 'selectJob', jobId: 'old' });
  });

  it('shows what the job saved: "saved $x (prompt cache $y, batch $z)", and its cache tokens', async () => {
    await panel.send({
      type: 'jobDetail',
      job: job({
        costUsd: 0.004,
        usage: { inputTokens: 5000, cacheReadTokens: 4000, cacheWriteTokens: 500, outputTokens: 900, reasoningTokens: 600, estimated: false },
        savings: { listUsd: 0.0215, costUsd: 0.004, savedUsd: 0.0175, promptCacheUsd: 0.0135, batchUsd: 0.004 },
      }),
    });
    const saved = panel.page.locator('header .savings');
    await saved.waitFor();
    assert.equal(await saved.textContent(), 'saved $0.0175 (prompt cache $0.0135, batch $0.004)');
    assert.match((await saved.getAttribute('title')) ?? '', /List price without prompt caching or the batch discount: \$0\.0215/);
    assert.match((await panel.page.locator('header .usage').textContent()) ?? '', /5,000 in \(4,000 cache read, 500 cache write\)/);
    await panel.send({ type: 'jobDetail', job: job({ id: 'job-2' }) });
    await panel.page.locator('header .job-id', { hasText: 'job-2' }).waitFor();
    assert.equal(await panel.page.locator('header .savings').count(), 0, 'no savings line without savings');
    assert.deepEqual(panel.pageErrors, []);
  });

  it('renders findings with severity, confidence, dimmed low-confidence ones, and fix actions', async () => {
    await panel.send({ type: 'jobDetail', job: job() });
    const findings = panel.page.locator('.finding');
    assert.equal(await findings.count(), 2);
    assert.match((await findings.nth(0).textContent()) ?? '', /Loop reads past the end.*90%/s);
    assert.equal(await findings.nth(1).evaluate((el) => el.classList.contains('low-confidence')), true);
    assert.equal(await findings.nth(0).locator('button', { hasText: 'Apply fix' }).count(), 1);
    assert.equal(await findings.nth(1).locator('button', { hasText: 'Apply fix' }).count(), 0);
    await findings.nth(0).locator('button', { hasText: 'Apply fix' }).click();
    assert.deepEqual((await panel.posted()).at(-1), { type: 'request', requestId: 1, action: { type: 'applyFix', jobId: 'job-1', findingId: 'f1' } });
    assert.match((await panel.page.locator('.usage').textContent()) ?? '', /600 thinking · 300 answer/);
    assert.equal(await panel.page.locator('.answer h2').textContent(), 'Answer');
  });

  it('streams reasoning deltas into the open reasoning section and collapses it when the answer starts', async () => {
    await panel.send({ type: 'jobDetail', job: job({ status: 'running', reasoning: '', answer: '', findings: [] }) });
    assert.equal(await panel.page.locator('details.reasoning').evaluate((d) => (d as HTMLDetailsElement).open), true);
    for (const part of ['First, ', 'the loop ', 'bound.']) await panel.send({ type: 'jobDelta', jobId: 'job-1', reasoning: part });
    await panel.page.waitForFunction(() => document.querySelector('.reasoning-text')?.textContent === 'First, the loop bound.');
    await panel.send({ type: 'jobDelta', jobId: 'job-1', answer: 'The bug is' });
    await panel.page.waitForFunction(() => document.querySelector('.answer')?.textContent === 'The bug is');
    assert.equal(await panel.page.locator('details.reasoning').evaluate((d) => (d as HTMLDetailsElement).open), false);
  });

  it('ignores malformed messages without breaking', async () => {
    await panel.send({ type: 'jobDetail', job: { id: 42 } });
    await panel.send({ type: 'nonsense' });
    await panel.send({ type: 'jobs', jobs: [{ id: 'a', title: 'Still works', status: 'queued', kind: 'review', createdAt: 1 }] });
    assert.equal(await panel.page.locator('.job-title').textContent(), 'Still works');
    assert.deepEqual(panel.pageErrors, []);
  });
});
