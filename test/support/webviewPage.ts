// Loads the real webview bundle in Debian's Chromium behind the real panel HTML and CSP.
// A local HTTP server plays the part of VS Code's resource origin; acquireVsCodeApi is a stub
// that records what the webview posts.
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { panelHtml } from '../../src/vscode/panelHtml';
import type { HostMessage, WebviewMessage } from '../../src/protocol/panelMessages';

/** The repository root, found from wherever the bundle runs (out/test/webview/, out/bench/). */
function findRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'esbuild.mjs')) && existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return resolve(__dirname, '..', '..', '..');
  }
}
const ROOT = findRoot();
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.png': 'image/png', '.html': 'text/html' };

export interface WebviewHarness {
  page: Page;
  /** Sends a host → webview message (as VS Code's postMessage would). */
  send(message: HostMessage | Record<string, unknown>): Promise<void>;
  posted(): Promise<WebviewMessage[]>;
  /** Requests the page made to anything but the resource server (must stay empty). */
  foreignRequests: string[];
  /** Errors thrown by page scripts. */
  pageErrors: string[];
  /** The resource origin (VS Code's `webview.cspSource` in the real panel). */
  origin: string;
  /** Requests to anything but the resource origin, aborted by the context's route before they left. */
  blockedRequests: string[];
  /** Messages of alert/confirm/prompt/beforeunload dialogs the page opened (all dismissed). */
  dialogs: string[];
  /** CSP violations the page reported (`securitypolicyviolation` events), as "directive uri". */
  cspViolations(): Promise<string[]>;
  close(): Promise<void>;
}

export interface OpenPanelOptions {
  /** Extra options for the browser context, e.g. `{ bypassCSP: true }` to test the sanitizer alone. */
  context?: BrowserContextOptions;
}

let browser: Browser | undefined;

export async function launchBrowser(): Promise<Browser> {
  browser ??= await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  return browser;
}

export async function closeBrowser(): Promise<void> {
  await browser?.close();
  browser = undefined;
}

/** Serves the page and, like VS Code's resource origin, only files under dist/ and media/. */
function serve(page: () => string): Promise<Server> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(page());
      return;
    }
    // DEEP_REVIEW_WEBVIEW_BUNDLE serves another build as dist/webview.js (benchmarks of an older
    // build, checking that the tests catch a broken one).
    const override = url.pathname === '/dist/webview.js' ? process.env.DEEP_REVIEW_WEBVIEW_BUNDLE : undefined;
    const file = override ? resolve(override) : normalize(join(ROOT, decodeURIComponent(url.pathname)));
    if (!override && !file.startsWith(join(ROOT, 'dist')) && !file.startsWith(join(ROOT, 'media'))) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

