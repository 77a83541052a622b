// The two stream figures that a full-speed run cannot show, run after it by stream.bench.ts:
//   pace     the same formats at a realistic pace (one SSE event every BENCH_PACE_MS, 10 ms ≈ 100
//            events/s): the consumer's CPU as a share of one core over the wall time, for ours, the
//            official SDK and the floor; "above floor" is what the stack adds to fetch + decode.
//   startup  time to the first visible token in a fresh Node process: `node -e` loads the shipped
//            providers bundle (dist/providers.js) or the official SDK, streams from the same server
//            and prints performance.now() (ms since the process started) at the first reasoning
//            delta, with the load time and RSS. Interleaved, BENCH_STARTUP_RUNS runs each.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { median } from './stats';
import { anthropicSdkConsumer, chatSdkConsumer, floorConsumer, oursConsumer, openaiSdkConsumer, type Consumer } from './streamConsumers';
import type { ServerProcess } from './streamServer';
import { buildTranscript, type ProviderName } from './streamTranscript';

const ROOT = process.cwd();

interface PaceRow {
  provider: ProviderName;
  path: 'ours' | 'sdk' | 'floor';
  wallMs: number;
  cpuMs: number;
  /** CPU as a percentage of one core over the run. */
  corePercent: number;
}

async function pace(server: ServerProcess): Promise<{ everyMs: number; events: Record<string, number>; rows: PaceRow[]; aboveFloor: Record<string, { ours: number; sdk: number }> }> {
  const everyMs = Number(process.env.BENCH_PACE_MS ?? 10);
  const rounds = Number(process.env.BENCH_PACE_ROUNDS ?? 2);
  const providers = (process.env.BENCH_PACE_PROVIDERS ?? 'anthropic,openai,chat').split(',').filter((p): p is 'anthropic' | 'openai' | 'chat' => ['anthropic', 'openai', 'chat'].includes(p));
  const rows: PaceRow[] = [];
  const events: Record<string, number> = {};
  for (const provider of providers) {
    const t = buildTranscript(provider, 500, 100);
    events[provider] = t.chunks.length;
    await server.load(provider, t.chunks, everyMs);
    const sdk: Consumer = provider === 'anthropic' ? anthropicSdkConsumer(server.baseUrl, false) : provider === 'openai' ? openaiSdkConsumer(server.baseUrl, false) : chatSdkConsumer(server.baseUrl, false);
    const consumers = { ours: oursConsumer(provider, server.baseUrl), sdk, floor: floorConsumer(provider, server.baseUrl) };
    // Round 0 warms each path up and is not counted.
    for (let round = 0; round <= rounds; round++) {
      for (const path of ['ours', 'sdk', 'floor'] as const) {
        await server.enqueue(provider);
        const cpu0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        const out = await consumers[path]();
        const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
        const cpu = process.cpuUsage(cpu0);
        await server.served();
        if (path !== 'floor' && out.reasoning !== t.reasoning) throw new Error(`pace ${provider}/${path}: reasoning differs`);
        const cpuMs = (cpu.user + cpu.system) / 1e3;
        if (round > 0) rows.push({ provider, path, wallMs, cpuMs, corePercent: (100 * cpuMs) / wallMs });
      }
    }
  }
  const aboveFloor: Record<string, { ours: number; sdk: number }> = {};
  for (const provider of providers) {
    const m = (path: PaceRow['path']) => median(rows.filter((r) => r.provider === provider && r.path === path).map((r) => r.corePercent));
    aboveFloor[provider] = { ours: m('ours') - m('floor'), sdk: m('sdk') - m('floor') };
  }
  return { everyMs, events, rows, aboveFloor };
}

const CHILD_OURS = `
const { performance } = require('node:perf_hooks');
const started = performance.now();
const { createModelClient } = require(process.env.BUNDLE);
const loaded = performance.now();
const client = createModelClient({ provider: 'anthropic', apiKey: 'sk-bench', baseUrl: process.env.BASE + '/v1' });
(async () => {
  const call = { spec: { provider: 'anthropic', model: 'claude-sonnet-4-6', reasoning: true, effort: 'high', maxThinkingTokens: 16000, maxAnswerTokens: 4096 }, system: 's', prompt: 'p', signal: new AbortController().signal };
  for await (const e of client.stream(call)) {
    if (e.type === 'reasoning-delta') {
      console.log(JSON.stringify({ firstTokenMs: performance.now(), loadMs: loaded - started, rssMiB: process.memoryUsage().rss / 2 ** 20 }));
      process.exit(0);
    }
  }
})();`;

