// Test entry loaded by VS Code (extensionTestsPath): runs the mocha suite inside the extension
// host. The same file serves @vscode/test-electron and the code-server route.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';
import { SUITE_OUTPUT_MARK } from './suiteOutput.mjs';

export function run(): Promise<void> {
  // DEEP_REVIEW_INTEGRATION_GREP narrows the run (the activation benchmark needs one test).
  const grep = process.env.DEEP_REVIEW_INTEGRATION_GREP;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec', ...(grep ? { grep } : {}) });
  const suiteDir = join(__dirname, 'suite');
  for (const file of readdirSync(suiteDir).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(join(suiteDir, file));
  }
  const log = console.log;
  const marked = (...args: unknown[]) => log(`${SUITE_OUTPUT_MARK}${format(...args)}`);
  // Mocha's reporters keep their own reference to console.log, taken when mocha loaded.
  const reporterLog = Mocha.reporters.Base.consoleLog;
  console.log = marked;
  Mocha.reporters.Base.consoleLog = marked;
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      console.log = log;
      Mocha.reporters.Base.consoleLog = reporterLog;
      const resultsFile = process.env.DEEP_REVIEW_TEST_RESULTS;
      if (resultsFile) {
        const { passes, failures: failed, pending } = runner.stats ?? { passes: 0, failures: failures, pending: 0 };
        writeFileSync(resultsFile, JSON.stringify({ passed: passes, failed, skipped: pending }));
      }
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
  });
}