export async function openPanel(state?: unknown, options: OpenPanelOptions = {}): Promise<WebviewHarness> {
  const b = await launchBrowser();
  const context = await b.newContext({ viewport: { width: 1200, height: 800 }, ...options.context });
  let html = '';
  const server = await serve(() => html);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Nothing may leave the resource origin: record and abort anything else before it hits the network.
  const blockedRequests: string[] = [];
  await context.route(
    (url) => url.origin !== origin && url.protocol !== 'data:',
    (route) => {
      blockedRequests.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  const page = await context.newPage();
  html = panelHtml({
    cspSource: origin,
    nonce: 'dGVzdC1ub25jZS0xMjM0NQ==',
    scriptUri: `${origin}/dist/webview.js`,
    styleUris: [`${origin}/dist/codicons/codicon.css`, `${origin}/media/panel.css`],
  });

  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(origin)) foreignRequests.push(r.url());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  });
  await page.addInitScript((initial) => {
    const w = window as unknown as { __posted: unknown[]; __state: unknown; __cspViolations: string[]; acquireVsCodeApi: () => unknown };
    w.__posted = [];
    w.__state = initial;
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__cspViolations.push(`${e.effectiveDirective} ${e.blockedURI}`));
    w.acquireVsCodeApi = () => ({
      postMessage: (m: unknown) => w.__posted.push(m),
      getState: () => w.__state,
      setState: (s: unknown) => {
        w.__state = s;
      },
    });
  }, state ?? null);
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));

  return {
    page,
    foreignRequests,
    pageErrors,
    origin,
    blockedRequests,
    dialogs,
    cspViolations: () => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations),
    send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
    posted: () => page.evaluate(() => (window as unknown as { __posted: WebviewMessage[] }).__posted),
    close: async () => {
      await context.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A long task as PerformanceObserver reports it, on the page's performance.now() clock. */
export interface LongTask {
  start: number;
  duration: number;
}

export interface StreamReasoningOptions {
  jobId: string;
  /** Characters of reasoning to stream (ASCII, so characters = bytes). */
  totalChars: number;
  /** Size of one delta, like one chunk of a provider's stream (~100 bytes). */
  deltaChars: number;
  /** Deltas posted back to back (each one its own message task) before yielding. */
  deltasPerBatch: number;
  /** What to yield to between batches: the next animation frame, or just a task (several batches per frame). */
  pace?: 'frame' | 'task';
  /** Also post a delta for another job after every Nth delta (0: never). */
  foreignEvery?: number;
  /** Seed of the generated text. */
  seed?: number;
}

export interface StreamReasoningResult {
  sentChars: number;
  deltas: number;
  foreignDeltas: number;
  batches: number;
  /** Animation frames that ran while streaming. */
  frames: number;
  /** performance.now() when the first delta was posted, and the time until the stream was shown. */
  startedAt: number;
  elapsedMs: number;
  /** Length of `.reasoning-text` after the stream, minus what it held before. */
  receivedChars: number;
  /** The text shown is exactly what was there plus the deltas, in order. */
  intact: boolean;
  /** Index of the first differing character when not intact, else -1. */
  firstMismatch: number;
  /** Text nodes under `.reasoning-text` afterwards (about one per flushed frame, plus the initial one). */
  textNodes: number;
  /** Long tasks (> 50 ms, wall clock) observed from the first delta until the stream was shown. */
  longTasks: LongTask[];
}

/**
 * Streams generated reasoning into the panel from inside the page, so the test measures the
 * webview and not CDP round trips: `window.postMessage` per delta, exactly as VS Code delivers
 * host messages, in batches spread over frames or tasks, while a PerformanceObserver records
 * long tasks. The job must already be shown as running.
 */
export function streamReasoning(page: Page, options: StreamReasoningOptions): Promise<StreamReasoningResult> {
  return page.evaluate(async (o) => {
    const el = document.querySelector('.reasoning-text');
    if (!el) throw new Error('no .reasoning-text: show a running job first');
    const before = el.textContent ?? '';

    // Deterministic, non-periodic text shaped like a reasoning trace: words, lines, paragraphs.
    let s = (o.seed ?? 1) >>> 0;
    const rnd = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    const words = ['the', 'loop', 'bound', 'index', 'values.length', 'so', 'if', 'we', 'consider', 'null', 'check', 'await', 'race', 'between', 'callers', 'returns', 'NaN', 'when', 'empty', 'array', 'cache', 'key', 'is', 'stale', 'because', 'mutex', 'i <= n', 'off-by-one', 'Hmm,', 'Wait,', 'Actually', 'Let me', 'verify:', '`x`', 'line 42', '{', '}', '=>', '&&', '<T>'];
    const parts: string[] = [];
    let size = 0;
    let line = 0;
    while (size < o.totalChars) {
      const w = words[Math.floor(rnd() * words.length)] ?? 'x';
      line += w.length + 1;
      const sep = line > 60 + rnd() * 60 ? (rnd() < 0.15 ? '\n\n' : '\n') : ' ';
      if (sep !== ' ') line = 0;
      parts.push(w, sep);
      size += w.length + sep.length;
    }
    const text = parts.join('').slice(0, o.totalChars);

    const longTasks: { start: number; duration: number }[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration });
    });
    observer.observe({ type: 'longtask' });

    let frames = 0;
    let counting = true;
    const countFrames = () => {
      frames++;
      if (counting) requestAnimationFrame(countFrames);
    };
    requestAnimationFrame(countFrames);

    const sentinel = `__stream-done-${Math.random()}`;
    const done = new Promise<void>((resolve) => {
      const onMessage = (e: MessageEvent) => {
        if ((e.data as { jobId?: string } | null)?.jobId !== sentinel) return;
        window.removeEventListener('message', onMessage);
        resolve();
      };
      window.addEventListener('message', onMessage);
    });
    const yieldNow = () =>
      new Promise<void>((r) => {
        if (o.pace === 'task') setTimeout(r, 0);
        else requestAnimationFrame(() => setTimeout(r, 0));
      });

    const started = performance.now();
    let sent = 0;
    let deltas = 0;
    let foreignDeltas = 0;
    let batches = 0;
    while (sent < text.length) {
      for (let k = 0; k < o.deltasPerBatch && sent < text.length; k++) {
        const piece = text.slice(sent, sent + o.deltaChars);
        sent += piece.length;
        deltas++;
        window.postMessage({ type: 'jobDelta', jobId: o.jobId, reasoning: piece, reasoningTokens: Math.round(sent / 4) }, '*');
        if (o.foreignEvery && deltas % o.foreignEvery === 0) {
          foreignDeltas++;
          window.postMessage({ type: 'jobDelta', jobId: `${o.jobId}-other`, reasoning: '\u0000FOREIGN\u0000', answer: '\u0000FOREIGN\u0000' }, '*');
        }
      }
      batches++;
      await yieldNow();
    }
    // Same task source as the deltas, so it arrives after all of them; a valid jobDelta for no
    // shown job, which the panel ignores. Then one frame for the batcher to flush.
    window.postMessage({ type: 'jobDelta', jobId: sentinel }, '*');
    await done;
    await new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const elapsedMs = performance.now() - started;
    counting = false;
    // Long-task entries are queued after the task ends; give them a moment, then collect.
    await new Promise((r) => setTimeout(r, 100));
    for (const e of observer.takeRecords()) longTasks.push({ start: e.startTime, duration: e.duration });
    observer.disconnect();

    const countTextNodes = (root: Node) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      let n = 0;
      while (walker.nextNode()) n++;
      return n;
    };
    const shown = el.textContent ?? '';
    const expected = before + text;
    let firstMismatch = -1;
    if (shown !== expected) {
      firstMismatch = 0;
      while (firstMismatch < shown.length && shown[firstMismatch] === expected[firstMismatch]) firstMismatch++;
    }
    return {
      sentChars: sent,
      deltas,
      foreignDeltas,
      batches,
      frames,
      startedAt: started,
      elapsedMs,
      receivedChars: shown.length - before.length,
      intact: shown === expected,
      firstMismatch,
      textNodes: countTextNodes(el),
      longTasks,
    };
  }, options);
}

