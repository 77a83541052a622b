// Storage benchmark: analysis cache put / hit / open at 1k and 10k entries, job history save /
// load with 100 jobs on 1 MB files, and engine start-up on a well-used store (10k cache entries,
// 100 jobs on 1 MB files, with and without 100k ledger records): time to open, time until the
// background work is done, and the longest blocking stretch of the event loop.
//   node esbuild.mjs --tests && node bench/run.mjs storage        (BENCH_QUICK=1: smaller sizes)
// The same file measured main's code; only the functions under "API adapters" differ.
// Prints a readable table, then one JSON line (prefix `BENCH_JSON `) for tooling.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalysisCache, type CachedAnalysis } from '../src/core/cache/analysisCache';
import { hashText } from '../src/core/cache/contentHash';
import type { JobRecord } from '../src/core/jobs/job';
import { JobStore } from '../src/core/jobs/jobStore';
import type { ModelClient, ModelEvent } from '../src/core/modelClient';
import { resolveTierSpecs } from '../src/core/routing/modelSettings';
import { ReviewEngine, type EngineSettings } from '../src/core/reviewEngine';
import { FileTextStore } from '../src/node/fileTextStore';
import { machine } from './machine';
import { stats, type Stats } from './stats';

const QUICK = process.env.BENCH_QUICK === '1';
const CACHE_SIZES = QUICK ? [1_000] : [1_000, 10_000];
const JOBS = QUICK ? 20 : 100;
const LEDGER_RECORDS = QUICK ? 10_000 : 100_000;

// ---------------------------------------------------------------------------------------------
// API adapters (the only code that differs between the measured versions)

/** Persists finished jobs as the engine does on their state changes; resolves when on disk. */
async function saveHistory(store: JobStore, jobs: JobRecord[]): Promise<void> {
  for (const job of jobs) void store.save(job);
  await store.flush();
}
/** One job's state changed while the history holds `all`; resolves when on disk. */
async function saveStateChange(store: JobStore, _all: JobRecord[], changed: JobRecord): Promise<void> {
  void store.save(changed);
  await store.flush();
}
/** Background work started by opening (cache scan, history pruning) is done. */
async function backgroundDone(engine: ReviewEngine): Promise<void> {
  await Promise.all([engine.cache.whenScanned(), engine.jobs.whenMaintained()]);
}

// ---------------------------------------------------------------------------------------------
// Measurement

const gc = (globalThis as { gc?: () => void }).gc;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

/**
 * Longest stretch the event loop was blocked while `fn` ran: the worst lateness of a 1 ms timer
 * (wall clock), and the same stretch counted in this process's CPU time, which leaves out time
 * the OS gave to other processes (the machine is shared; wall-clock lateness includes waiting
 * for a core). `longestBlockMs` is the smaller of the two for the worst stretch.
 */
async function blocking<T>(fn: () => Promise<T>): Promise<{ ms: number; longestBlockMs: number; longestWallMs: number; value: T }> {
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let worstWall = 0;
  let worst = 0;
  const tick = () => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const wall = now - last - 1;
    worstWall = Math.max(worstWall, wall);
    worst = Math.max(worst, Math.min(wall, (cpu.user + cpu.system) / 1000));
    last = now;
    lastCpu = process.cpuUsage();
  };
  const timer = setInterval(tick, 1);
  try {
    const r = await timed(fn);
    tick();
    return { ms: r.ms, longestBlockMs: worst, longestWallMs: worstWall, value: r.value };
  } finally {
    clearInterval(timer);
  }
}

async function sample(n: number, fn: (i: number) => Promise<unknown>): Promise<Stats> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) ms.push((await timed(() => fn(i))).ms);
  return stats(ms);
}

// ---------------------------------------------------------------------------------------------
// Fixtures

const TIERS = resolveTierSpecs({ provider: 'anthropic', models: {}, effort: 'medium', maxThinkingTokens: 4096 });
const settings = (): EngineSettings => ({
  routing: { mode: 'alwaysReasoning', maxWaitSeconds: 3600, tiers: TIERS },
  budget: { dailyUsd: 0, monthlyUsd: 0, confirmAboveUsd: 0 },
  priceOverrides: {},
  concurrency: 2,
  cacheMaxBytes: 500 * 1024 * 1024,
  redactSecrets: true,
});

