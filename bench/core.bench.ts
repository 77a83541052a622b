// Core overhead benchmark: what Deep Review itself adds around a model call, with no network.
//   npm run bench:core     (= node esbuild.mjs --tests && node bench/run.mjs core)
// Measures, with process.hrtime.bigint after warm-up iterations, median and p95 of:
//   - per-job core overhead on a 2,000-line file: assessComplexity + routeRequest +
//     analysisCacheKey + ledger append (MemoryTextStore) + parseModelOutput of a ~10-finding answer
//   - AnalysisCache.get on a populated cache (MemoryTextStore and FileTextStore in a tmp dir)
//   - hashText throughput (MB/s)
//   - ReviewEngine end-to-end cache hit: plan + start on a cached question → job succeeded
// Prints a readable table, then one JSON line (prefix `BENCH_JSON `) for tooling.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalysisCache, type CachedAnalysis } from '../src/core/cache/analysisCache';
import { analysisCacheKey } from '../src/core/cache/cacheKey';
import { assessComplexity } from '../src/core/routing/complexity';
import { hashText } from '../src/core/cache/contentHash';
import { JobStore } from '../src/core/jobs/jobStore';
import { CostLedger, type LedgerRecord } from '../src/core/cost/ledger';
import type { ModelCall, ModelClient, ModelEvent } from '../src/core/modelClient';
import { resolveTierSpecs } from '../src/core/routing/modelSettings';
import { PROMPT_VERSION } from '../src/core/prompts/prompts';
import { reviewRequestSchema, type ReviewRequest, type ReviewRequestInput } from '../src/core/requests/request';
import { parseModelOutput } from '../src/core/results/resultParser';
import { ReviewEngine, type EngineSettings } from '../src/core/reviewEngine';
import { routeRequest, type RoutingConfig } from '../src/core/routing/router';
import { MemoryTextStore, type ListableTextStore } from '../src/core/storage';
import { WaitEstimator } from '../src/core/routing/waitEstimate';
import { FileTextStore } from '../src/node/fileTextStore';
import { rng } from '../test/support/seededRandom';
import { machine } from './machine';
import { stats as summarize, type Stats } from './stats';

/** Samples are taken in nanoseconds with process.hrtime.bigint(). */
function stats(samplesNs: bigint[]): Stats {
  return summarize(samplesNs.map((ns) => Number(ns) / 1e6));
}

// ---------------------------------------------------------------------------------------------
// Measurement



const gc = (globalThis as { gc?: () => void }).gc;

/** Runs `fn` `warmup` times unmeasured, then `iterations` times measured one by one. */
async function measure(iterations: number, warmup: number, fn: (i: number) => unknown): Promise<Stats> {
  for (let i = 0; i < warmup; i++) await fn(i);
  gc?.();
  const samples: bigint[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    await fn(warmup + i);
    samples.push(process.hrtime.bigint() - t0);
  }
  return stats(samples);
}

// ---------------------------------------------------------------------------------------------
// Fixtures: a realistic 2,000-line TypeScript file and a ~10-finding answer about it


