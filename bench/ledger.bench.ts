// Cost ledger benchmark: what a well-used ledger costs the meter, the budget check and the report.
//   node esbuild.mjs --tests && node bench/run.mjs ledger
// For 10k and 100k records (a FileTextStore in a tmp dir, records spread over 60 days, 1 in 8
// unpriced) it measures, median and p95 after warm-up:
//   - open: CostLedger.open on the file, as every start after the first (summary + tail)
//   - first open: the same with no summary file yet (reads every line once, writes the summary)
//   - totals: ledger.totals() (today / month / session)
//   - meter refresh: what the status-bar meter does on every job change — catch up with other
//     processes' appends (a stat), then read the totals
//   - meter refresh after another process appended a line (stat + tail read of that line)
//   - budget check: catch up, then the spend the budget gate reads before every plan
//   - report: buildCostReport over every record (30 days), history loaded
//   - report cold: load the records the summary stands for, then build the report
// Prints a table, then one JSON line (prefix `BENCH_JSON `).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCostReport } from '../src/core/cost/costReport';
import { CostLedger, type LedgerRecord } from '../src/core/cost/ledger';
import { FileTextStore } from '../src/node/fileTextStore';
import { rng } from '../test/support/seededRandom';
import { machine } from './machine';
import { stats, type Stats } from './stats';

const gc = (globalThis as { gc?: () => void }).gc;
const DAY_MS = 86_400_000;

async function measure(iterations: number, warmup: number, fn: () => unknown): Promise<Stats> {
  for (let i = 0; i < warmup; i++) await fn();
  gc?.();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return stats(samples);
}

const MODELS = ['claude-sonnet-4-5', 'gpt-5', 'deepseek-reasoner', 'o3', 'claude-opus-4-5', 'gpt-5-mini', 'local-llama'];
const TIERS = ['fast', 'capable', 'reasoning'] as const;

function ledgerText(count: number, now: number, seed = 7): string {
  const rand = rng(seed);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const model = MODELS[Math.floor(rand() * MODELS.length)]!;
    const unpriced = model === 'local-llama' || i % 8 === 0;
    const output = Math.floor(rand() * 8000);
    const reasoning = Math.floor(output * rand());
    const record: LedgerRecord & { type: 'job' } = {
      type: 'job',
      jobId: `j${i.toString(36)}-${Math.floor(rand() * 1e9).toString(36)}`,
      at: Math.floor(now - rand() * 60 * DAY_MS),
      provider: 'anthropic',
      model,
      tier: TIERS[Math.floor(rand() * 3)]!,
      kind: rand() < 0.7 ? 'review' : 'debug',
      inputTokens: Math.floor(rand() * 20000),
      cachedInputTokens: 0,
      outputTokens: output,
      reasoningTokens: reasoning,
      answerTokens: output - reasoning,
      estimated: false,
      costUsd: unpriced ? null : Math.round(rand() * 50000) / 1e6,
      costSource: unpriced ? 'unknown' : 'table',
      outcome: 'succeeded',
      cached: rand() < 0.1,
    };
    lines.push(JSON.stringify(record));
    if (i % 10 === 0) lines.push(JSON.stringify({ type: 'outcome', jobId: record.jobId, at: record.at + 1000, mark: 'helpful' }));
  }
  return lines.join('\n') + '\n';
}

/** The ledger's way to catch up with other processes, when it has one (today's code has none). */
async function refresh(ledger: CostLedger): Promise<void> {
  const r = (ledger as unknown as { refresh?: () => Promise<void> }).refresh;
  if (r) await r.call(ledger);
}

interface Row {
  records: number;
  fileMiB: number;
  open: Stats;
  firstOpen?: Stats;
  totals: Stats;
  meterRefresh: Stats;
  meterAfterAppend?: Stats;
  budgetCheck: Stats;
  report: Stats;
  reportCold?: Stats;
}

type Ledger = CostLedger & { loadHistory?: () => Promise<void> };