const REASONING = 'The loop bound is inclusive, so the last iteration reads past the end. '.repeat(60);
function analysis(i: number): CachedAnalysis {
  return {
    key: hashText(`entry-${i}`),
    filePath: `src/file${i % 500}.ts`,
    fileHash: hashText(`file-${i % 500}`),
    createdAt: 1_700_000_000_000 + i,
    kind: 'review',
    startLine: 1,
    endLine: 200,
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    tier: 'reasoning',
    result: {
      summary: 'Two problems: an off-by-one read and an unchecked division.',
      findings: Array.from({ length: 4 }, (_, f) => ({ title: `Finding ${f}`, severity: 'medium' as const, confidence: 0.8, startLine: 10 + f, endLine: 12 + f, explanation: 'Explained at some length. '.repeat(8) })),
      answer: 'Use `<` instead of `<=` and check the length first.',
    },
    structured: true,
    warnings: [],
    reasoning: REASONING,
    usage: { inputTokens: 2400, cachedInputTokens: 0, outputTokens: 1200, reasoningTokens: 800, estimated: false },
    costUsd: 0.021,
    durationMs: 12_000,
    jobId: `j${i}`,
  };
}

/** n entry files plus the global index an earlier version kept (read by it, removed by ours). */
function buildCache(dir: string, n: number): string[] {
  mkdirSync(dir, { recursive: true });
  const index = [];
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = analysis(i);
    const text = JSON.stringify(a);
    writeFileSync(join(dir, `analysis-${a.key}.json`), text);
    index.push({ key: a.key, filePath: a.filePath, fileHash: a.fileHash, createdAt: a.createdAt, lastUsedAt: a.createdAt, size: Buffer.byteLength(text) });
    keys.push(a.key);
  }
  writeFileSync(join(dir, 'analysis-cache-index.json'), JSON.stringify({ version: 1, entries: index }));
  return keys;
}

function megabyteFile(seed: number): string {
  return Array.from({ length: 20_000 }, (_, i) => `const value${i} = compute(${seed}, ${i}); // padding to about fifty chars`).join('\n');
}

function job(i: number): JobRecord {
  const code = megabyteFile(i);
  return {
    id: `j${(1_700_000_000_000 + i).toString(36)}${i}`,
    request: { kind: 'review', target: { type: 'file', filePath: `src/big${i}.js`, languageId: 'javascript', startLine: 1, endLine: 20_000, code, contextBefore: '', contextAfter: '' }, options: {} },
    route: { tier: 'reasoning', provider: 'anthropic', model: 'claude-sonnet-4-5', reasoning: true, effort: 'medium', maxThinkingTokens: 4096, maxAnswerTokens: 8000, complexity: { tier: 'complex', score: 6 }, reasons: ['r'], expectedWait: { lowSeconds: 10, highSeconds: 40, reason: 'r' } },
    cacheKey: hashText(`job-${i}`),
    fileHash: hashText(code),
    status: 'succeeded',
    createdAt: 1_700_000_000_000 + i,
    fromCache: false,
    reasoning: REASONING,
    answer: JSON.stringify(analysis(i).result),
    result: analysis(i).result,
    warnings: [],
    retries: 0,
    dismissedFindings: [],
  };
}

function buildLedger(dir: string, n: number): void {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(JSON.stringify({ type: 'job', jobId: `l${i}`, at: Date.now() - (n - i) * 60_000, provider: 'anthropic', model: 'claude-sonnet-4-5', tier: 'reasoning', kind: 'review', inputTokens: 2000, cachedInputTokens: 0, outputTokens: 900, reasoningTokens: 500, answerTokens: 400, estimated: false, costUsd: 0.02, costSource: 'table', outcome: 'succeeded', cached: false }));
  }
  writeFileSync(join(dir, 'ledger.jsonl'), `${lines.join('\n')}\n`);
}

class NoModel implements ModelClient {
  // eslint-disable-next-line require-yield
  async *stream(): AsyncIterable<ModelEvent> {
    throw new Error('the benchmark never calls a model');
  }
}

// ---------------------------------------------------------------------------------------------
// Scenarios

async function cacheScenario(root: string, n: number) {
  const dir = join(root, `cache-${n}`);
  const keys = buildCache(dir, n);
  gc?.();
  const cache = await AnalysisCache.open(new FileTextStore(dir), { maxBytes: 2 * 1024 * 1024 * 1024, warn: () => undefined });
  const hit = await sample(200, (i) => cache.get(keys[(i * 7919) % keys.length]!));
  const put = await sample(QUICK ? 20 : 50, (i) => cache.put({ ...analysis(n + i), key: hashText(`new-${n}-${i}`) }));
  await cache.flush();
  // Reopen (what a new window or CLI run pays): until it answers, and until background work ends.
  const reopen = await blocking(async () => {
    const t0 = performance.now();
    const c = await AnalysisCache.open(new FileTextStore(dir), { maxBytes: 2 * 1024 * 1024 * 1024, warn: () => undefined });
    const firstHit = await c.get(keys[0]!);
    if (!firstHit) throw new Error('expected a hit');
    const answeredMs = performance.now() - t0;
    await (c as { whenScanned?: () => Promise<void> }).whenScanned?.();
    return { answeredMs };
  });
  return { entries: n, openMs: reopen.ms, firstHitMs: reopen.value.answeredMs, openLongestBlockMs: reopen.longestBlockMs, hit, put };
}

