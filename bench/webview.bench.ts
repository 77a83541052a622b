// Webview streaming benchmark: what one reasoning delta costs the results panel when the trace
// shown is 10 KB long vs 1 MB long, and whether streaming 1 MB produces any long task.
//   node esbuild.mjs --tests && node out/bench/webview.bench.js     (or `node bench/run.mjs webview`)
// Runs the real bundle (dist/webview.js) behind the real panel HTML and CSP in Debian's Chromium
// (test/support/webviewPage.ts). Env: BENCH_SAMPLES (per size, default 240), DEEP_REVIEW_WEBVIEW_BUNDLE
// (another build of the webview bundle to measure instead of dist/webview.js, e.g. an older one).
//
// Method — the cost of one update, measured inside the page with performance.now() (0.1 ms
// resolution in a page that is not cross-origin isolated):
//   1. Wait for a quiet frame (requestAnimationFrame → setTimeout), so nothing else is pending.
//   2. Register rAF callback A (it will be the first callback of the next frame), then post one
//      ~100-byte jobDelta with window.postMessage, exactly as VS Code delivers host messages.
//   3. A capture-phase 'message' listener (runs before the panel's own listener) and a
//      bubble-phase listener added after it (runs after) time the panel's handler: zod validation
//      and the FrameBatcher push. The second listener then registers rAF callback C, which runs
//      after the batcher's flush callback B (rAF callbacks run in registration order).
//   4. C posts a MessageChannel message. Chromium runs the rAF callbacks and then style, layout,
//      pre-paint and paint of the frame in one task, so that message is handled only once the
//      frame's DOM write *and the rendering it caused* are done. frame = t(handled) − t(A).
//      A sample is kept only if A and C saw the same frame timestamp (same frame).
//   update = handler + frame: all main-thread work one delta causes, vsync wait excluded.
//   latency = t(handled) − t(postMessage): what the user waits, vsync included (~16.7 ms frames).
//   The same cycle with a delta for another job (ignored, nothing written) gives the cost of an
//   idle frame for comparison. The handler alone is below the timer's resolution, so it is also
//   measured as the mean of 200 deltas dispatched back to back in one task.
// Why not a MutationObserver or timing the flush callback: both see only the append itself
// (microseconds, the same at any size). What grows with the trace is the layout and paint the
// append triggers, which happen after the callbacks; only a timestamp after the frame sees them.
// 10 KB: the panel is reset to a fresh 10 KB stream every 20 samples (so it stays 10–12 KB).
// 1 MB: one panel holds a streamed 1 MB trace (it grows to ~1.04 MiB over the run). Sizes
// alternate in rounds, so that changes in machine load affect both alike.
// Long tasks (> 50 ms, PerformanceObserver 'longtask', wall clock) are counted while 1 MB streams
// in 100-byte deltas, ~100 deltas per frame, and again with 20 deltas per task (several tasks per
// frame). Chromium traces the renderer's main thread meanwhile: a long task whose thread CPU time
// is under 50 ms was the OS descheduling the renderer on a loaded machine, not the page's work;
// both counts are printed, and the longest task's CPU time.
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import type { Page } from 'playwright-core';
import type { PanelJobDetail } from '../src/protocol/panelMessages';
import {
  closeBrowser,
  judgeLongTasks,
  launchBrowser,
  openPanel,
  streamReasoning,
  traceMainThread,
  type StreamReasoningOptions,
  type WebviewHarness,
} from '../test/support/webviewPage';

const KB = 1024;
const MB = 1024 * KB;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 240);
const ROUND = 20;
const TARGET_RATIO = 1.5;

interface Sample {
  handler: number;
  frame: number;
  latency: number;
}

