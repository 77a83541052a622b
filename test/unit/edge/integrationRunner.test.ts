// Issue 11, item 1: `npm test` on a fresh machine. The integration runner installs the offline
// VS Code host itself when it is missing (instead of falling back to a VS Code download that
// fails offline), and a passing run shows the suite's report, not the workbench's stack traces.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SUITE_OUTPUT_MARK, suiteOutputLine } from '../../integration/suiteOutput.mjs';

const root = resolve(__dirname, '..', '..', '..', '..');

describe('issue 11 item 1: the integration runner on a fresh machine', () => {
  it('prints the suite’s lines and hides the workbench’s, stack traces included', () => {
    assert.equal(suiteOutputLine(`${SUITE_OUTPUT_MARK}    ✔ reviews a selection end to end`), '    ✔ reviews a selection end to end');
    const workbench = ['[lifecycle] Long running operations during shutdown are unsupported in the web', 'Error: Canceled\n    at Delayer.cancel (workbench.js:1:2)\n    at async Promise.all (index 0)'];
    for (const line of workbench) assert.equal(suiteOutputLine(line), undefined);
  });

  it('installs code-server when it is missing rather than trying to download VS Code', function () {
    this.timeout(20_000);
    // Point the runner at an empty host folder and give it an install script that only reports
    // it was called and fails, so nothing is installed and no VS Code is started.
    const dir = mkdtempSync(join(tmpdir(), 'deep-review-runner-'));
    try {
      const run = spawnSync(process.execPath, [join(root, 'test', 'integration', 'run.mjs')], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, DEEP_REVIEW_VSCODE_HOST: '', DEEP_REVIEW_CODE_SERVER_DIR: join(dir, 'host'), PATH: `${join(root, 'test', 'unit', 'edge', 'fakeBash')}:${process.env.PATH}`, FAKE_BASH_LOG: join(dir, 'calls') },
      });
      assert.match(run.stdout, /integration host: code-server/);
      assert.match(run.stdout, /installing it once from the npm registry/);
      assert.match(readFileSync(join(dir, 'calls'), 'utf8'), /install-code-server\.sh/);
      assert.equal(run.status, 1, 'a failed install fails the run');
      assert.doesNotMatch(run.stdout + run.stderr, /ENOTFOUND|test-electron/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