async function historyScenario(root: string) {
  const dir = join(root, 'history');
  const jobs = Array.from({ length: JOBS }, (_, i) => job(i));
  const store = new JobStore(new FileTextStore(dir), () => undefined);
  const saveAll = await blocking(() => saveHistory(store, jobs));
  // One more state change with a full history (what every job's queued/running/done costs).
  const extra = job(JOBS);
  const oneChange = await blocking(() => saveStateChange(store, [...jobs, extra].slice(-JOBS), extra));
  gc?.();
  const load = await blocking(() => new JobStore(new FileTextStore(dir), () => undefined).load());
  return { jobs: JOBS, saveAllMs: saveAll.ms, saveAllLongestBlockMs: saveAll.longestBlockMs, oneStateChangeMs: oneChange.ms, oneStateChangeLongestBlockMs: oneChange.longestBlockMs, loadMs: load.ms, loadLongestBlockMs: load.longestBlockMs, loaded: load.value.length };
}

async function startupScenario(root: string, withLedger: boolean) {
  const dir = join(root, withLedger ? 'wellused-ledger' : 'wellused');
  const keys = buildCache(dir, CACHE_SIZES[CACHE_SIZES.length - 1]!);
  await saveHistory(new JobStore(new FileTextStore(dir), () => undefined), Array.from({ length: JOBS }, (_, i) => job(i)));
  if (withLedger) buildLedger(dir, LEDGER_RECORDS);
  gc?.();
  const warnings: string[] = [];
  const r = await blocking(async () => {
    const t0 = performance.now();
    const engine = await ReviewEngine.open({ store: new FileTextStore(dir), settings, warn: (w) => warnings.push(w), clientFor: () => new NoModel() });
    const openMs = performance.now() - t0;
    const hit = await engine.cache.get(keys[1]!);
    if (!hit) throw new Error('expected a cache hit after open');
    const firstHitMs = performance.now() - t0;
    await backgroundDone(engine);
    return { openMs, firstHitMs, jobs: engine.jobs.list().length };
  });
  if (warnings.length) console.error(`start-up warnings: ${warnings.join(' | ')}`);
  return { cacheEntries: keys.length, jobs: r.value.jobs, ledgerRecords: withLedger ? LEDGER_RECORDS : 0, openMs: r.value.openMs, firstCacheHitMs: r.value.firstHitMs, untilBackgroundDoneMs: r.ms, longestBlockMs: r.longestBlockMs, longestWallStallMs: r.longestWallMs };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'deep-review-storage-bench-'));
  try {
    const cache = [];
    for (const n of CACHE_SIZES) cache.push(await cacheScenario(root, n));
    const history = await historyScenario(root);
    const startup = [await startupScenario(root, false), await startupScenario(root, true)];
    const f = (x: number) => x.toFixed(x < 10 ? 2 : 0);
    console.log(`machine: ${JSON.stringify(machine())}`);
    for (const c of cache) {
      console.log(`cache ${c.entries} entries: open ${f(c.openMs)} ms (first hit after ${f(c.firstHitMs)} ms, longest block ${f(c.openLongestBlockMs)} ms); hit median ${f(c.hit.medianMs)} / p95 ${f(c.hit.p95Ms)} ms; put median ${f(c.put.medianMs)} / p95 ${f(c.put.p95Ms)} ms`);
    }
    console.log(`history ${history.jobs} jobs on 1 MB files: save all ${f(history.saveAllMs)} ms (block ${f(history.saveAllLongestBlockMs)}); one state change ${f(history.oneStateChangeMs)} ms (block ${f(history.oneStateChangeLongestBlockMs)}); load ${f(history.loadMs)} ms (block ${f(history.loadLongestBlockMs)})`);
    for (const s of startup) {
      console.log(`start-up (${s.cacheEntries} cache entries, ${s.jobs} jobs on 1 MB files, ${s.ledgerRecords} ledger records): open ${f(s.openMs)} ms, first cache hit ${f(s.firstCacheHitMs)} ms, background done ${f(s.untilBackgroundDoneMs)} ms, longest block ${f(s.longestBlockMs)} ms (wall-clock stall ${f(s.longestWallStallMs)} ms)`);
    }
    console.log(`BENCH_JSON ${JSON.stringify({ bench: 'storage', machine: machine(), cache, history, startup })}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