interface Summary {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

function summarize(xs: number[]): Summary {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
  return { n: s.length, p50: at(0.5), p95: at(0.95), max: s[s.length - 1] ?? NaN };
}

function runningJob(id: string): PanelJobDetail {
  return {
    id,
    title: 'Debug scheduler.ts',
    status: 'running',
    kind: 'debug',
    model: 'deepseek-reasoner',
    tier: 'reasoning',
    createdAt: Date.now(),
    target: { file: 'src/scheduler.ts', startLine: 1, endLine: 400 },
    routeReasons: ['concurrency'],
    canEscalate: false,
    cached: false,
    stale: false,
    findings: [],
    answer: '',
    reasoning: '',
    warnings: [],
  };
}

/** Measures `n` single-delta updates (or idle frames, when `jobId` is not the shown job). */
function measureUpdates(page: Page, jobId: string, n: number): Promise<{ samples: Sample[]; discarded: number }> {
  return page.evaluate(
    async ({ jobId, n }) => {
      const line = 'so the lock is released before the callback runs, which means a second caller can';
      const samples: { handler: number; frame: number; latency: number }[] = [];
      let discarded = 0;
      const quiet = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      for (let i = 0; samples.length < n && i < n * 3; i++) {
        await quiet();
        const s = await new Promise<{ handler: number; frame: number; latency: number } | null>((resolve) => {
          let tA = 0;
          let frameA = -1;
          let tIn = 0;
          let tOut = 0;
          requestAnimationFrame((ts) => {
            frameA = ts;
            tA = performance.now();
          });
          const onCapture = () => {
            tIn = performance.now();
          };
          const onBubble = () => {
            tOut = performance.now();
            requestAnimationFrame((ts) => {
              const ch = new MessageChannel();
              ch.port1.onmessage = () => {
                const end = performance.now();
                resolve(ts === frameA ? { handler: tOut - tIn, frame: end - tA, latency: end - tPost } : null);
              };
              ch.port2.postMessage(null);
            });
          };
          window.addEventListener('message', onCapture, { capture: true, once: true });
          window.addEventListener('message', onBubble, { once: true });
          // ~100 bytes, ending a line now and then like a real trace.
          const text = `${line.slice(0, 80 + (i % 20))}${i % 3 === 0 ? '\n' : ' '}`;
          const tPost = performance.now();
          window.postMessage({ type: 'jobDelta', jobId, reasoning: text }, '*');
        });
        if (s) samples.push(s);
        else discarded++;
      }
      return { samples, discarded };
    },
    { jobId, n },
  );
}

/**
 * Mean handler cost per delta at a finer grain than performance.now()'s 0.1 ms: `n` deltas
 * dispatched to the panel's message listener back to back in one task, divided by n. (Their
 * text is flushed in the next frame; for the 10 KB panel that is undone by the next reset.)
 */
function measureHandlerMean(page: Page, jobId: string, n: number): Promise<number> {
  return page.evaluate(
    async ({ jobId, n }) => {
      await new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const t0 = performance.now();
      for (let i = 0; i < n; i++) window.dispatchEvent(new MessageEvent('message', { data: { type: 'jobDelta', jobId, reasoning: `${i} `.padEnd(10, '.') } }));
      const mean = (performance.now() - t0) / n;
      await new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return mean;
    },
    { jobId, n },
  );
}

async function showStream(panel: WebviewHarness, size: number, seed: number) {
  await panel.send({ type: 'jobDetail', job: runningJob('bench') });
  return streamReasoning(panel.page, { jobId: 'bench', totalChars: size, deltaChars: 100, deltasPerBatch: 100, pace: 'frame', seed });
}

/** Streams 1 MB into a fresh running job, counting long tasks and the main thread's CPU per task. */
async function longTaskRun(panel: WebviewHarness, options: Omit<StreamReasoningOptions, 'jobId' | 'totalChars' | 'deltaChars'>) {
  await panel.send({ type: 'jobDetail', job: runningJob('bench') });
  const { result: r, tasks } = await traceMainThread(panel.page, () => streamReasoning(panel.page, { jobId: 'bench', totalChars: MB, deltaChars: 100, ...options }));
  if (!r.intact) throw new Error(`1 MB stream arrived damaged at ${r.firstMismatch}`);
  const during = tasks.filter((t) => t.start >= r.startedAt && t.start <= r.startedAt + r.elapsedMs);
  const verdicts = judgeLongTasks(r.longTasks, tasks);
  return {
    longTasks: r.longTasks.length,
    longTasksWallMs: r.longTasks.map((t) => Math.round(t.duration)),
    /** Long tasks in which the main thread itself ran ≥ 50 ms (not explained by preemption). */
    longTasksByCpu: verdicts.filter((v) => !v.preempted).length,
    maxTaskCpuMs: Number(Math.max(0, ...during.map((t) => t.cpuMs)).toFixed(1)),
    frames: r.frames,
    elapsedMs: Math.round(r.elapsedMs),
  };
}

const open = (): Promise<WebviewHarness> => openPanel();

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '—');

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const browser = await launchBrowser();
  const small = await open();
  const large = await open();

  // The 1 MB trace, streamed as the panel would receive it, watching for long tasks.
  const framePaced = await longTaskRun(large, { deltasPerBatch: 100, pace: 'frame', seed: 1 });
  const other = await open();
  const taskPaced = await longTaskRun(other, { deltasPerBatch: 20, pace: 'task', seed: 2 });
  await other.close();

  // Warm-up (JIT, caches), unmeasured.
  await showStream(small, 10 * KB, 3);
  await measureUpdates(small.page, 'bench', 20);
  await measureUpdates(large.page, 'bench', 20);

  const results: Record<'10KB' | '1MB', { update: Sample[]; idle: Sample[] }> = { '10KB': { update: [], idle: [] }, '1MB': { update: [], idle: [] } };
  let discarded = 0;
  const handlerMean: Record<'10KB' | '1MB', number[]> = { '10KB': [], '1MB': [] };
  for (let round = 0; round * ROUND < SAMPLES; round++) {
    await showStream(small, 10 * KB, 10 + round);
    for (const [key, panel] of [['10KB', small], ['1MB', large]] as const) {
      const u = await measureUpdates(panel.page, 'bench', ROUND);
      const idle = await measureUpdates(panel.page, 'not-shown', ROUND / 2);
      results[key].update.push(...u.samples);
      results[key].idle.push(...idle.samples);
      discarded += u.discarded + idle.discarded;
      handlerMean[key].push(await measureHandlerMean(panel.page, 'bench', 200));
    }
  }
  const shownLarge = await large.page.locator('.reasoning-text').evaluate((el) => ({ chars: el.textContent?.length ?? 0, blocks: el.querySelectorAll('div').length }));
  const errors = [...small.pageErrors, ...large.pageErrors];
  const foreign = [...small.foreignRequests, ...large.foreignRequests];
  const chromium = browser.version();
  await small.close();
  await large.close();
  await closeBrowser();

  const sum = (key: '10KB' | '1MB') => {
    const r = results[key];
    return {
      update: summarize(r.update.map((s) => s.handler + s.frame)),
      handler: summarize(r.update.map((s) => s.handler)),
      frame: summarize(r.update.map((s) => s.frame)),
      latency: summarize(r.update.map((s) => s.latency)),
      idleFrame: summarize(r.idle.map((s) => s.handler + s.frame)),
      /** Median over rounds of the mean handler time of 200 back-to-back deltas (µs resolution). */
      handlerMeanMs: summarize(handlerMean[key]).p50,
    };
  };
  const s10 = sum('10KB');
  const s1m = sum('1MB');
  const ratioP50 = s1m.update.p50 / s10.update.p50;
  const ratioP95 = s1m.update.p95 / s10.update.p95;
  const cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  const machine = {
    cpu: cpuModel,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    chromium,
    node: process.version,
    loadAvg1mBefore: Number(loadBefore[0]?.toFixed(2)),
    loadAvg1mAfter: Number(loadavg()[0]?.toFixed(2)),
    bundle: process.env.DEEP_REVIEW_WEBVIEW_BUNDLE ?? 'dist/webview.js',
  };
  const longTasks = { framePaced, taskPaced };
  // Wall-clock long tasks also count the OS descheduling Chromium on a loaded machine; the trace's
  // thread CPU time says whether the page itself worked ≥ 50 ms in one task. Both are reported.
  const pass = ratioP50 <= TARGET_RATIO && framePaced.longTasksByCpu === 0 && taskPaced.longTasksByCpu === 0;
  const passWallClock = pass && framePaced.longTasks === 0 && taskPaced.longTasks === 0;

  console.log(`Webview streaming — ${machine.cpu}, ${machine.cores} cores, Chromium ${chromium}, load ${machine.loadAvg1mBefore} → ${machine.loadAvg1mAfter}`);
  console.log(`Samples per size: ${s10.update.n} updates + ${s10.idleFrame.n} idle frames (${discarded} discarded: frame boundary fell between A and C)`);
  console.log('');
  const W = 38;
  console.log(`| ${'ms per update (100-byte delta)'.padEnd(W)} | 10 KB p50 | 10 KB p95 | 1 MB p50 | 1 MB p95 | ratio p50 | ratio p95 |`);
  console.log(`|${'-'.repeat(W + 2)}|----------:|----------:|---------:|---------:|----------:|----------:|`);
  const row = (label: string, a: Summary, b: Summary) =>
    console.log(`| ${label.padEnd(W)} | ${fmt(a.p50).padStart(9)} | ${fmt(a.p95).padStart(9)} | ${fmt(b.p50).padStart(8)} | ${fmt(b.p95).padStart(8)} | ${fmt(b.p50 / a.p50).padStart(9)} | ${fmt(b.p95 / a.p95).padStart(9)} |`);
  row('update = handler + frame', s10.update, s1m.update);
  console.log(`| ${'  handler, mean of 200 in one task'.padEnd(W)} | ${s10.handlerMeanMs.toFixed(4).padStart(9)} |           | ${s1m.handlerMeanMs.toFixed(4).padStart(8)} |          | ${fmt(s1m.handlerMeanMs / s10.handlerMeanMs).padStart(9)} |           |`);
  row('  frame (flush + style/layout/paint)', s10.frame, s1m.frame);
  row('idle frame (delta for another job)', s10.idleFrame, s1m.idleFrame);
  row('latency postMessage → painted', s10.latency, s1m.latency);
  console.log('');
  console.log(`Ratio 1 MB / 10 KB (update p50): ${fmt(ratioP50)} (target ≤ ${TARGET_RATIO})`);
  for (const [label, t] of [
    ['~100 deltas per frame', framePaced],
    ['20 deltas per task   ', taskPaced],
  ] as const) {
    console.log(
      `Long tasks > 50 ms while streaming 1 MB, ${label}: ${t.longTasks} (target 0)${t.longTasks ? ` [${t.longTasksWallMs.join(', ')} ms wall]` : ''}; with ≥ 50 ms of main-thread CPU: ${t.longTasksByCpu}; longest task ${t.maxTaskCpuMs} ms CPU; ${t.frames} frames in ${t.elapsedMs} ms`,
    );
  }
  console.log(`Targets (ratio ≤ ${TARGET_RATIO}, no task with ≥ 50 ms of main-thread work): ${pass ? 'met' : 'NOT met'}; counting wall-clock long tasks too: ${passWallClock ? 'met' : 'not met'}`);
  console.log(`1 MB panel at the end: ${shownLarge.chars.toLocaleString('en-US')} characters in ${shownLarge.blocks} blocks; page errors: ${errors.length}; foreign requests: ${foreign.length}`);
  console.log(
    `BENCH_JSON ${JSON.stringify({
      bench: 'webview',
      machine,
      samplesPerSize: s10.update.n,
      discarded,
      '10KB': s10,
      '1MB': s1m,
      ratio1MBto10KB: { p50: ratioP50, p95: ratioP95, target: TARGET_RATIO },
      longTasksDuring1MBStream: longTasks,
      pass,
      passWallClock,
    })}`,
  );
  if (errors.length || foreign.length) throw new Error(`page errors ${JSON.stringify(errors)} / foreign requests ${JSON.stringify(foreign)}`);
}

main().catch(async (e) => {
  console.error(e);
  await closeBrowser();
  process.exit(1);
});
