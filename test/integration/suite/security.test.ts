// A sentinel API key goes through the flows (set key, reviews, cache, ledger, logs, copy), then
// every file the editor and the extension wrote is scanned: the key must appear nowhere.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { activateExtension } from './helpers';

const SENTINEL = 'SENTINEL-0123456789';

function* files(dir: string): Generator<string> {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    const path = join(dir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) yield* files(path);
    else if (st.isFile() && st.size < 20 * 1024 * 1024) yield path;
  }
}

describe('API key hygiene', () => {
  it('leaves the key in no file written by the flows: storage, cache, ledger, logs, settings, exports', async function () {
    const workspace = process.env.DEEP_REVIEW_TEST_WORKSPACE;
    if (!workspace) this.skip();
    const { api } = await activateExtension();
    const engine = await api.ready();
    const job = engine.jobs.list().find((j) => j.status === 'succeeded');
    assert.ok(job, 'the review tests ran first and left a finished job');
    await vscode.commands.executeCommand('deepReview.showResults', job.id);
    // Copy goes through the same Markdown export as Export Markdown.
    const { jobToHtml, jobToMarkdown } = await import('../../../src/core/jobs/jobReport');
    assert.doesNotMatch(jobToMarkdown(job) + jobToHtml(job), new RegExp(SENTINEL));
    await engine.flush();
    const stateDir = dirname(workspace);
    const scanned: string[] = [];
    const leaks: string[] = [];
    for (const file of files(stateDir)) {
      if (file.includes(`${join(stateDir, 'chromium')}`)) continue; // the browser profile holds the web workbench's secret storage
      scanned.push(file);
      if (readFileSync(file).includes(SENTINEL)) leaks.push(file);
    }
    assert.ok(scanned.some((f) => f.endsWith('ledger.jsonl')), `the ledger was scanned (${scanned.length} files)`);
    assert.ok(scanned.some((f) => /job-[\w-]+\.json$/.test(f)), 'the job history was scanned');
    assert.ok(scanned.some((f) => /analysis-[0-9a-f]+\.json$/.test(f)), 'a cache entry was scanned');
    assert.ok(scanned.some((f) => /Deep Review\.log$/.test(f)), 'the Deep Review log was scanned');
    assert.deepEqual(leaks, []);
  });
});
