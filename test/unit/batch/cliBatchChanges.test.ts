// `deep-review review --changes … --batch` end to end: the built CLI on a real git repository,
// against the local batch server. The whole change set goes out as one batch and the command
// exits at once; each file's answer is read with `result` when the batch ends, its findings on
// unchanged lines set aside as in a streamed change review; over budget, nothing is sent.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchServer } from '../../support/batchServer';
import { numberedSource } from '../../support/changeFixtures';
import { runCli } from '../../support/runCli';
import { KEY } from './batchHarness';

const sh = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });

interface Submitted {
  changes: string;
  maxCostUsd: number | null;
  listMaxCostUsd: number | null;
  files: { filePath: string; jobId: string; status: string; batchId: string | null }[];
  skipped: { filePath: string; skipped: string }[];
}

describe('deep-review review --changes --batch (real git repository, local batch server)', function () {
  this.timeout(60_000);
  let server: BatchServer;
  let dir: string;
  let repo: string;

  before(async () => {
    server = await BatchServer.start();
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'deep-review-changes-batch-'));
    repo = join(dir, 'repo');
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    sh(repo, 'config', 'user.email', 'test@example.com');
    sh(repo, 'config', 'user.name', 'Test');
    writeFileSync(join(repo, 'a.ts'), numberedSource('a'));
    writeFileSync(join(repo, 'b.ts'), numberedSource('b'));
    writeFileSync(join(repo, 'old.txt'), 'to be deleted\n');
    sh(repo, 'add', '.');
    sh(repo, 'commit', '-q', '-m', 'initial');
    writeFileSync(join(repo, 'a.ts'), numberedSource('a', { 3: 'export const a3 = 300;', 9: 'export const a9 = 900;' }));
    writeFileSync(join(repo, 'b.ts'), numberedSource('b', { 3: 'export const b3 = 30;', 9: 'export const b9 = 90;' }));
    rmSync(join(repo, 'old.txt'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[], env: Record<string, string>) => runCli(args, { ANTHROPIC_API_KEY: KEY, ...env }, dir);
  const review = (home: string, extra: string[] = []) =>
    run(['review', '--changes', '--batch', '--repo', repo, '--provider', 'anthropic', '--model', 'claude-sonnet-4-5', '--base-url', server.apiBase, '--format', 'json', ...extra], { DEEP_REVIEW_HOME: home });

  it('sends the whole change set as one batch, exits at once, and each file reads back at half price with findings on changed lines', async () => {
    const home = join(dir, 'home');
    const batchesBefore = server.batches.size;
    const submit = await review(home);
    assert.equal(submit.code, 0, submit.stderr);
    const out = JSON.parse(submit.stdout) as Submitted;
    assert.equal(out.changes, 'uncommitted changes');
    assert.deepEqual(out.files.map((f) => f.filePath).sort(), ['a.ts', 'b.ts']);
    assert.deepEqual(out.skipped, [{ filePath: 'old.txt', skipped: 'deleted' }]);
    assert.ok(out.files.every((f) => f.status === 'submitted'));
    assert.equal(server.batches.size, batchesBefore + 1, 'one batch for the whole set');
    const batchId = out.files[0]!.batchId!;
    assert.ok(out.files.every((f) => f.batchId === batchId));
    const batch = server.batches.get(batchId)!;
    assert.equal(batch.state, 'in_progress', 'the CLI did not wait');
    assert.deepEqual(batch.requests.map((r) => r.customId).sort(), out.files.map((f) => f.jobId).sort());
    assert.ok(batch.requests.every((r) => r.body.stream === undefined && /a\.ts|b\.ts/.test(JSON.stringify(r.body.messages))));
    assert.ok(out.maxCostUsd !== null && out.listMaxCostUsd !== null && Math.abs(out.maxCostUsd * 2 - out.listMaxCostUsd) < 1e-9, 'the worst case at half the list price');

    const pending = await run(['result', out.files[0]!.jobId, '--format', 'json'], { DEEP_REVIEW_HOME: home });
    assert.equal(pending.code, 3, pending.stderr);

    // Lines 3 and 9 changed: line 3's finding is kept; line 6 lies inside the reviewed span but
    // did not change, so it is set aside, as in a streamed change review.
    server.respond = () => ({
      type: 'succeeded',
      reasoning: 'Reading the diff.',
      answer: JSON.stringify({ summary: 'Checked the change.', findings: [3, 6].map((l) => ({ title: `Problem on line ${l}`, severity: 'medium', confidence: 0.8, startLine: l, endLine: l, explanation: `Line ${l}.` })), answer: 'See the findings.' }),
      inputTokens: 2000,
      outputTokens: 1000,
      reasoningTokens: 200,
    });
    server.complete(batchId);
    for (const f of out.files) {
      const done = await run(['result', f.jobId, '--format', 'json'], { DEEP_REVIEW_HOME: home });
      assert.equal(done.code, 0, done.stderr);
      const job = JSON.parse(done.stdout) as { status: string; reasoning: string; warnings: string[]; cost: { usd: number } };
      assert.equal(job.status, 'succeeded');
      assert.equal(job.reasoning, 'Reading the diff.');
      assert.ok(job.warnings.some((w) => /Dropped 1 finding on unchanged lines/.test(w)), job.warnings.join(' | '));
      assert.ok(Math.abs(job.cost.usd - (2000 * 3 + 1000 * 15) / 1e6 / 2) < 1e-9, `cost ${job.cost.usd}`);
    }
    server.respond = () => ({ type: 'succeeded', reasoning: '', answer: '{}', inputTokens: 1, outputTokens: 1, reasoningTokens: 0 });
  });

  it('refuses a set over the budget at the batch price, sending nothing (exit 1)', async () => {
    const batchesBefore = server.batches.size;
    const r = await review(join(dir, 'home-poor'), ['--budget-usd', '0.0001']);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /running these 2 changed files later at half price/);
    assert.equal(server.batches.size, batchesBefore);
  });
});
