// The standard route: @vscode/test-electron downloads VS Code and runs the suite in it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { extensionRoot, freshWorkspace, testsEntry } from './hosts.mjs';

export async function runIntegration() {
  const state = mkdtempSync(join(tmpdir(), 'deep-review-electron-'));
  try {
    return await runTests({
      extensionDevelopmentPath: extensionRoot,
      extensionTestsPath: testsEntry,
      launchArgs: [freshWorkspace(state), '--disable-extensions', '--disable-workspace-trust', `--user-data-dir=${join(state, 'ud')}`],
      extensionTestsEnv: { DEEP_REVIEW_TEST_RESULTS: process.env.DEEP_REVIEW_TEST_RESULTS ?? '' },
    });
  } catch (err) {
    console.error(`VS Code (electron) run failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