function generateTypeScriptFile(lines: number, seed = 42): string {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const names = ['order', 'customer', 'invoice', 'payment', 'session', 'cache', 'queue', 'worker', 'request', 'response', 'buffer', 'token'];
  const out: string[] = ["import { EventEmitter } from 'node:events';", "import { readFile } from 'node:fs/promises';", ''];
  let fn = 0;
  while (out.length < lines) {
    const name = `${pick(names)}${pick(['Handler', 'Loader', 'Store', 'Service', 'Parser'])}${fn++}`;
    const arg = pick(names);
    const kind = fn % 4;
    out.push(`/** Handles ${arg} records for ${name}. */`);
    if (kind === 0) {
      out.push(`export async function ${name}(${arg}: Record<string, unknown>, retries = 3): Promise<number> {`);
      out.push(`  let total = 0;`);
      out.push(`  for (let i = 0; i <= retries; i++) {`);
      out.push(`    try {`);
      out.push(`      const raw = await readFile(String(${arg}.path ?? './data.json'), 'utf8');`);
      out.push(`      total += JSON.parse(raw).items?.length ?? 0;`);
      out.push(`      if (total > ${Math.floor(rand() * 1000)}) break;`);
      out.push(`    } catch (err) {`);
      out.push(`      console.warn('retrying', i, err);`);
      out.push(`    }`);
      out.push(`  }`);
      out.push(`  return total;`);
      out.push(`}`);
    } else if (kind === 1) {
      out.push(`export class ${name[0]!.toUpperCase()}${name.slice(1)} extends EventEmitter {`);
      out.push(`  private readonly items = new Map<string, number>();`);
      out.push(`  private pending: Promise<void> = Promise.resolve();`);
      out.push(`  add(key: string, value: number): void {`);
      out.push(`    if (!key) throw new Error('empty key');`);
      out.push(`    this.items.set(key, (this.items.get(key) ?? 0) + value);`);
      out.push(`    this.emit('changed', key);`);
      out.push(`  }`);
      out.push(`  async flush(): Promise<void> {`);
      out.push(`    this.pending = this.pending.then(() => this.write());`);
      out.push(`    return this.pending;`);
      out.push(`  }`);
      out.push(`  private async write(): Promise<void> {`);
      out.push(`    await new Promise((r) => setTimeout(r, ${Math.floor(rand() * 50)}));`);
      out.push(`  }`);
      out.push(`}`);
    } else if (kind === 2) {
      out.push(`export function ${name}(values: number[]): number {`);
      out.push(`  // average of the positive values`);
      out.push(`  const positive = values.filter((v) => v > 0);`);
      out.push(`  const sum = positive.reduce((a, b) => a + b, 0);`);
      out.push(`  return positive.length === 0 ? 0 : sum / positive.length;`);
      out.push(`}`);
    } else {
      out.push(`export const ${name} = {`);
      out.push(`  name: '${name}',`);
      out.push(`  limit: ${Math.floor(rand() * 100)},`);
      out.push(`  enabled: ${rand() > 0.5},`);
      out.push(`  tags: ['${pick(names)}', '${pick(names)}'],`);
      out.push(`};`);
    }
    out.push('');
  }
  return out.slice(0, lines).join('\n');
}

function answerFor(lines: number, findings = 10, seed = 7): string {
  const rand = rng(seed);
  const severities = ['critical', 'high', 'medium', 'low', 'info'] as const;
  const list = Array.from({ length: findings }, (_, i) => {
    const start = 1 + Math.floor(rand() * (lines - 5));
    const end = start + Math.floor(rand() * 3);
    return {
      title: `Finding ${i + 1}: loop bound reads one element past the end`,
      severity: severities[i % severities.length],
      confidence: Math.round((0.5 + rand() / 2) * 100) / 100,
      startLine: start,
      endLine: end,
      explanation:
        'The loop runs while `i <= retries`, so it makes one attempt more than configured, and the catch block swallows the error ' +
        'so the caller never learns that every attempt failed. Under load this turns a persistent failure into silent data loss. ' +
        'Compare with the `flush` method, which chains on `pending` correctly.',
      ...(i % 2 === 0 ? { suggestedFix: Array.from({ length: end - start + 1 }, (_, k) => `  for (let i = 0; i < retries; i++) { /* fixed ${k} */ }`).join('\n') } : {}),
    };
  });
  return JSON.stringify(
    {
      summary: 'Several retry loops run one attempt too many and swallow their last error; two classes emit events before their state is consistent.',
      findings: list,
      answer: `## Assessment\n\n${'The file is generally well structured, but the retry helpers share an off-by-one bound and hide failures. '.repeat(8)}\n\n### Most important\n\n1. Fix the loop bounds.\n2. Rethrow after the last attempt.\n3. Emit events after the state update is complete.\n`,
    },
    null,
    2,
  );
}

