// The HTML export against hostile model output: jobToHtml() loaded in Chromium, with and without
// its CSP, and the CSP itself (see xss.test.ts for the panel and the payloads).
import * as assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { HTML_REPORT_CSP, jobToHtml } from '../../src/core/jobs/jobReport';
import { jobRecordSchema, type JobRecord } from '../../src/core/jobs/job';
import { closeBrowser, launchBrowser } from '../support/webviewPage';
import { EVIL, FILE_PATH, inspectDom, markdownPayload, pwn, settle, textPayload } from './hostilePayloads';

// ---------------------------------------------------------------------------------------------
// HTML export

function hostileJobRecord(): JobRecord {
  return jobRecordSchema.parse({
    id: 'job-export',
    request: {
      kind: 'debug',
      target: {
        type: 'diagnostics',
        filePath: FILE_PATH,
        // The fence's info string in the export comes from the language id.
        languageId: `ts"><img src=x onerror="${pwn('language-id')}"><x y="`,
        startLine: 1,
        endLine: 3,
        code: markdownPayload('code'),
        contextBefore: '',
        contextAfter: '',
        diagnostics: [{ message: textPayload('diagnostic'), severity: 'error', startLine: 1, endLine: 1, source: textPayload('source') }],
      },
      instruction: textPayload('instruction'),
      options: {},
    },
    route: {
      tier: 'reasoning',
      provider: 'openai-compatible',
      model: textPayload('model'),
      reasoning: true,
      effort: 'high',
      maxThinkingTokens: 8192,
      maxAnswerTokens: 4096,
      baseUrl: `${EVIL}/v1`,
      complexity: { tier: 'complex', score: 9 },
      reasons: [markdownPayload('reason')],
      note: markdownPayload('note'),
      expectedWait: { lowSeconds: 10, highSeconds: 60, reason: textPayload('wait') },
    },
    cacheKey: 'k',
    fileHash: 'h',
    status: 'failed',
    createdAt: 1,
    finishedAt: 2,
    fromCache: false,
    reasoning: `${markdownPayload('reasoning')}\n\`\`\`\`\`\`\n</code></pre><script>${pwn('fence-escape')}</script>`,
    answer: markdownPayload('raw-answer'),
    result: {
      summary: markdownPayload('summary'),
      findings: [
        { title: textPayload('finding-title'), severity: 'critical', confidence: 0.8, startLine: 1, endLine: 2, explanation: markdownPayload('explanation'), suggestedFix: `${markdownPayload('fix')}\n\`\`\`\`\n<script>${pwn('fix-escape')}</script>` },
        { title: `<img src=x onerror="${pwn('finding2')}">`, severity: 'info', confidence: 0.2, startLine: 3, endLine: 3, explanation: textPayload('explanation2') },
      ],
      answer: markdownPayload('answer'),
    },
    usage: { inputTokens: 1, cachedInputTokens: 0, outputTokens: 2, reasoningTokens: 1, estimated: true },
    costUsd: null,
    error: { kind: 'internal', message: markdownPayload('error') },
    warnings: [markdownPayload('warning'), textPayload('warning2')],
    retries: 0,
    dismissedFindings: [],
  });
}

const REPORT_URL = 'http://report.test/deep-review-report.html';

interface LoadedReport {
  page: Page;
  context: BrowserContext;
  requests: string[];
  dialogs: string[];
  navigations: string[];
  pageErrors: string[];
  violations(): Promise<string[]>;
  pwned(): Promise<unknown>;
}

/** Opens `html` as the page at REPORT_URL; every other request is recorded and aborted. */
async function loadReport(html: string, bypassCSP: boolean): Promise<LoadedReport> {
  const browser = await launchBrowser();
  const context = await browser.newContext({ bypassCSP, javaScriptEnabled: true });
  const requests: string[] = [];
  let served = false;
  await context.route('**/*', (route) => {
    if (!served && route.request().url() === REPORT_URL && route.request().isNavigationRequest()) {
      served = true;
      return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
    }
    requests.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const navigations: string[] = [];
  const pageErrors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  await page.goto(REPORT_URL);
  page.on('framenavigated', (f) => navigations.push(f.url()));
  await settle(page);
  return {
    page,
    context,
    requests,
    dialogs,
    navigations,
    pageErrors,
    violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations),
    pwned: () => page.evaluate(() => (window as { __pwned?: unknown }).__pwned),
  };
}

/** Parses a CSP into directive → sources. */
function parseCsp(csp: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), sources);
  }
  return out;
}