async function run(count: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'deep-review-ledger-bench-'));
  try {
    const now = Date.now();
    const text = ledgerText(count, now);
    writeFileSync(join(dir, 'ledger.jsonl'), text);
    const store = new FileTextStore(dir);
    const openIterations = count >= 100_000 ? 7 : 15;
    const summary = join(dir, 'ledger.summary.json');
    const hasSummaries = 'loadHistory' in CostLedger.prototype;
    const firstOpen = hasSummaries ? await measure(count >= 100_000 ? 5 : 10, 1, () => (rmSync(summary, { force: true }), CostLedger.open(store))) : undefined;
    const open = await measure(openIterations, 2, () => CostLedger.open(store));
    const ledger: Ledger = await CostLedger.open(store);
    await ledger.loadHistory?.();
    const small = count >= 100_000 ? 30 : 100;
    const totals = await measure(small, 5, () => ledger.totals());
    const meterRefresh = await measure(small, 5, async () => {
      await refresh(ledger);
      return ledger.totals();
    });
    const budgetCheck = await measure(small, 5, async () => {
      await refresh(ledger);
      return ledger.spent();
    });
    const report = await measure(count >= 100_000 ? 7 : 15, 2, () => buildCostReport(ledger.records(), (id) => ledger.isSuccessful(id)));
    let meterAfterAppend: Stats | undefined;
    let reportCold: Stats | undefined;
    if (hasSummaries) {
      // Another process (a second ledger on the same folder) appends one line before each refresh.
      const other = await CostLedger.open(store);
      let n = 0;
      const line = { at: now, provider: 'anthropic', model: 'gpt-5', tier: 'capable' as const, kind: 'review' as const, inputTokens: 1000, cachedInputTokens: 0, outputTokens: 500, reasoningTokens: 100, answerTokens: 400, estimated: false, costUsd: 0.01, costSource: 'table' as const, outcome: 'succeeded' as const, cached: false };
      const samples: number[] = [];
      for (let i = 0; i < (count >= 100_000 ? 30 : 60); i++) {
        await other.append({ ...line, jobId: `other-${n++}` });
        const t0 = process.hrtime.bigint();
        await refresh(ledger);
        ledger.totals();
        samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      meterAfterAppend = stats(samples.slice(5));
      reportCold = await measure(count >= 100_000 ? 5 : 10, 1, async () => {
        const fresh: Ledger = await CostLedger.open(store);
        await fresh.loadHistory?.();
        return buildCostReport(fresh.records(), (id) => fresh.isSuccessful(id));
      });
    }
    return { records: count, fileMiB: Math.round((Buffer.byteLength(text) / 2 ** 20) * 10) / 10, open, firstOpen, totals, meterRefresh, meterAfterAppend, budgetCheck, report, reportCold };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (s: Stats | undefined) => (s ? `${s.medianMs.toFixed(3).padStart(9)} / ${s.p95Ms.toFixed(3).padStart(9)}` : `${'-'.padStart(9)} / ${'-'.padStart(9)}`);

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const count of [10_000, 100_000]) rows.push(await run(count));
  console.log('machine', JSON.stringify(machine()));
  console.log('ms, median / p95;', rows.map((r) => `${r.records} records = ${r.fileMiB} MiB`).join(', '));
  const columns: [string, (r: Row) => Stats | undefined][] = [
    ['open', (r) => r.open],
    ['first open', (r) => r.firstOpen],
    ['totals', (r) => r.totals],
    ['meter refresh', (r) => r.meterRefresh],
    ['meter, 1 new line', (r) => r.meterAfterAppend],
    ['budget check', (r) => r.budgetCheck],
    ['report', (r) => r.report],
    ['report cold', (r) => r.reportCold],
  ];
  for (const [name, get] of columns) {
    console.log(`${name.padEnd(20)}${rows.map((r) => `${String(r.records).padStart(7)}: ${fmt(get(r))}`).join('   ')}`);
  }
  console.log(`BENCH_JSON ${JSON.stringify({ bench: 'ledger', machine: machine(), rows })}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
