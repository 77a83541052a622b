// Runs the test levels in order and prints one closing line that sums them:
//   node test/run-all.mjs [unit|webview|server|integration ...]
// Each level writes its counts to a JSON file (see countResults.cjs / integration/index.ts).
// Exit code is non-zero if any level fails or reports no result.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const resultsDir = join(root, 'out', 'test-results');
const requested = process.argv.slice(2);
const levels = requested.length ? requested : ['unit', 'webview', 'server', 'integration'];

const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const reporter = join(root, 'test', 'countResults.cjs');
const commands = {
  unit: [process.execPath, mocha, '--reporter', reporter, '--timeout', '10000', 'out/test/unit/**/*.test.js'],
  webview: [process.execPath, mocha, '--reporter', reporter, '--timeout', '60000', 'out/test/webview/**/*.test.js'],
  integration: [process.execPath, join(root, 'test', 'integration', 'run.mjs')],
  // Team mode against a throwaway PostgreSQL cluster (initdb/pg_ctl on PATH or apt's postgresql).
  server: [process.execPath, mocha, '--reporter', reporter, '--timeout', '120000', 'out/test/server/**/*.test.js'],
};

mkdirSync(resultsDir, { recursive: true });
let passed = 0;
let failed = 0;
let skipped = 0;
let broken = false;
for (const level of levels) {
  const cmd = commands[level];
  if (!cmd) {
    console.error(`unknown test level: ${level}`);
    process.exit(2);
  }
  const resultsFile = join(resultsDir, `${level}.json`);
  rmSync(resultsFile, { force: true });
  console.log(`\n=== ${level} tests ===`);
  const run = spawnSync(cmd[0], cmd.slice(1), { cwd: root, stdio: 'inherit', env: { ...process.env, DEEP_REVIEW_TEST_RESULTS: resultsFile } });
  if (!existsSync(resultsFile)) {
    console.error(`${level}: no results were reported (exit code ${run.status ?? run.signal})`);
    broken = true;
    failed += 1;
    continue;
  }
  const counts = JSON.parse(readFileSync(resultsFile, 'utf8'));
  console.log(`${level}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  passed += counts.passed;
  failed += counts.failed;
  skipped += counts.skipped;
  if (run.status !== 0 && counts.failed === 0) {
    console.error(`${level}: exited with ${run.status ?? run.signal} although no test failed`);
    broken = true;
    failed += 1;
  }
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || broken ? 1 : 0);
