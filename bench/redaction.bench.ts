// Redaction time against input size: it must be linear (a 10 MB file well under a second).
//   node esbuild.mjs --tests && node bench/run.mjs redaction
// Five shapes of text at 1, 2, 4, 8 and 10 MB, each redacted whole by redactText (secretlint's
// recommended rules + our own rules + key blocks), median of 3 runs after one warm-up:
//   code     real source (TypeScript's lib.dom.d.ts and marked, repeated)
//   pem      PEM-like text: BEGIN lines and base64 bodies without END lines (quadratic before)
//   secrets  the secret corpus (test/fixtures/secrets/corpus.json) repeated: every line a secret
//   oneline  the code shape without line breaks (a minified bundle): one 10 MB line
//   secrets-1line  the secrets shape on one line
// Prints a table (CPU ms and wall ms), the slope ratio (CPU ms/MB at 10 MB over CPU ms/MB at 1 MB;
// about 1 when linear), then one JSON line (prefix `BENCH_JSON `).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { redactText } from '../src/core/redaction/secretRedaction';
import { machine } from './machine';
import { median } from './stats';

const ROOT = resolve(__dirname, '..', '..');
const MB = 1024 * 1024;
const SIZES_MB = [1, 2, 4, 8, 10];
const RUNS = 3;

function repeatTo(unit: string, bytes: number): string {
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

function shapes(): Record<string, string> {
  const code = ['node_modules/typescript/lib/lib.dom.d.ts', 'node_modules/marked/lib/marked.esm.js'].map((p) => readFileSync(join(ROOT, p), 'utf8')).join('\n');
  const body = 'MIIEowIBAAKCAQEA7kQ3b9Xy2Lw8Zp4Vt6Rn1Hs5Jd0Fg3Kc7Mb2Nq9Pw4Ue8Yr1T\n';
  const pem = `-----BEGIN RSA PRIVATE KEY-----\n${body.repeat(3)}`;
  const corpus = (JSON.parse(readFileSync(join(ROOT, 'test/fixtures/secrets/corpus.json'), 'utf8')) as { text: string }[]).map((c) => c.text).join('\n');
  return { code, pem, secrets: `${corpus}\n`, oneline: code.replace(/\n/g, ' '), 'secrets-1line': corpus.replace(/\n/g, ' ') };
}

/** Wall time and this process's CPU time (user + system): on a shared, loaded machine the CPU time is the steadier figure. */
async function timeOnce(text: string): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await redactText(text);
  const c = process.cpuUsage(c0);
  return { wall: Number(process.hrtime.bigint() - t0) / 1e6, cpu: (c.user + c.system) / 1000 };
}

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const m = machine();
  console.log(`machine: ${m.cpu} × ${m.cores}, ${m.memoryGiB} GiB, Node ${m.node}, load ${m.loadAverage1m}`);
  const results: Record<string, { mb: number; ms: number; cpuMs: number; msPerMb: number; cpuMsPerMb: number }[]> = {};
  for (const [name, unit] of Object.entries(shapes())) {
    await timeOnce(repeatTo(unit, MB)); // warm-up: JIT, secretlint's lazy modules
    results[name] = [];
    for (const mb of SIZES_MB) {
      const text = repeatTo(unit, mb * MB);
      const wall: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        gc?.();
        const t = await timeOnce(text);
        wall.push(t.wall);
        cpu.push(t.cpu);
      }
      const ms = median(wall);
      const cpuMs = median(cpu);
      results[name].push({ mb, ms: Math.round(ms), cpuMs: Math.round(cpuMs), msPerMb: Math.round(ms / mb), cpuMsPerMb: Math.round(cpuMs / mb) });
    }
  }
  console.log('\nCPU ms (wall ms)' + SIZES_MB.map((mb) => `${mb} MB`.padStart(16)).join('') + '   CPU ms/MB 1→10   slope ratio');
  const slopes: Record<string, number> = {};
  for (const [name, rows] of Object.entries(results)) {
    const first = rows[0]!.cpuMs / rows[0]!.mb;
    const last = rows[rows.length - 1]!.cpuMs / rows[rows.length - 1]!.mb;
    slopes[name] = Math.round((last / first) * 100) / 100;
    const cells = rows.map((r) => `${r.cpuMs} (${r.ms})`.padStart(16)).join('');
    console.log(`${name.padEnd(16)}${cells}   ${Math.round(first)} → ${Math.round(last)}`.padEnd(16 + cells.length + 20) + `   ${slopes[name]}`);
  }
  console.log(`BENCH_JSON ${JSON.stringify({ bench: 'redaction', machine: m, runs: RUNS, results, slopeRatio: slopes })}`);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
