// Stream processing benchmark: one large reasoning transcript per wire format served by the local
// model server (test/support/modelServer.ts, no artificial delays), consumed through our provider
// path and through the official SDKs, side by side in one run.
//   node esbuild.mjs --tests && node esbuild.mjs --production && node bench/run.mjs stream
//   BENCH_RUNS=15 BENCH_WARMUP=3 BENCH_PROVIDERS=anthropic,openai,chat,ollama BENCH_EXTRA=1   (defaults)
//
// Per format (Anthropic Messages, OpenAI Responses, Chat Completions as DeepSeek sends it, Ollama
// NDJSON), the same generated transcript (bench/streamTranscript.ts: ~1 MB of reasoning in 5,000
// deltas plus ~100 KB of answer in 1,000 deltas) is read by (bench/streamConsumers.ts):
//   ours        createModelClient(...).stream(call): fetch + eventsource-parser + a wire reader behind
//               our ModelClient, i.e. exactly what a review job consumes
//   sdk         the official SDK's raw stream (anthropic.messages.create / openai.responses.create /
//               openai.chat.completions.create with stream: true); the headline comparison (≤ 1.0).
//               Ollama has no official SDK among the dev dependencies: ours vs the floor only.
//   sdk-helper  the official SDK's accumulating helper (messages.stream / responses.stream /
//               chat.completions.stream)
//   floor       fetch() and decode the body to text, no SSE or JSON parsing: the transport floor
// BENCH_PATHS=ours,sdk runs only the named paths (e.g. to profile one with node --cpu-prof).
// Every path accumulates reasoning and answer text and reads the usage; after each run (outside
// the timed region) both texts are compared with the expected ones and the usage with the
// transcript's, and the server must have answered exactly one request. Any mismatch fails the
// bench: a benchmark that silently drops data is worthless.
//
// The model server runs in a child process (bench/streamServer.ts: this same bundle, forked) and
// closes the connection after each response, so the figures are the consumer's alone: wall time
// from the call to the last event, the consumer process's CPU time (process.cpuUsage) and the
// longest event-loop block (monitorEventLoopDelay max) over the same interval. Runs are
// interleaved (each round runs every path once, the starting path rotating), after warm-up rounds,
// with a GC before each run when --expose-gc is on (bench/run.mjs sets it). Then (BENCH_EXTRA=0
// leaves it out) bench/streamStartup.ts measures CPU at a realistic pace and the time to the first
// visible token in a fresh process.
// Prints machine details, a readable table, then one JSON line (prefix `BENCH_JSON `).
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { machine } from './machine';
import { median, stats, type Stats } from './stats';
import { floorConsumer, oursConsumer, PATHS, sdkConsumer, type Consumed, type Consumer, type PathName } from './streamConsumers';
import { ROLE_ENV, ServerProcess, serverMain } from './streamServer';
import { paceAndStartup } from './streamStartup';
import { buildTranscript, PROVIDERS, REQUEST_PATH, type ProviderName, type Transcript } from './streamTranscript';

const gc = (globalThis as { gc?: () => void }).gc;

// ---------------------------------------------------------------------------------------------
// Measurement

interface Sample {
  wallMs: number;
  cpuMs: number;
  events: number;
  /** Longest event-loop block during the run (monitorEventLoopDelay max, 1 ms resolution). */
  loopMaxMs: number;
}




/** Checks one run: everything arrived, the usage matches, the server answered exactly once. */
export function verify(path: PathName, t: Transcript, out: Consumed, served: string[], pending: number): void {
  const where = `${t.provider}/${path}`;
  const expectedPath = `POST ${REQUEST_PATH[t.provider]}`;
  if (pending !== 0 || served.length !== 1 || served[0] !== expectedPath) {
    throw new Error(`${where}: the server should have answered one ${expectedPath}, it answered [${served.join(', ')}] with ${pending} left`);
  }
  if (path === 'floor') {
    if (out.bytes !== t.bytes) throw new Error(`${where}: read ${out.bytes} bytes, the transcript has ${t.bytes}`);
    return;
  }
  if (out.reasoning.length !== t.reasoning.length || out.reasoning !== t.reasoning) {
    throw new Error(`${where}: reasoning has ${out.reasoning.length} chars, expected ${t.reasoning.length}${out.reasoning.length === t.reasoning.length ? ' (same length, different text)' : ''}`);
  }
  if (out.answer.length !== t.answer.length || out.answer !== t.answer) {
    throw new Error(`${where}: answer has ${out.answer.length} chars, expected ${t.answer.length}${out.answer.length === t.answer.length ? ' (same length, different text)' : ''}`);
  }
  const u = out.usage;
  if (!u || u.inputTokens !== t.usage.inputTokens || u.outputTokens !== t.usage.outputTokens || u.reasoningTokens !== t.usage.reasoningTokens) {
    throw new Error(`${where}: usage ${JSON.stringify(u)}, expected ${JSON.stringify(t.usage)}`);
  }
}

