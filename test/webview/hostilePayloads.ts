// Hostile model output for the XSS tests: payloads for every field, a job full of them, and a
// DOM inspector that finds anything able to run or load. Shared by xss.test.ts and xssExport.test.ts.
import type { Page } from 'playwright-core';
import type { PanelJobDetail } from '../../src/protocol/panelMessages';

export const EVIL = 'https://evil.example';

/** JavaScript that marks the page as compromised, naming the payload that got through. */
export const pwn = (name: string) => `window.__pwned='${name}';alert('${name}')`;
export const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A markdown document of payloads; `where` names the field, so a failure says which one. */
export function markdownPayload(where: string): string {
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
export function textPayload(where: string): string {
  const p = (what: string) => pwn(`${where}:${what}`);
  return `${where} <script>${p('script')}</script><img src=x onerror="${p('img')}"><svg onload="${p('svg')}"> <iframe src=${EVIL}/${where}> <a href="javascript:${p('a')}">a</a> [x](JaVaScRiPt:${p('md')}) ![i](${EVIL}/${where}.png) <img src=//evil.example/${where}>`;
}

/** A file path that also tries to break out of the Markdown export's code span and list. */
export const FILE_PATH = `src/evil\`name${'<img src=x onerror="' + pwn('file') + '">'}\n\n<script>${pwn('file-script')}</script>.ts`;

export function panelJob(status: PanelJobDetail['status']): PanelJobDetail {
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

export interface DomReport {
  pwned: unknown;
  problems: string[];
}

/** Looks through `root` for anything that could run or load: elements, handlers, URLs, CSS. */
export function inspectDom(page: Page, rootSelector: string): Promise<DomReport> {
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
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))));
  await page.waitForTimeout(700);
}