describe('HTML export against hostile model output (Chromium)', function () {
  const job = hostileJobRecord();
  const html = jobToHtml(job);
  after(closeBrowser);

  it('carries a CSP that allows no script, no remote load and no base/form redirection', () => {
    const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)];
    assert.equal(metas.length, 1);
    const csp = metas[0]?.[1] ?? '';
    assert.equal(csp, HTML_REPORT_CSP);
    const d = parseCsp(csp);
    assert.deepEqual(d.get('default-src'), ["'none'"]);
    // Scripts fall back to default-src 'none' unless a script directive loosens them.
    for (const name of ['script-src', 'script-src-elem', 'script-src-attr', 'worker-src', 'child-src', 'frame-src', 'object-src', 'connect-src', 'font-src', 'media-src', 'manifest-src']) {
      const sources = d.get(name);
      assert.ok(sources === undefined || (sources.length === 1 && sources[0] === "'none'"), `${name} ${sources?.join(' ')}`);
    }
    assert.deepEqual(d.get('img-src'), ['data:']);
    assert.deepEqual(d.get('base-uri'), ["'none'"]);
    assert.deepEqual(d.get('form-action'), ["'none'"]);
    assert.doesNotMatch(csp, /unsafe-eval|strict-dynamic|nonce-|sha(256|384|512)-|https?:|\*/);
    // The CSP comes before anything that could load or run: first in <head> after the charset.
    const head = /<head>([\s\S]*?)<\/head>/.exec(html)?.[1] ?? '';
    assert.match(head.trim(), /^<meta charset="utf-8">\s*<meta http-equiv="Content-Security-Policy"/);
  });

  it('the CSP really stops scripts and loads in Chromium (canaries injected after it)', async () => {
    const canaries = `<script>window.__pwned='inline-canary'</script><script src="${EVIL}/canary.js"></script><img src="${EVIL}/canary.png"><img src=x onerror="window.__pwned='handler-canary'"><style>body{background:url(${EVIL}/canary-bg.png)}</style>`;
    const withCanaries = html.replace('</head>', `${canaries}</head>`);
    assert.notEqual(withCanaries, html);
    const r = await loadReport(withCanaries, false);
    try {
      assert.equal(await r.pwned(), undefined);
      assert.deepEqual(r.requests, [], 'the CSP blocked every load before it became a request');
      const v = await r.violations();
      for (const directive of ['script-src-elem', 'script-src-attr', 'img-src']) assert.ok(v.some((x) => x.startsWith(directive)), `${directive} violation in ${v.join(', ')}`);
    } finally {
      await r.context.close();
    }
  });

  for (const bypassCSP of [false, true]) {
    it(`runs nothing and loads nothing ${bypassCSP ? 'with its CSP bypassed (renderer alone)' : 'under its CSP'}`, async () => {
      const r = await loadReport(html, bypassCSP);
      try {
        assert.equal(await r.pwned(), undefined);
        assert.deepEqual(r.dialogs, []);
        assert.deepEqual(r.requests, [], 'no request left the report');
        assert.deepEqual(r.navigations, [], 'no meta refresh or other navigation');
        assert.equal(r.page.url(), REPORT_URL);
        assert.deepEqual(r.pageErrors, []);
        if (!bypassCSP) assert.deepEqual(await r.violations(), [], 'the renderer never even tried something the CSP had to block');
        const report = await inspectDom(r.page, 'body');
        assert.deepEqual(report.problems, []);
        // Only the report's own <head> elements exist: the charset, CSP and viewport metas, title, style.
        assert.deepEqual(await r.page.evaluate(() => [...document.head.children].map((e) => e.localName)), ['meta', 'meta', 'meta', 'title', 'style']);
        assert.equal(await r.page.evaluate(() => document.scripts.length), 0);

        // The payloads read as text.
        const text = await r.page.evaluate(() => document.body.innerText);
        assert.match(await r.page.title(), /^Debug .* — Deep Review$/s);
        for (const shown of [
          `<script>${pwn('answer:script')}</script>`,
          `<script>${pwn('summary:script')}</script>`,
          `<iframe src="${EVIL}/explanation/frame"`,
          `<meta http-equiv="refresh" content="0;url=${EVIL}/answer/refresh">`,
          `<base href="${EVIL}/summary/">`,
          `<script>${pwn('reasoning:script')}</script>`,
          `<script>${pwn('fix:script')}</script>`,
          `</code></pre><script>${pwn('fence-escape')}</script>`,
          `<script>${pwn('fix-escape')}</script>`,
          '[image: md remote image]',
          'md javascript link',
          'After answer.',
          'After error.',
          'After warning.',
          'After note.',
        ]) {
          assert.ok(text.includes(shown), `the report shows ${JSON.stringify(shown)} as text`);
        }
        const hrefs = await r.page.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        assert.ok(hrefs.length > 0 && hrefs.every((h) => h === 'https://ok.example/'), JSON.stringify(hrefs));
        assert.equal(await r.page.locator('img').count(), 0);
      } finally {
        await r.context.close();
      }
    });
  }
});
