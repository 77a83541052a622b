// Review Changes and context: what collecting the change set and its context costs, no model.
//   node esbuild.mjs --tests && node bench/run.mjs context
// Median and p95 (performance.now, after warm-up) of:
//   - the definition search on this repository (git ls-files, working tree) for the 16
//     identifiers src/cli/cliChanges.ts calls: the CLI's context for one changed file
//   - the worst case of the search: 3,000 in-memory files of ~8 KB, no identifier defined, so
//     every file is read and scanned up to the limits
//   - parsing a 200-file, 2,000-hunk unified diff
// Prints a readable table, then one JSON line (prefix `BENCH_JSON `) for tooling.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseUnifiedDiff } from '../src/core/changes/unifiedDiff';
import { calledIdentifiers, searchDefinitions } from '../src/core/context/definitionSearch';
import { MemoryRepoFiles } from '../src/core/context/repoFiles';
import { gitRepoFiles } from '../src/node/git';
import { machine } from './machine';
import { stats, type Stats } from './stats';

async function measure(iterations: number, warmup: number, fn: () => Promise<unknown> | unknown): Promise<Stats> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return stats(samples);
}

function syntheticRepo(files: number): MemoryRepoFiles {
  const body = Array.from({ length: 200 }, (_, i) => `export function helper${i}(x: number): number {\n  return x + ${i};\n}`).join('\n');
  return new MemoryRepoFiles(new Map(Array.from({ length: files }, (_, i) => [`src/module${i}/file${i}.ts`, body] as [string, string])));
}

function bigDiff(files: number, hunksPerFile: number): string {
  const out: string[] = [];
  for (let f = 0; f < files; f++) {
    out.push(`diff --git a/src/f${f}.ts b/src/f${f}.ts`, `--- a/src/f${f}.ts`, `+++ b/src/f${f}.ts`);
    for (let h = 0; h < hunksPerFile; h++) {
      const at = h * 20 + 1;
      out.push(`@@ -${at},7 +${at},7 @@`, ' a', ' b', ' c', `-old ${h}`, `+new ${h}`, ' d', ' e', ' f');
    }
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const root = resolve(__dirname, '..', '..');
  const code = readFileSync(join(root, 'src', 'cli', 'cliChanges.ts'), 'utf8');
  const identifiers = calledIdentifiers(code);
  let found = 0;
  const repoSearch = await measure(15, 3, async () => {
    const r = await searchDefinitions(gitRepoFiles(root), { identifiers, nearPath: 'src/cli/cliChanges.ts' });
    found = r.pieces.length;
  });
  const synthetic = syntheticRepo(3000);
  let searched = 0;
  let stopped = '';
  const worst = await measure(5, 1, async () => {
    const r = await searchDefinitions(synthetic, { identifiers: ['neverDefinedAnywhere', 'norThisOne'] }, { maxSymbols: 16, maxFiles: 3000, maxBytesPerFile: 256 * 1024, maxTotalBytes: 16 * 1024 * 1024, maxLinesPerDefinition: 60, timeMs: 60_000 });
    searched = r.filesSearched;
    stopped = r.stoppedEarly ?? 'no';
  });
  const diff = bigDiff(200, 10);
  const parse = await measure(30, 5, () => parseUnifiedDiff(diff));

  const m = machine();
  const row = (name: string, s: Stats, note: string) => `${name.padEnd(44)} ${s.medianMs.toFixed(1).padStart(8)} ms ${s.p95Ms.toFixed(1).padStart(8)} ms   ${note}`;
  console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, load ${m.loadAverage1m}`);
  console.log(`${'measure'.padEnd(44)} ${'median'.padStart(11)} ${'p95'.padStart(11)}`);
  console.log(row('definition search, this repository', repoSearch, `${identifiers.length} identifiers, ${found} found`));
  console.log(row('definition search, 3,000 files, none found', worst, `${searched} files searched, stopped early: ${stopped}`));
  console.log(row('parse a 200-file, 2,000-hunk diff', parse, `${(diff.length / 1024).toFixed(0)} KB`));
  console.log(`BENCH_JSON ${JSON.stringify({ bench: 'context', machine: m, repoSearch, worstCaseSearch: { ...worst, filesSearched: searched, stoppedEarly: stopped }, diffParse: parse })}`);
}

void main();