const FILE_LINES = 2000;
const BIG_FILE = generateTypeScriptFile(FILE_LINES);
const ANSWER = answerFor(FILE_LINES);

function fileRequestInput(instruction?: string): ReviewRequestInput {
  return {
    kind: 'review',
    instruction,
    target: { type: 'file', filePath: 'src/big.ts', languageId: 'typescript', startLine: 1, endLine: FILE_LINES, code: BIG_FILE },
  };
}

function selectionRequestInput(instruction?: string): ReviewRequestInput {
  const lines = BIG_FILE.split('\n');
  return {
    kind: 'review',
    instruction,
    target: {
      type: 'selection',
      filePath: 'src/big.ts',
      languageId: 'typescript',
      startLine: 101,
      endLine: 140,
      code: lines.slice(100, 140).join('\n'),
      contextBefore: lines.slice(80, 100).join('\n'),
      contextAfter: lines.slice(140, 160).join('\n'),
    },
  };
}

const ROUTING: RoutingConfig = {
  mode: 'auto',
  maxWaitSeconds: 90,
  tiers: resolveTierSpecs({ provider: 'anthropic', models: {}, effort: 'medium', maxThinkingTokens: 8192 }),
};

function engineSettings(): EngineSettings {
  return {
    routing: ROUTING,
    budget: { dailyUsd: 0, monthlyUsd: 0, confirmAboveUsd: 0 },
    priceOverrides: {},
    concurrency: 2,
    cacheMaxBytes: 50 * 1024 * 1024,
    redactSecrets: true,
  };
}

/** A model that answers at once with the fixture answer (and counts its calls). */
class InstantModel implements ModelClient {
  calls = 0;
  async *stream(_call: ModelCall): AsyncIterable<ModelEvent> {
    this.calls++;
    yield { type: 'reasoning-delta', text: 'Reading the retry helpers first. ' };
    yield { type: 'answer-delta', text: ANSWER };
    yield { type: 'usage', usage: { inputTokens: 24_000, cachedInputTokens: 0, outputTokens: 2_000, reasoningTokens: 800, estimated: false } };
    yield { type: 'finish', reason: 'stop' };
  }
}

function ledgerRecord(jobId: string, at: number): LedgerRecord {
  return {
    jobId,
    at,
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    tier: 'reasoning',
    kind: 'review',
    inputTokens: 24_000,
    cachedInputTokens: 0,
    outputTokens: 2_000,
    reasoningTokens: 800,
    answerTokens: 1_200,
    estimated: false,
    costUsd: 0.102,
    costSource: 'table',
    outcome: 'succeeded',
    cached: false,
  };
}

