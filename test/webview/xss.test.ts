// Model output is untrusted. Script tags, event handlers, javascript: links (any case, entity
// encoded), SVG, iframes, objects, meta refresh, base href, CSS url() and remote images, put in
// every field the results panel and the HTML export show, must never run, never load anything,
// and (where the field is text) still read as the text the model wrote.
//   - the webview: the real bundle under the real CSP, and again with the CSP bypassed, so the
//     renderer (safe markdown + DOMPurify + text nodes) is shown to hold on its own;
//   - the export: jobToHtml() loaded in Chromium, with and without its CSP; and its CSP itself.
// Every payload sets window.__pwned and calls alert(); every request off the resource origin is
// recorded and aborted by a route before it leaves.
import * as assert from 'node:assert/strict';
import { closeBrowser, openPanel, type WebviewHarness } from '../support/webviewPage';
import { EVIL, FILE_PATH, inspectDom, markdownPayload, panelJob, pwn, settle, textPayload } from './hostilePayloads';

for (const mode of ['under its CSP', 'with the CSP bypassed (renderer alone)'] as const) {
  describe(`results panel webview against hostile model output, ${mode} (Chromium)`, function () {
    let panel: WebviewHarness;
    let navigations: string[];
    const bypass = mode !== 'under its CSP';

    beforeEach(async () => {
      panel = await openPanel(undefined, { context: { bypassCSP: bypass } });
      navigations = [];
      panel.page.on('framenavigated', (f) => navigations.push(f.url()));
    });
    afterEach(async () => {
      await panel.close();
    });
    after(closeBrowser);

    async function assertNothingHappened(): Promise<void> {
      const report = await inspectDom(panel.page, 'main.layout');
      assert.equal(report.pwned, undefined, `a payload ran: ${String(report.pwned)}`);
      assert.deepEqual(panel.dialogs, [], 'no dialog opened');
      assert.deepEqual(report.problems, [], 'nothing that could run or load is in the DOM');
      assert.deepEqual(panel.blockedRequests, [], 'no request to another origin was even attempted');
      assert.deepEqual(panel.foreignRequests, []);
      assert.deepEqual(navigations, [], 'the panel did not navigate (meta refresh, links)');
      assert.equal(panel.page.url(), `${panel.origin}/`);
      if (!bypass) assert.deepEqual(await panel.cspViolations(), [], 'the renderer never even tried something the CSP had to block');
      assert.deepEqual(panel.pageErrors, []);
    }

    it('shows payloads in every field of a job, streamed and finished, as inert text', async () => {
      await panel.send({ type: 'init', keepReasoningExpanded: true });
      await panel.send({
        type: 'jobs',
        jobs: [
          { id: 'job-x', title: textPayload('list-title'), status: 'running', kind: 'review', model: textPayload('list-model'), tier: 'reasoning', createdAt: 2 },
          { id: 'job-y', title: textPayload('list-title-2'), status: 'failed', kind: 'debug', createdAt: 1 },
        ],
      });
      // Running: the reasoning and the answer stream in as deltas.
      await panel.send({ type: 'jobDetail', job: panelJob('running') });
      await panel.send({ type: 'jobDelta', jobId: 'job-x', reasoning: `\n${markdownPayload('reasoning-delta')}` });
      await panel.send({ type: 'jobDelta', jobId: 'job-x', answer: markdownPayload('answer-delta') });
      await panel.page.waitForFunction(() => document.querySelector('.answer')?.textContent?.includes('After answer-delta.'));
      await settle(panel.page);
      assert.equal(await panel.page.locator('.reasoning-text').textContent(), `${markdownPayload('reasoning')}\n${markdownPayload('reasoning-delta')}`);
      assert.equal(await panel.page.locator('.answer').textContent(), markdownPayload('answer') + markdownPayload('answer-delta'));
      await assertNothingHappened();

      // Finished: the answer is rendered as markdown.
      await panel.send({ type: 'jobDetail', job: panelJob('succeeded') });
      await settle(panel.page);
      await assertNothingHappened();

      // Plain-text fields read exactly as the model wrote them.
      const text = (sel: string) => panel.page.locator(sel).first().textContent();
      assert.equal(await text('.job-detail header h2'), textPayload('title'));
      assert.equal(await text('.job-detail .target'), `${FILE_PATH}:1-3`);
      assert.equal(await text('.summary'), markdownPayload('summary'));
      assert.equal(await text('.finding strong'), textPayload('finding-title'));
      // Explanations are markdown now (code names in backticks render as code): inert, and whole.
      assert.match((await text('.finding .explanation')) ?? '', /^Before explanation\.[\s\S]*After explanation\.\s*$/);
      assert.equal(await text('.reasons li'), textPayload('reason'));
      assert.equal(await text('.note'), textPayload('route-note'));
      // Warnings are markdown now: the raw HTML stays text, the unsafe link and remote image go inert.
      assert.match((await text('.warning')) ?? '', /^warning <script>[\s\S]* x \[image: i\] <img src=\/\/evil\.example\/warning>\s*$/);
      assert.equal(await text('.error'), textPayload('error'));
      assert.equal(await text('.reasoning-text'), markdownPayload('reasoning'));
      assert.equal(await text('details.reasoning summary .muted'), ` — ${textPayload('reasoning-summary')}`);
      assert.deepEqual(await panel.page.locator('.job-title').allTextContents(), [textPayload('list-title'), textPayload('list-title-2')]);

      // The rendered answer shows raw HTML as text, keeps link texts, and drops unsafe targets.
      const answer = (await text('.answer')) ?? '';
      for (const shown of [
        'Before answer.',
        `<script>${pwn('answer:script')}</script>`,
        `<iframe src="${EVIL}/answer/frame"`,
        `<meta http-equiv="refresh" content="0;url=${EVIL}/answer/refresh">`,
        `<base href="${EVIL}/answer/">`,
        `<div style="background-image: url('${EVIL}/answer/inline-style.png')">`,
        'md javascript link',
        'md mixed case',
        'md entity',
        '[image: md remote image]',
        'After answer.',
      ]) {
        assert.ok(answer.includes(shown), `the answer shows ${JSON.stringify(shown)} as text`);
      }
      const hrefs = await panel.page.locator('.answer a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.deepEqual(hrefs, ['https://ok.example/'], 'only the http(s) link survives as a link');
      assert.equal(await panel.page.locator('.answer img').count(), 0, 'no image, remote or otherwise');
    });

    it('treats finding titles and file names as text in attributes too (aria-label, title)', async () => {
      await panel.send({ type: 'jobDetail', job: panelJob('succeeded') });
      await settle(panel.page);
      const label = await panel.page.locator('.finding').first().getAttribute('aria-label');
      assert.equal(label, `high finding: ${textPayload('finding-title')}`);
      await assertNothingHappened();
    });

    it('survives clicking every link and button the hostile job produced', async () => {
      await panel.send({ type: 'jobDetail', job: panelJob('succeeded') });
      await settle(panel.page);
      // Links other than in-page ones would navigate the webview; the renderer keeps only
      // http(s) ones, which VS Code opens outside. Here: click everything except those.
      const clickable = panel.page.locator('main.layout a:not([href^="http"]), main.layout button, main.layout summary, main.layout [role="option"]');
      const count = await clickable.count();
      for (let i = 0; i < count; i++) await clickable.nth(i).click({ force: true, noWaitAfter: true, timeout: 2000 }).catch(() => undefined);
      await settle(panel.page);
      await assertNothingHappened();
      // What the webview posted is only well-formed protocol messages.
      // Actions travel as requests (request/response); the action inside is what counts.
      const types = new Set((await panel.posted()).map((m) => (m.type === 'request' ? m.action.type : m.type)));
      for (const t of types) assert.ok(['ready', 'revealRange', 'previewFix', 'applyFix', 'dismissFinding', 'rerunWithExtendedThinking', 'feedback', 'copy', 'export', 'showCostReport', 'selectJob'].includes(t), t);
    });
  });
}

describe('the XSS detectors themselves (controls)', function () {
  after(closeBrowser);

  it('catch a payload injected past the renderer when the CSP is bypassed', async () => {
    const panel = await openPanel(undefined, { context: { bypassCSP: true } });
    try {
      await panel.page.evaluate((html) => document.querySelector('main.layout')?.insertAdjacentHTML('beforeend', html), `<img src=x onerror="${pwn('control')}"><img src="${EVIL}/control.png">`);
      await settle(panel.page);
      const report = await inspectDom(panel.page, 'main.layout');
      assert.equal(report.pwned, 'control');
      assert.deepEqual(panel.dialogs, ['alert: control']);
      assert.ok(report.problems.some((p) => p.includes('onerror')));
      assert.deepEqual(panel.blockedRequests, [`${EVIL}/control.png`]);
    } finally {
      await panel.close();
    }
  });

  it('show the panel CSP blocking the same injection as a second line of defence', async () => {
    const panel = await openPanel();
    try {
      await panel.page.evaluate((html) => document.querySelector('main.layout')?.insertAdjacentHTML('beforeend', html), `<img src=x onerror="${pwn('control')}"><img src="${EVIL}/control.png">`);
      await settle(panel.page);
      assert.equal((await inspectDom(panel.page, 'main.layout')).pwned, undefined);
      assert.deepEqual(panel.blockedRequests, [], 'the CSP stopped the image before any request');
      const violations = await panel.cspViolations();
      assert.ok(violations.some((v) => v.startsWith('script-src-attr')), violations.join(', '));
      assert.ok(violations.some((v) => v.startsWith('img-src') && v.includes('evil.example')), violations.join(', '));
    } finally {
      await panel.close();
    }
  });
});
