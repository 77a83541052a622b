// Runs the bundled benchmarks in sequence:
//   node bench/run.mjs [name ...]     e.g. `core`, `webview`, `ledger`; no name runs every out/bench/*.bench.js
// Bundles come from `node esbuild.mjs --tests` (bench/<name>.bench.ts → out/bench/<name>.bench.js).
// Each benchmark runs with --expose-gc (so it may settle the heap between phases) and inherits stdio; the exit code is non-zero if any is missing or fails.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const outDir = join(root, 'out', 'bench');
const suffix = '.bench.js';

function available() {
  if (!existsSync(outDir)) return [];
  return readdirSync(outDir)
    .filter((f) => f.endsWith(suffix))
    .map((f) => f.slice(0, -suffix.length))
    .sort();
}

const requested = process.argv.slice(2);
const names = requested.length ? requested : available();
if (names.length === 0) {
  console.error(`No benchmarks found in ${outDir}; build them first with \`node esbuild.mjs --tests\`.`);
  process.exit(1);
}

const failures = [];
for (const name of names) {
  const file = join(outDir, `${name}${suffix}`);
  if (!existsSync(file)) {
    const known = available();
    console.error(`\n=== bench ${name}: ${file} does not exist (available: ${known.length ? known.join(', ') : 'none'}) ===`);
    failures.push(name);
    continue;
  }
  console.log(`\n=== bench ${name} ===`);
  const run = spawnSync(process.execPath, ['--expose-gc', file], { cwd: root, stdio: 'inherit' });
  if (run.error) console.error(`bench ${name}: ${run.error.message}`);
  if (run.status !== 0) {
    console.error(`bench ${name}: exited with ${run.status ?? run.signal}`);
    failures.push(name);
  }
}
if (failures.length) {
  console.error(`\n${failures.length} of ${names.length} benchmark(s) failed: ${failures.join(', ')}`);
  process.exit(1);
}
console.log(`\n${names.length} benchmark(s) finished: ${names.join(', ')}`);
