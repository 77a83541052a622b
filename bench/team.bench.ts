// Team-mode throughput and queue latency: the built CLI's `server` and `worker`s on a throwaway
// PostgreSQL, a fast local model server (answers after BENCH_MODEL_DELAY_MS), clients over HTTP
// and SSE in this process.
//   node esbuild.mjs --tests && node bench/run.mjs team
//   BENCH_JOBS=300 BENCH_CLIENTS=10 BENCH_CLIENT_CONCURRENCY=4 BENCH_WORKERS=3 BENCH_WORKER_CONCURRENCY=4 BENCH_MODEL_DELAY_MS=20
// Measured per job: submit → first SSE event (queue latency: the job is claimed and its first
// event reaches the client), submit → result (end to end); overall jobs/s. Then the same questions
// again, answered from the shared cache. Every result is checked against its own question.
// Prints machine details, a table, then one JSON line (prefix `BENCH_JSON `).
import { FastModelServer } from '../test/server/support/fastModel';
import { testDatabase } from '../test/server/support/postgres';
import { addMember, startServer, startWorker, teamCli, type Proc } from '../test/server/support/teamProcesses';
import { TeamClient } from '../src/server/teamHttpClient';
import { machine } from './machine';
import { stats } from './stats';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const JOBS = env('BENCH_JOBS', 300);
const CLIENTS = env('BENCH_CLIENTS', 10);
const CLIENT_CONCURRENCY = env('BENCH_CLIENT_CONCURRENCY', 4);
const WORKERS = env('BENCH_WORKERS', 3);
const WORKER_CONCURRENCY = env('BENCH_WORKER_CONCURRENCY', 4);
const MODEL_DELAY_MS = env('BENCH_MODEL_DELAY_MS', 20);

interface Sample {
  firstEventMs: number;
  doneMs: number;
}

async function runPhase(clients: TeamClient[], markers: string[][]): Promise<{ samples: Sample[]; wallMs: number }> {
  const samples: Sample[] = [];
  const started = performance.now();
  await Promise.all(
    clients.map(async (client, c) => {
      const mine = [...markers[c]!];
      const lane = async () => {
        for (let m = mine.shift(); m !== undefined; m = mine.shift()) {
          const t0 = performance.now();
          let first: number | undefined;
          const submitted = await client.submit({ kind: 'review', target: { type: 'selection', filePath: `src/${m}.ts`, languageId: 'typescript', startLine: 1, endLine: 1, code: `export const v = '${m}';` } });
          const record = await client.follow(submitted.jobId, { onEvent: () => (first ??= performance.now()) });
          const done = performance.now();
          if (record.result?.summary !== `Reviewed ${m}.`) throw new Error(`wrong or missing answer for ${m}: ${record.result?.summary ?? record.error?.message}`);
          samples.push({ firstEventMs: (first ?? done) - t0, doneMs: done - t0 });
        }
      };
      await Promise.all(Array.from({ length: CLIENT_CONCURRENCY }, lane));
    }),
  );
  return { samples, wallMs: performance.now() - started };
}

async function main(): Promise<void> {
  const db = await testDatabase('bench');
  if ((await teamCli(['team', 'init'], db)).code !== 0) throw new Error('team init failed');
  const model = await FastModelServer.start(MODEL_DELAY_MS);
  const procs: Proc[] = [];
  try {
    procs.push(...(await Promise.all(Array.from({ length: WORKERS }, () => startWorker(db, { baseUrl: model.baseUrl, concurrency: WORKER_CONCURRENCY })))));
    const server = await startServer(db, { extra: ['--rate-per-minute', '1000000'] });
    procs.push(server);
    const tokens = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => addMember(db, `bench-${i}`)));
    const clients = tokens.map((t) => new TeamClient(server.url, t));
    const markers = clients.map((_, c) => Array.from({ length: Math.ceil(JOBS / CLIENTS) }, (_, j) => `REQ-${c}x${j}`));
    const fresh = await runPhase(clients, markers);
    if (model.requests !== fresh.samples.length) throw new Error(`expected ${fresh.samples.length} model calls, saw ${model.requests}`);
    const cached = await runPhase(clients, markers);
    if (model.requests !== fresh.samples.length) throw new Error('cached answers reached the model');
    const row = (name: string, p: { samples: Sample[]; wallMs: number }) => {
      const first = stats(p.samples.map((s) => s.firstEventMs));
      const done = stats(p.samples.map((s) => s.doneMs));
      return { phase: name, jobs: p.samples.length, jobsPerSecond: Math.round((p.samples.length / p.wallMs) * 10000) / 10, firstEventP50Ms: round(first.medianMs), firstEventP95Ms: round(first.p95Ms), resultP50Ms: round(done.medianMs), resultP95Ms: round(done.p95Ms) };
    };
    const rows = [row('new jobs (model call)', fresh), row('same questions (team cache)', cached)];
    const serverErrors = server.output().split('\n').filter((l) => l.includes('"level":"error"'));
    if (serverErrors.length) throw new Error(`the server logged ${serverErrors.length} error(s), e.g. ${serverErrors[0]}`);
    const config = { jobs: JOBS, clients: CLIENTS, clientConcurrency: CLIENT_CONCURRENCY, workers: WORKERS, workerConcurrency: WORKER_CONCURRENCY, modelDelayMs: MODEL_DELAY_MS, maxModelCallsInFlight: model.maxInFlight };
    console.log('machine', JSON.stringify(machine()));
    console.log('config ', JSON.stringify(config));
    console.log(`${'phase'.padEnd(30)} ${'jobs'.padStart(5)} ${'jobs/s'.padStart(7)} ${'first p50'.padStart(10)} ${'first p95'.padStart(10)} ${'result p50'.padStart(11)} ${'result p95'.padStart(11)}`);
    for (const r of rows) console.log(`${r.phase.padEnd(30)} ${String(r.jobs).padStart(5)} ${String(r.jobsPerSecond).padStart(7)} ${`${r.firstEventP50Ms} ms`.padStart(10)} ${`${r.firstEventP95Ms} ms`.padStart(10)} ${`${r.resultP50Ms} ms`.padStart(11)} ${`${r.resultP95Ms} ms`.padStart(11)}`);
    console.log(`BENCH_JSON ${JSON.stringify({ bench: 'team', machine: machine(), config, rows })}`);
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await model.close();
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