function cachedAnalysis(i: number, parsed: ReturnType<typeof parseModelOutput>): CachedAnalysis {
  const key = hashText(`entry-${i}`);
  return {
    key,
    filePath: `src/file${i % 40}.ts`,
    fileHash: hashText(`file-${i % 40}`),
    createdAt: 1_700_000_000_000 + i,
    kind: 'review',
    startLine: 1,
    endLine: FILE_LINES,
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    tier: 'reasoning',
    result: parsed.result,
    structured: parsed.structured,
    warnings: parsed.warnings,
    reasoning: 'Reading the retry helpers first. '.repeat(120),
    usage: { inputTokens: 24_000, cachedInputTokens: 0, outputTokens: 2_000, reasoningTokens: 800, estimated: false },
    costUsd: 0.102,
    durationMs: 40_000,
    jobId: `j${i}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Scenarios

async function perJobOverhead() {
  const request: ReviewRequest = reviewRequestSchema.parse(fileRequestInput('check the retry logic'));
  const waits = new WaitEstimator([]);
  const estimate = waits.estimate.bind(waits);
  const ledger = await CostLedger.open(new MemoryTextStore());
  const target = { startLine: 1, endLine: FILE_LINES };
  const now = Date.now();
  const complexity = assessComplexity(request);

  // Sanity: the fixture is what it claims to be.
  const parsed = parseModelOutput(ANSWER, target);
  if (!parsed.structured || parsed.result.findings.length !== 10) throw new Error(`fixture answer parsed as ${parsed.result.findings.length} findings (structured=${parsed.structured})`);

  const iterations = 1000;
  const warmup = 150;
  const step = {
    assessComplexity: await measure(iterations, warmup, () => assessComplexity(request)),
    routeRequest: await measure(iterations, warmup, () => routeRequest(request, complexity, ROUTING, estimate)),
    analysisCacheKey: await measure(iterations, warmup, () => analysisCacheKey(request, ROUTING.tiers.reasoning, PROMPT_VERSION)),
    ledgerAppend: await measure(iterations, warmup, (i) => ledger.append(ledgerRecord(`step${i}`, now))),
    parseModelOutput: await measure(iterations, warmup, () => parseModelOutput(ANSWER, target)),
  };
  const ledger2 = await CostLedger.open(new MemoryTextStore());
  const pipeline = await measure(iterations, warmup, async (i) => {
    const complexity = assessComplexity(request);
    const route = routeRequest(request, complexity, ROUTING, estimate);
    const key = analysisCacheKey(request, route.model, PROMPT_VERSION);
    await ledger2.append(ledgerRecord(`job${i}-${key.slice(0, 6)}`, now));
    const result = parseModelOutput(ANSWER, target);
    if (result.result.findings.length !== 10) throw new Error('parse failed');
  });
  return { fileLines: FILE_LINES, fileBytes: Buffer.byteLength(BIG_FILE), answerBytes: Buffer.byteLength(ANSWER), findings: 10, step, pipeline };
}

async function cacheLookup() {
  const parsed = parseModelOutput(ANSWER, { startLine: 1, endLine: FILE_LINES });
  const entries = 200;
  // Fewer on disk: each hit stats and reads its entry file (and touches its mtime at most once a minute).
  const runs = { memory: { iterations: 2000, warmup: 200 }, file: { iterations: 1000, warmup: 100 } };
  type StoreResult = { hit: Stats; miss: Stats; entryBytes: number; flushAfterMs: number };
  const out: { memory?: StoreResult; file?: StoreResult } = {};
  const tmp = mkdtempSync(join(tmpdir(), 'deep-review-bench-'));
  try {
    const stores: Array<['memory' | 'file', ListableTextStore]> = [
      ['memory', new MemoryTextStore()],
      ['file', new FileTextStore(join(tmp, 'store'))],
    ];
    for (const [name, store] of stores) {
      const cache = await AnalysisCache.open(store, { maxBytes: 200 * 1024 * 1024, warn: () => undefined });
      const keys: string[] = [];
      for (let i = 0; i < entries; i++) {
        const a = cachedAnalysis(i, parsed);
        await cache.put(a);
        keys.push(a.key);
      }
      await cache.flush();
      const rand = rng(3);
      const { iterations, warmup } = runs[name];
      const hit = await measure(iterations, warmup, async () => {
        const got = await cache.get(keys[Math.floor(rand() * keys.length)]!);
        if (!got) throw new Error('cache miss on a populated key');
      });
      const miss = await measure(iterations, warmup, (i) => cache.get(hashText(`absent-${i}`)));
      // Recency writes (mtime) still pending after the hits; time what flush waits for.
      const t0 = process.hrtime.bigint();
      await cache.flush();
      const flushAfterMs = Number(process.hrtime.bigint() - t0) / 1e6;
      out[name] = { hit, miss, entryBytes: Buffer.byteLength(JSON.stringify(cachedAnalysis(0, parsed))), flushAfterMs };
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!out.memory || !out.file) throw new Error('cache scenarios did not run');
  return { entries, memory: out.memory, file: out.file };
}

function hashing() {
  const results: Record<string, { bytes: number; mbPerSec: number; meanMbPerSec: number; median: Stats }> = {};
  const oneMib = generateTypeScriptFile(40_000).slice(0, 1024 * 1024);
  if (oneMib.length !== 1024 * 1024) throw new Error('the 1 MiB fixture is short');
  const inputs: Array<[string, string, number]> = [
    ['2,000-line file (ASCII)', BIG_FILE, 400],
    ['1 MiB of code (ASCII)', oneMib, 150],
    ['non-ASCII text (2-4 byte UTF-8)', 'äöü€𝄞 naïve café '.repeat(60_000).slice(0, 512 * 1024), 150],
  ];
  for (const [name, text, iterations] of inputs) {
    for (let i = 0; i < 30; i++) hashText(text);
    const samples: bigint[] = [];
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) {
      const t0 = process.hrtime.bigint();
      hashText(text);
      samples.push(process.hrtime.bigint() - t0);
    }
    const totalNs = Number(process.hrtime.bigint() - start);
    const bytes = Buffer.byteLength(text, 'utf8');
    const s = stats(samples);
    // From the median hash (robust to a busy machine), and from the whole run for comparison.
    results[name] = { bytes, mbPerSec: bytes / (1024 * 1024) / (s.medianMs / 1000), meanMbPerSec: (bytes * iterations) / (1024 * 1024) / (totalNs / 1e9), median: s };
  }
  return results;
}

async function engineCacheHit(kind: 'memory' | 'file', input: ReviewRequestInput, fileText: string, iterations: number, warmup: number) {
  const tmp = kind === 'file' ? mkdtempSync(join(tmpdir(), 'deep-review-bench-')) : undefined;
  try {
    const store: ListableTextStore = tmp ? new FileTextStore(tmp) : new MemoryTextStore();
    const model = new InstantModel();
    const engine = await ReviewEngine.open({ store, settings: engineSettings, warn: () => undefined, clientFor: () => model });
    const first = await engine.review(input, fileText);
    const job = await engine.jobs.whenDone(first.jobId);
    if (job.status !== 'succeeded') throw new Error(`populating job ${job.status}: ${job.error?.message}`);
    await engine.flush();
    const m = await measure(iterations, warmup, async () => {
      const plan = await engine.plan(input, fileText);
      const started = engine.start(plan);
      const done = await engine.jobs.whenDone(started.jobId);
      if (!started.fromCache || done.status !== 'succeeded') throw new Error('expected a cache hit');
    });
    await engine.flush();
    if (model.calls !== 1) throw new Error(`the model was called ${model.calls} times`);
    // What a job state change pays: writing that job's record (one file per job, not the history).
    const history = engine.jobs.list();
    const jobStore = new JobStore(new MemoryTextStore(), () => undefined);
    const save = await measure(Math.min(50, iterations), 5, (i) => jobStore.save({ ...history[i % history.length]!, status: 'running' }));
    // plan() alone (redaction, complexity, route, prompt, key, hash, cache read, budget).
    const planOnly = await measure(Math.min(100, iterations), 10, () => engine.plan(input, fileText));
    return { ...m, historyJobs: history.length, historySave: save, planOnly };
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

async function engineCacheHits() {
  const lines = BIG_FILE.split('\n');
  return {
    selection40_memory: await engineCacheHit('memory', selectionRequestInput('why does this retry?'), BIG_FILE, 500, 110),
    file2000_memory: await engineCacheHit('memory', fileRequestInput('check the retry logic'), BIG_FILE, 200, 110),
    // The same 2,000-line file with the job history still short (< 100 records): isolates the
    // cost of re-serialising the persisted history on every job state change.
    file2000_memory_shortHistory: await engineCacheHit('memory', fileRequestInput('check the retry logic'), BIG_FILE, 40, 5),
    selection40_file: await engineCacheHit('file', selectionRequestInput('why does this retry?'), BIG_FILE, 300, 110),
    file2000_file: await engineCacheHit('file', fileRequestInput('check the retry logic'), lines.join('\n'), 100, 110),
  };
}

// ---------------------------------------------------------------------------------------------
// Report


const f = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));

function row(label: string, s: Stats, target?: number): string {
  const verdict = target === undefined ? '' : s.medianMs < target ? `  ✔ < ${target} ms` : `  ✘ target < ${target} ms MISSED`;
  return `  ${label.padEnd(44)} ${f(s.medianMs).padStart(9)} ${f(s.p95Ms).padStart(9)} ${String(s.n).padStart(6)}${verdict}`;
}

async function main() {
  const m = machine();
  const t0 = Date.now();
  const overhead = await perJobOverhead();
  const cache = await cacheLookup();
  const hash = hashing();
  const e2e = await engineCacheHits();

  const header = `  ${'measurement'.padEnd(44)} ${'median ms'.padStart(9)} ${'p95 ms'.padStart(9)} ${'n'.padStart(6)}`;
  const lines = [
    '',
    `Deep Review core overhead — ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node} (${m.platform}), load average ${m.loadAverage1m} at start`,
    '',
    `Per-job core overhead, ${overhead.fileLines}-line file (${(overhead.fileBytes / 1024).toFixed(0)} KiB), answer with ${overhead.findings} findings (${(overhead.answerBytes / 1024).toFixed(1)} KiB)`,
    header,
    row('assessComplexity', overhead.step.assessComplexity),
    row('routeRequest', overhead.step.routeRequest),
    row('analysisCacheKey', overhead.step.analysisCacheKey),
    row('ledger.append (MemoryTextStore)', overhead.step.ledgerAppend),
    row('parseModelOutput', overhead.step.parseModelOutput),
    row('all five, per job', overhead.pipeline, 5),
    '',
    `AnalysisCache.get, ${cache.entries} entries of ${(cache.memory.entryBytes / 1024).toFixed(1)} KiB`,
    header,
    row('hit, MemoryTextStore', cache.memory.hit, 1),
    row('miss, MemoryTextStore', cache.memory.miss, 1),
    row('hit, FileTextStore (tmp dir)', cache.file.hit, 1),
    row('miss, FileTextStore (tmp dir)', cache.file.miss, 1),
    `  after the FileTextStore hits, their queued index rewrites (one fsync'd write per hit) took ${f(cache.file.flushAfterMs)} ms to flush`,
    '',
    'hashText (SHA-256) throughput',
    ...Object.entries(hash).map(
      ([name, h]) => `  ${name.padEnd(44)} ${h.mbPerSec.toFixed(0).padStart(6)} MB/s   (${(h.bytes / 1024).toFixed(0)} KiB, median ${f(h.median.medianMs)} ms per hash; ${h.meanMbPerSec.toFixed(0)} MB/s over the whole run)`,
    ),
    '',
    'ReviewEngine cache hit end to end (plan + start + whenDone → succeeded, fromCache)',
    header,
    row('40-line selection, MemoryTextStore', e2e.selection40_memory),
    row('40-line selection, FileTextStore', e2e.selection40_file),
    row('2,000-line file, MemoryTextStore, < 100 jobs', e2e.file2000_memory_shortHistory),
    row('2,000-line file, MemoryTextStore', e2e.file2000_memory),
    row('2,000-line file, FileTextStore', e2e.file2000_file),
    '  (warm-up fills the job history to its 100-record limit, as after a day of use; every cache hit adds a job)',
    row('plan() alone, 40-line selection', e2e.selection40_memory.planOnly),
    row('plan() alone, 2,000-line file', e2e.file2000_memory.planOnly),
    row('JobStore.save: 100 jobs, 40-line selections', e2e.selection40_memory.historySave),
    row('JobStore.save: 100 jobs, 2,000-line files', e2e.file2000_memory.historySave),
    '  (JobStore.save serialises the whole history synchronously on every job state change)',
    '',
    `(finished in ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  ];
  console.log(lines.join('\n'));
  console.log(`BENCH_JSON ${JSON.stringify({ bench: 'core', machine: m, perJobOverhead: overhead, cacheLookup: cache, hashing: hash, engineCacheHit: e2e })}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