interface PathResult {
  wall: Stats;
  cpu: Stats;
  eventsPerRun: number;
  wallSamplesMs: number[];
  cpuSamplesMs: number[];
  loopBlockMedianMs: number;
  loopBlockMaxMs: number;
}

const ratio = (a: number | undefined, b: number | undefined): number | null => (a !== undefined && b !== undefined && b > 0 ? a / b : null);

interface ProviderResult {
  provider: ProviderName;
  transcript: { reasoningChars: number; answerChars: number; reasoningDeltas: number; answerDeltas: number; sseEvents: number; sseBytes: number };
  paths: Partial<Record<PathName, PathResult>>;
  /** null where a path was not run (BENCH_PATHS). */
  ratios: {
    /** ours ÷ official raw stream: the target (≤ 1.0). */
    wallMedian: number | null;
    wallP95: number | null;
    cpuMedian: number | null;
    /** Median of the per-round ratios (runs of a round are adjacent in time). */
    wallPairedMedian: number | null;
    cpuPairedMedian: number | null;
    /** ours ÷ official accumulating helper. */
    wallMedianVsHelper: number | null;
    cpuMedianVsHelper: number | null;
  };
  verifiedRuns: number;
}

async function benchProvider(t: Transcript, server: ServerProcess, rounds: number, warmup: number): Promise<ProviderResult> {
  const { provider } = t;
  const consumers: Partial<Record<PathName, Consumer>> = {
    ours: oursConsumer(provider, server.baseUrl),
    sdk: sdkConsumer(provider, server.baseUrl, false),
    'sdk-helper': sdkConsumer(provider, server.baseUrl, true),
    floor: floorConsumer(provider, server.baseUrl),
  };
  const runPaths = PATHS.filter((p) => consumers[p] !== undefined);
  const samples: Record<PathName, Sample[]> = { ours: [], sdk: [], 'sdk-helper': [], floor: [] };
  let verifiedRuns = 0;
  for (let round = 0; round < warmup + rounds; round++) {
    for (let k = 0; k < runPaths.length; k++) {
      const path = runPaths[(round + k) % runPaths.length]!;
      await server.enqueue(provider);
      gc?.();
      // The longest the event loop was blocked while this stream arrived at full speed.
      const loop = monitorEventLoopDelay({ resolution: 1 });
      loop.enable();
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      const out = await consumers[path]!();
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      const cpu = process.cpuUsage(cpu0);
      loop.disable();
      const loopMaxMs = loop.max / 1e6;
      const { served, pending } = await server.served();
      verify(path, t, out, served, pending);
      verifiedRuns++;
      if (round >= warmup) samples[path].push({ wallMs, cpuMs: (cpu.user + cpu.system) / 1e3, events: out.events, loopMaxMs });
    }
  }
  const paths: ProviderResult['paths'] = {};
  for (const p of runPaths) {
    const wall = samples[p].map((s) => s.wallMs);
    const cpu = samples[p].map((s) => s.cpuMs);
    const loop = samples[p].map((s) => s.loopMaxMs);
    paths[p] = { wall: stats(wall), cpu: stats(cpu), eventsPerRun: samples[p][0]?.events ?? 0, wallSamplesMs: wall.map(round3), cpuSamplesMs: cpu.map(round3), loopBlockMedianMs: round3(median(loop)), loopBlockMaxMs: round3(Math.max(...loop)) };
  }
  const paired = (key: 'wallMs' | 'cpuMs') => (samples.ours.length && samples.sdk.length ? median(samples.ours.map((s, i) => s[key] / samples.sdk[i]![key])) : null);
  const { ours, sdk } = paths;
  const helper = paths['sdk-helper'];
  return {
    provider,
    transcript: {
      reasoningChars: t.reasoning.length,
      answerChars: t.answer.length,
      reasoningDeltas: t.reasoningDeltas.length,
      answerDeltas: t.answerDeltas.length,
      sseEvents: t.chunks.length,
      sseBytes: t.bytes,
    },
    paths,
    ratios: {
      wallMedian: ratio(ours?.wall.medianMs, sdk?.wall.medianMs),
      wallP95: ratio(ours?.wall.p95Ms, sdk?.wall.p95Ms),
      cpuMedian: ratio(ours?.cpu.medianMs, sdk?.cpu.medianMs),
      wallPairedMedian: paired('wallMs'),
      cpuPairedMedian: paired('cpuMs'),
      wallMedianVsHelper: ratio(ours?.wall.medianMs, helper?.wall.medianMs),
      cpuMedianVsHelper: ratio(ours?.cpu.medianMs, helper?.cpu.medianMs),
    },
    verifiedRuns,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

// ---------------------------------------------------------------------------------------------
// Report

function packageVersion(name: string): string {
  const file = join(process.cwd(), 'node_modules', name, 'package.json');
  if (!existsSync(file)) return 'unknown';
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
}

function machineWithPackages() {
  return {
    ...machine(),
    availableParallelism: availableParallelism(),
    packages: Object.fromEntries(['eventsource-parser', '@anthropic-ai/sdk', 'openai'].map((p) => [p, packageVersion(p)])),
  };
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)).padStart(7);
const fmtRatio = (r: number | null) => (r === null ? 'n/a' : r.toFixed(2));

function printProvider(r: ProviderResult): void {
  const t = r.transcript;
  const n = Object.values(r.paths)[0]?.wall.n ?? 0;
  console.log(
    `\n${r.provider}: ${t.reasoningChars.toLocaleString('en-US')} reasoning chars in ${t.reasoningDeltas} deltas + ${t.answerChars.toLocaleString('en-US')} answer chars in ${t.answerDeltas} deltas; ` +
      `${t.sseEvents} SSE events, ${(t.sseBytes / 2 ** 20).toFixed(2)} MiB; ${n} measured runs per path, all ${r.verifiedRuns} runs (warm-up included) verified`,
  );
  console.log(`  ${'path'.padEnd(11)} ${'wall med'.padStart(9)} ${'wall p95'.padStart(9)} ${'CPU med'.padStart(9)} ${'CPU p95'.padStart(9)} ${'block med'.padStart(9)} ${'block max'.padStart(9)}  ${'ours ÷ this (wall / CPU, medians)'}`);
  const ours = r.paths.ours;
  for (const p of PATHS) {
    const s = r.paths[p];
    if (!s) continue;
    const vs = p === 'ours' || !ours ? '' : `${fmtRatio(ratio(ours.wall.medianMs, s.wall.medianMs))} / ${fmtRatio(ratio(ours.cpu.medianMs, s.cpu.medianMs))}`;
    console.log(`  ${p.padEnd(11)} ${fmt(s.wall.medianMs)}ms ${fmt(s.wall.p95Ms)}ms ${fmt(s.cpu.medianMs)}ms ${fmt(s.cpu.p95Ms)}ms ${fmt(s.loopBlockMedianMs)}ms ${fmt(s.loopBlockMaxMs)}ms  ${vs}`);
  }
  const { wallMedian } = r.ratios;
  if (wallMedian === null) return;
  console.log(
    `  ours ÷ sdk: wall median ${fmtRatio(wallMedian)} (paired ${fmtRatio(r.ratios.wallPairedMedian)}), p95 ${fmtRatio(r.ratios.wallP95)}, CPU median ${fmtRatio(r.ratios.cpuMedian)} (paired ${fmtRatio(r.ratios.cpuPairedMedian)})  ` +
      ((r.ratios.cpuMedian ?? Infinity) <= 1 ? '✔ CPU target ≤ 1.0 met' : '✘ CPU target ≤ 1.0 MISSED'),
  );
}

async function main(): Promise<void> {
  const rounds = Number(process.env.BENCH_RUNS ?? 15);
  const warmup = Number(process.env.BENCH_WARMUP ?? 3);
  const providers = (process.env.BENCH_PROVIDERS ?? PROVIDERS.join(','))
    .split(',')
    .map((p) => p.trim())
    .filter((p): p is ProviderName => (PROVIDERS as readonly string[]).includes(p));
  const m = machineWithPackages();
  console.log(`Stream processing: our ModelClient vs the official SDKs, same local server and transcript`);
  console.log(`Machine: ${m.cpu}, ${m.cores} cores (available ${m.availableParallelism}), ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node} (V8 ${m.v8}), load ${m.loadAverage1m}, gc ${m.gcExposed ? 'exposed' : 'NOT exposed'}`);
  console.log(`Packages: ${Object.entries(m.packages).map(([k, v]) => `${k}@${v}`).join(', ')}`);
  console.log(`Rounds: ${warmup} warm-up + ${rounds} measured; each round runs ${PATHS.join(', ')} once (rotating start); server in a child process`);

  const server = await ServerProcess.start();
  const results: ProviderResult[] = [];
  let extra: unknown;
  try {
    // Everything is generated and handed to the server before the first measured request.
    const transcripts = providers.map((p) => buildTranscript(p));
    for (const t of transcripts) await server.load(t.provider, t.chunks);
    for (const t of transcripts) {
      const r = await benchProvider(t, server, rounds, warmup);
      printProvider(r);
      results.push(r);
    }
    if (process.env.BENCH_EXTRA !== '0') extra = await paceAndStartup(server);
  } finally {
    await server.close();
  }
  console.log(
    `BENCH_JSON ${JSON.stringify({
      extra,
      bench: 'stream',
      machine: { ...m, loadAverage1mAtEnd: Math.round(loadavg()[0]! * 100) / 100 },
      rounds,
      warmup,
      targetRatio: 1.0,
      results,
    })}`,
  );
}

if (process.env[ROLE_ENV] === 'server') {
  void serverMain();
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
