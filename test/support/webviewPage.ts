// Loads the real webview bundle in Debian's Chromium behind the real panel HTML and CSP.
// A local HTTP server plays the part of VS Code's resource origin; acquireVsCodeApi is a stub
// that records what the webview posts.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { panelHtml } from '../../src/vscode/panelHtml';
import type { HostMessage, WebviewMessage } from '../../src/protocol/panelMessages';

const ROOT = resolve(__dirname, '..', '..', '..');
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
  close(): Promise<void>;
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
    const file = normalize(join(ROOT, decodeURIComponent(url.pathname)));
    if (!file.startsWith(join(ROOT, 'dist')) && !file.startsWith(join(ROOT, 'media'))) {
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

export async function openPanel(state?: unknown): Promise<WebviewHarness> {
  const b = await launchBrowser();
  const context = await b.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  let html = '';
  const server = await serve(() => html);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  html = panelHtml({
    cspSource: origin,
    nonce: 'dGVzdC1ub25jZS0xMjM0NQ==',
    scriptUri: `${origin}/dist/webview.js`,
    styleUris: [`${origin}/dist/codicons/codicon.css`, `${origin}/media/panel.css`],
  });

  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(origin)) foreignRequests.push(r.url());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.addInitScript((initial) => {
    const w = window as unknown as { __posted: unknown[]; __state: unknown; acquireVsCodeApi: () => unknown };
    w.__posted = [];
    w.__state = initial;
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
    send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
    posted: () => page.evaluate(() => (window as unknown as { __posted: WebviewMessage[] }).__posted),
    close: async () => {
      await context.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