/** One task of the page's renderer main thread, from Chromium's trace. */
export interface MainThreadTask {
  /** On the page's performance.now() clock. */
  start: number;
  wallMs: number;
  /** Thread CPU time: how long the main thread actually ran during the task. */
  cpuMs: number;
}

/**
 * Runs `run` while Chromium traces the page's renderer main thread (category `toplevel`), and
 * returns every task it ran with its wall and CPU (thread) time, on the page's clock: a
 * performance.mark, which the trace records with its own timestamp, aligns the two clocks.
 */
export async function traceMainThread<T>(page: Page, run: () => Promise<T>): Promise<{ result: T; tasks: MainThreadTask[] }> {
  const b = page.context().browser();
  if (!b) throw new Error('traceMainThread needs a launched browser');
  await b.startTracing(page, { categories: ['toplevel', 'blink.user_timing'] });
  let result!: T;
  let sync = 0;
  let trace: Buffer;
  try {
    sync = await page.evaluate(() => performance.mark('__deep_review_trace_sync').startTime);
    result = await run();
  } finally {
    trace = await b.stopTracing();
  }
  interface TraceEvent {
    name: string;
    ph: string;
    pid: number;
    tid: number;
    ts: number;
    dur?: number;
    tdur?: number;
  }
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const mark = events.find((e) => e.name === '__deep_review_trace_sync');
  if (!mark) throw new Error('the trace has no clock-sync mark');
  const offsetMs = mark.ts / 1000 - sync;
  const tasks = events
    .filter((e) => e.ph === 'X' && e.pid === mark.pid && e.tid === mark.tid && (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask'))
    .map((e) => ({ start: e.ts / 1000 - offsetMs, wallMs: (e.dur ?? 0) / 1000, cpuMs: (e.tdur ?? e.dur ?? 0) / 1000 }));
  return { result, tasks };
}

export interface LongTaskVerdict extends LongTask {
  /** CPU time of the matching traced task; null when none matched (counted as the page's). */
  cpuMs: number | null;
  /** The main thread ran < 50 ms of CPU: the rest of the wall time it was descheduled by the OS. */
  preempted: boolean;
}

/**
 * Tells a long task the page caused from one a loaded machine caused: the matching traced task
 * (same start within 3 ms) is "preempted" when its thread CPU time stayed under 50 ms, i.e. the
 * page did less than a long task's worth of work and the wall time went to other processes.
 */
export function judgeLongTasks(longTasks: LongTask[], tasks: MainThreadTask[]): LongTaskVerdict[] {
  return longTasks.map((lt) => {
    let best: MainThreadTask | undefined;
    for (const t of tasks) {
      const d = Math.abs(t.start - lt.start);
      if (d <= 3 && (!best || d < Math.abs(best.start - lt.start))) best = t;
    }
    const cpuMs = best ? best.cpuMs : null;
    return { ...lt, cpuMs, preempted: cpuMs !== null && cpuMs < 50 };
  });
}