const CHILD_SDK = `
const { performance } = require('node:perf_hooks');
const started = performance.now();
const m = require('@anthropic-ai/sdk');
const Anthropic = m.Anthropic || m.default || m;
const loaded = performance.now();
const client = new Anthropic({ apiKey: 'sk-bench', baseURL: process.env.BASE, maxRetries: 0 });
(async () => {
  const stream = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 20096, thinking: { type: 'enabled', budget_tokens: 16000 }, system: 's', messages: [{ role: 'user', content: 'p' }], stream: true });
  for await (const e of stream) {
    if (e.type === 'content_block_delta' && e.delta.type === 'thinking_delta') {
      console.log(JSON.stringify({ firstTokenMs: performance.now(), loadMs: loaded - started, rssMiB: process.memoryUsage().rss / 2 ** 20 }));
      process.exit(0);
    }
  }
})();`;

interface StartupSample {
  firstTokenMs: number;
  loadMs: number;
  rssMiB: number;
}

async function startup(server: ServerProcess): Promise<{ bundle: string; bundleBytes: number; runs: number; ours: StartupSample; sdk: StartupSample } | { skipped: string }> {
  const bundle = join(ROOT, 'dist', 'providers.js');
  if (!existsSync(bundle)) return { skipped: 'dist/providers.js not built (npm run build)' };
  const runs = Number(process.env.BENCH_STARTUP_RUNS ?? 7);
  const t = buildTranscript('anthropic', 50, 10);
  await server.load('startup', t.chunks);
  const samples: Record<'ours' | 'sdk', StartupSample[]> = { ours: [], sdk: [] };
  for (let i = 0; i < runs; i++) {
    for (const which of i % 2 === 0 ? (['ours', 'sdk'] as const) : (['sdk', 'ours'] as const)) {
      await server.enqueue('startup');
      const out = execFileSync(process.execPath, ['-e', which === 'ours' ? CHILD_OURS : CHILD_SDK], { cwd: ROOT, env: { ...process.env, BUNDLE: bundle, BASE: server.baseUrl, DEEP_REVIEW_STREAM_BENCH_ROLE: '' }, encoding: 'utf8' });
      await server.served();
      samples[which].push(JSON.parse(out.trim().split('\n').at(-1)!) as StartupSample);
    }
  }
  const med = (xs: StartupSample[]): StartupSample => ({ firstTokenMs: median(xs.map((x) => x.firstTokenMs)), loadMs: median(xs.map((x) => x.loadMs)), rssMiB: median(xs.map((x) => x.rssMiB)) });
  return { bundle: 'dist/providers.js', bundleBytes: statSync(bundle).size, runs, ours: med(samples.ours), sdk: med(samples.sdk) };
}

export async function paceAndStartup(server: ServerProcess): Promise<unknown> {
  const p = await pace(server);
  console.log(`\nAt a realistic pace (one event every ${p.everyMs} ms; ${Object.entries(p.events).map(([k, v]) => `${k} ${v} events`).join(', ')}): CPU as % of one core, medians`);
  for (const [provider, a] of Object.entries(p.aboveFloor)) {
    const m = (path: PaceRow['path']) => median(p.rows.filter((r) => r.provider === provider && r.path === path).map((r) => r.corePercent));
    console.log(`  ${provider.padEnd(10)} ours ${m('ours').toFixed(2)} %  sdk ${m('sdk').toFixed(2)} %  floor ${m('floor').toFixed(2)} %  above floor: ours ${a.ours.toFixed(2)} vs sdk ${a.sdk.toFixed(2)} ${a.ours <= a.sdk ? '✔' : '✘'}`);
  }
  const s = await startup(server);
  if ('skipped' in s) console.log(`\nStartup: skipped (${s.skipped})`);
  else {
    console.log(`\nFirst visible token in a fresh process (median of ${s.runs}; ${s.bundle} ${(s.bundleBytes / 1024).toFixed(1)} KiB):`);
    console.log(`  ours ${s.ours.firstTokenMs.toFixed(1)} ms (load ${s.ours.loadMs.toFixed(1)} ms, RSS ${s.ours.rssMiB.toFixed(1)} MiB)  sdk ${s.sdk.firstTokenMs.toFixed(1)} ms (load ${s.sdk.loadMs.toFixed(1)} ms, RSS ${s.sdk.rssMiB.toFixed(1)} MiB)  ${s.ours.firstTokenMs <= s.sdk.firstTokenMs ? '✔' : '✘'}`);
  }
  return { pace: p, startup: s };
}
