// Review Changes in the real webview bundle: results grouped by file, skipped files with their
// reason, "Context sent" with every piece and its token count, and names from the repository
// rendered as text, never as markup.
import * as assert from 'node:assert/strict';
import type { PanelChangeSet } from '../../src/protocol/panelMessages';
import { closeBrowser, openPanel, type WebviewHarness } from '../support/webviewPage';

const SET: PanelChangeSet = {
  description: 'uncommitted changes',
  done: 2,
  total: 2,
  files: [
    {
      filePath: 'src/a.ts',
      jobId: 'job-a',
      status: 'succeeded',
      droppedOutsideChange: 1,
      findings: [{ id: 'f0', title: 'Score is not clamped', severity: 'high', startLine: 4, endLine: 4, hasFix: true }],
      context: [
        { label: 'AGENTS.md:1-2', kind: 'guidelines', tokens: 21 },
        { label: 'src/scoring.ts:1-3', kind: 'definition', symbol: 'clampScore', tokens: 34 },
      ],
    },
    { filePath: 'src/<img src=x onerror=alert(1)>.ts', jobId: 'job-b', status: 'succeeded', findings: [], context: [] },
    { filePath: 'logo.png', skipped: 'binary', findings: [], context: [] },
  ],
};

describe('Review Changes in the results panel (Chromium)', function () {
  let panel: WebviewHarness;

  beforeEach(async () => {
    panel = await openPanel();
  });
  afterEach(async () => {
    await panel.close();
  });
  after(closeBrowser);

  it('groups results by file with findings, dropped counts, skipped files and the context sent', async () => {
    await panel.send({ type: 'changeSet', set: SET });
    const files = panel.page.locator('.change-file');
    assert.equal(await files.count(), 3);
    assert.match((await panel.page.locator('.change-set h2').textContent()) ?? '', /Review Changes — uncommitted changes/);
    assert.match((await panel.page.locator('.change-set .meta').textContent()) ?? '', /2 of 2 files reviewed · 1 finding on changed lines/);
    const a = files.nth(0);
    assert.match((await a.textContent()) ?? '', /Score is not clamped/);
    assert.match((await a.textContent()) ?? '', /1 finding on unchanged lines dropped/);
    const pieces = a.locator('.context-pieces li');
    assert.equal(await pieces.count(), 2);
    assert.deepEqual(await a.locator('.context-label').allTextContents(), ['AGENTS.md:1-2', 'src/scoring.ts:1-3']);
    assert.match((await pieces.nth(1).textContent()) ?? '', /definition of clampScore.*34 tokens/);
    assert.match((await a.locator('.context-sent summary').textContent()) ?? '', /2 pieces, 55 tokens/);
    assert.match((await files.nth(2).textContent()) ?? '', /logo\.png.*Skipped: binary/s);

    await a.locator('a', { hasText: 'line 4' }).click();
    assert.deepEqual((await panel.posted()).at(-1), { type: 'request', requestId: 1, action: { type: 'revealRange', jobId: 'job-a', startLine: 4, endLine: 4 } });
    await a.locator('a', { hasText: 'fix…' }).click();
    assert.deepEqual((await panel.posted()).at(-1), { type: 'request', requestId: 2, action: { type: 'previewFix', jobId: 'job-a', findingId: 'f0' } });
    await a.locator('.change-file-link').click();
    assert.deepEqual((await panel.posted()).at(-1), { type: 'selectJob', jobId: 'job-a' });

    assert.equal(await panel.page.locator('img').count(), 0, 'a file name is text, not markup');
    assert.deepEqual(panel.pageErrors, []);
  });

  it('shows "Context sent" in a job detail', async () => {
    await panel.send({
      type: 'jobDetail',
      job: {
        id: 'job-a',
        title: 'Review src/a.ts:4-9',
        status: 'succeeded',
        kind: 'review',
        createdAt: 1,
        target: { file: 'src/a.ts', startLine: 4, endLine: 9 },
        routeReasons: [],
        canEscalate: false,
        cached: false,
        stale: false,
        findings: [],
        answer: '',
        reasoning: '',
        warnings: [],
        contextSent: [{ label: 'src/scoring.ts:1-3', kind: 'definition', symbol: 'clampScore', tokens: 34 }],
      },
    });
    assert.match((await panel.page.locator('.job-detail .context-sent').textContent()) ?? '', /Context sent.*1 piece, 34 tokens.*src\/scoring\.ts:1-3/s);
  });
});
