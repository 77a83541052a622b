// The offline route (shared/reference/offline-vscode-tests.md): code-server serves VS Code
// 1.100.3; Debian's Chromium opens the workbench with a `payload` that loads this extension
// and the test entry into the server's Node extension host. Mocha's report arrives through
// window.codeAutomationLog, the exit code through window.codeAutomationExit.
import { spawn } from 'node:child_process';
import { closeSync, createWriteStream, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { format } from 'node:util';
import { chromium } from 'playwright-core';
import { codeServerDir, extensionRoot, freshWorkspace, testsEntry } from './hosts.mjs';
import { suiteOutputLine } from './suiteOutput.mjs';

const verbose = process.env.DEEP_REVIEW_TEST_VERBOSE === '1';
const TIMEOUT_MS = Number(process.env.DEEP_REVIEW_INTEGRATION_TIMEOUT_MS ?? 15 * 60_000);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForHealth(url, deadline) {
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not become healthy at ${url}`);
}

async function takeScreenshot(page, path, hoverLabel) {
  if (hoverLabel) {
    await page.locator(`[aria-label^="${hoverLabel}"]`).first().hover();
    await page.waitForTimeout(1200);
  } else {
    await page.mouse.move(700, 40); // away from anything with a hover
    await page.waitForTimeout(300);
  }
  await page.screenshot({ path });
  console.log(`      (screenshot saved: ${path})`);
}

export async function runIntegration(extraEnv = {}) {
  const cs = codeServerDir();
  const state = join(extensionRoot, '.test-state', `code-server-${process.pid}`);
  rmSync(state, { recursive: true, force: true });
  mkdirSync(join(state, 'xdg'), { recursive: true });
  writeFileSync(join(state, 'config.yaml'), '');
  const workspace = freshWorkspace(state);
  const hostLogPath = join(state, 'workbench.log');
  const hostLog = createWriteStream(hostLogPath);
  const serverLog = openSync(join(state, 'server.log'), 'a');
  const port = await freePort();
  const env = {
    ...process.env,
    ...extraEnv,
    EXTENSIONS_GALLERY: '{}',
    XDG_CONFIG_HOME: join(state, 'xdg'),
    XDG_DATA_HOME: join(state, 'xdg'),
    XDG_CACHE_HOME: join(state, 'xdg'),
    DEEP_REVIEW_TEST_WORKSPACE: workspace,
  };
  // A process group of its own, so the file watcher child goes down with it.
  const server = spawn(
    process.execPath,
    [
      join(cs, 'out', 'node', 'entry.js'),
      '--config', join(state, 'config.yaml'),
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--user-data-dir', join(state, 'ud'),
      '--extensions-dir', join(state, 'ext'),
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--disable-getting-started-override', '--ignore-last-opened',
    ],
    { env, detached: true, stdio: verbose ? 'inherit' : ['ignore', serverLog, serverLog] },
  );
  let browser;
  try {
    await waitForHealth(`http://127.0.0.1:${port}/healthz`, Date.now() + 60_000);
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(extensionRoot)],
      ['extensionTestsPath', remote(testsEntry)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    browser = await chromium.launchPersistentContext(join(state, 'chromium'), {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      env: { ...process.env, HOME: state },
      viewport: { width: 1400, height: 900 },
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
      ],
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    const exitCode = new Promise((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code) => resolve(Number(code)));
    });
    const shots = process.env.DEEP_REVIEW_SCREENSHOTS;
    let shooting = Promise.resolve();
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const raw = format(...(Array.isArray(args) ? args : [args]));
      hostLog.write(`[${type}] ${raw}\n`);
      // Only the suite's own lines by default; the workbench's go to the log (and with verbose, here).
      const suiteLine = suiteOutputLine(raw);
      const text = suiteLine ?? raw;
      // The suite asks for README screenshots by logging "[screenshot] <name> [hover=<aria-label prefix>]".
      const shot = shots ? /^\[screenshot\] ([\w-]+)(?: hover=(.+))?$/.exec(text.trim()) : null;
      if (shot) {
        shooting = shooting.then(() => takeScreenshot(page, join(shots, `${shot[1]}.png`), shot[2])).catch((err) => console.error(`screenshot ${shot[1]} failed: ${err.message}`));
        return;
      }
      if (suiteLine !== undefined) process.stdout.write(`${text}\n`);
      else if (verbose) process.stdout.write(`[${type}] ${text}\n`);
    });
    page.on('console', (m) => {
      hostLog.write(`[page] ${m.text()}\n`);
      if (verbose) console.log(`[page] ${m.text()}`);
    });
    await page.goto(url);
    const timeout = new Promise((resolve) =>
      setTimeout(() => {
        console.error(`integration tests did not finish within ${TIMEOUT_MS / 1000} s`);
        resolve(1);
      }, TIMEOUT_MS).unref(),
    );
    const code = await Promise.race([exitCode, timeout]);
    if (code !== 0 && !verbose) console.error(`(the workbench's own log of this run: ${hostLogPath}, the server's: ${join(state, 'server.log')}; DEEP_REVIEW_TEST_VERBOSE=1 prints them as they come)`);
    return code;
  } catch (err) {
    console.error(`code-server run failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await browser?.close().catch(() => undefined);
    hostLog.end();
    closeSync(serverLog);
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
}
