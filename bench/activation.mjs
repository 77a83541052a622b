// Activation time in the real VS Code host: runs the integration suite on code-server with
// DEEP_REVIEW_BENCH_ACTIVATION set; the activation test writes what `activate()` measured.
// Repeats a few times (a fresh workbench each) and reports the median.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
// Measure what ships: the production bundles (the test bundles under out/ stay as built).
spawnSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: root, stdio: 'inherit' });
const runs = Number(process.env.RUNS ?? 3);
const samples = [];
for (let i = 0; i < runs; i++) {
  const out = join(tmpdir(), `deep-review-activation-${process.pid}-${i}.json`);
  rmSync(out, { force: true });
  const r = spawnSync(process.execPath, [join(root, 'test', 'integration', 'run.mjs')], {
    cwd: root,
    env: { ...process.env, DEEP_REVIEW_VSCODE_HOST: 'code-server', DEEP_REVIEW_BENCH_ACTIVATION: out, DEEP_REVIEW_INTEGRATION_GREP: 'engine version' },
    stdio: 'ignore',
  });
  try {
    samples.push(JSON.parse(readFileSync(out, 'utf8')));
  } catch {
    console.error(`run ${i + 1}: no activation figure (exit ${r.status})`);
  }
}
spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
if (samples.length === 0) process.exit(1);
const ms = samples.map((s) => s.activationMs).sort((a, b) => a - b);
const median = ms[Math.floor(ms.length / 2)];
console.log(`activate(): median ${median.toFixed(1)} ms over ${ms.length} fresh workbenches (${ms.map((m) => m.toFixed(1)).join(', ')}) — VS Code ${samples[0].vscode}`);
console.log(`BENCH_JSON ${JSON.stringify({ bench: 'activation', medianMs: median, samples: ms, vscode: samples[0].vscode })}`);
