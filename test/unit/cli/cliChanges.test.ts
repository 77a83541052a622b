// Review Changes end to end: the built CLI on real git repositories made in temp dirs, against
// the local test model server. Uncommitted, staged and <ref> change sets; findings on unchanged
// lines dropped; deleted and binary files skipped with a reason; guidelines and a definition
// from an unchanged third file in the request; an edit to one file pays for that file only.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelServer } from '../../support/modelServer';
import { runCli } from '../../support/runCli';
import { findingsOnLines as answer, numberedSource } from '../../support/changeFixtures';

const KEY = 'sk-changes-SENTINEL-0042';

function sh(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}

interface FileEntry {
  filePath: string;
  skipped?: string;
  findings?: { startLine: number; title: string }[];
  droppedOutsideChange?: number;
  cached?: boolean;
  context?: { kind: string; label: string; tokens: number }[];
}

describe('deep-review review --changes (real git repositories, local test model server)', function () {
  this.timeout(60_000);
  let server: ModelServer;
  let dir: string;
  let repo: string;
  let home: string;

  const run = (spec: string[], extra: string[] = []) =>
    runCli(['review', '--changes', ...spec, '--repo', repo, '--provider', 'anthropic', '--model', 'claude-sonnet-4-5', '--base-url', server.url('/v1'), '--format', 'json', ...extra], { DEEP_REVIEW_HOME: home, ANTHROPIC_API_KEY: KEY }, dir);

  const parse = (stdout: string) => JSON.parse(stdout) as { changes: string; files: FileEntry[] };

  before(async () => {
    server = await ModelServer.start();
  });
  after(async () => {
    await server.close();
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'deep-review-changes-'));
    repo = join(dir, 'repo');
    home = join(dir, 'home');
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    sh(repo, 'config', 'user.email', 'test@example.com');
    sh(repo, 'config', 'user.name', 'Test');
    writeFileSync(join(repo, 'scoring.ts'), 'export function clampScore(score: number): number {\n  return Math.min(100, Math.max(0, score));\n}\n');
    writeFileSync(join(repo, 'a.ts'), numberedSource('a'));
    writeFileSync(join(repo, 'b.ts'), numberedSource('b'));
    writeFileSync(join(repo, 'old.txt'), 'to be deleted\n');
    writeFileSync(join(repo, 'AGENTS.md'), '# Review rules\nGUIDELINE-SENTINEL: every score must be clamped.\n');
    sh(repo, 'add', '.');
    sh(repo, 'commit', '-q', '-m', 'initial');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uncommitted: one request per changed file, findings on unchanged lines dropped, skipped files listed, one request after editing one file', async () => {
    writeFileSync(join(repo, 'a.ts'), numberedSource('a', { 3: 'export const a3 = clampScore(300);', 9: 'export const a9 = 90;' }));
    writeFileSync(join(repo, 'b.ts'), numberedSource('b', { 3: 'export const b3 = 30;', 9: 'export const b9 = 90;' }));
    unlinkSync(join(repo, 'old.txt'));
    writeFileSync(join(repo, 'image.bin'), Buffer.from([0x89, 0x50, 0x00, 0x01, 0x02, 0x00]));
    const before = server.requests.length;
    // Line 3 changed (kept); line 6 inside the target span but unchanged (dropped).
    server.enqueue(answer([3, 6]), answer([3, 6]));
    const r = await run([]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.requests.length, before + 2);
    const out = parse(r.stdout);
    assert.equal(out.changes, 'uncommitted changes');
    const byPath = new Map(out.files.map((f) => [f.filePath, f]));
    assert.deepEqual([...byPath.keys()].sort(), ['a.ts', 'b.ts', 'image.bin', 'old.txt']);
    assert.equal(byPath.get('old.txt')!.skipped, 'deleted');
    assert.equal(byPath.get('image.bin')!.skipped, 'binary');
    for (const name of ['a.ts', 'b.ts']) {
      const f = byPath.get(name)!;
      assert.equal(f.skipped, undefined);
      assert.deepEqual(f.findings!.map((x) => x.startLine), [3], `${name}: only the finding on a changed line is kept`);
      assert.equal(f.droppedOutsideChange, 1);
    }
    const aRequest = server.requests.slice(before).find((q) => q.rawBody.includes('clampScore(300)'))!;
    assert.ok(aRequest, 'a.ts was sent');
    assert.match(aRequest.rawBody, /GUIDELINE-SENTINEL/, 'the guidelines reach the request');
    assert.match(aRequest.rawBody, /Definition of clampScore \(scoring\.ts:1-3\)/, 'the definition from the unchanged third file reaches the request');
    assert.match(aRequest.rawBody, /Math\.min\(100, Math\.max\(0, score\)\)/);
    assert.match(aRequest.rawBody, /changed lines are lines 3, 9/);
    const labels = byPath.get('a.ts')!.context!.map((c) => c.label);
    assert.deepEqual(labels, ['AGENTS.md:1-2', 'scoring.ts:1-3']);
    assert.ok(byPath.get('a.ts')!.context!.every((c) => c.tokens > 0));

    // Edit one file: only that file is sent again.
    writeFileSync(join(repo, 'b.ts'), numberedSource('b', { 3: 'export const b3 = 31;', 9: 'export const b9 = 90;' }));
    server.enqueue(answer([3]));
    const again = await run(['uncommitted']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(server.requests.length, before + 3, 'one request for the edited file');
    const second = new Map(parse(again.stdout).files.map((f) => [f.filePath, f]));
    assert.equal(second.get('a.ts')!.cached, true);
    assert.equal(second.get('b.ts')!.cached, false);
    assert.match(server.requests.at(-1)!.rawBody, /b3 = 31/);
    assert.doesNotMatch(server.requests.at(-1)!.rawBody, new RegExp(KEY));
  });

  it('staged: only the index is reviewed, with its staged content', async () => {
    writeFileSync(join(repo, 'a.ts'), numberedSource('a', { 5: 'export const a5 = STAGED_VALUE;' }));
    sh(repo, 'add', 'a.ts');
    writeFileSync(join(repo, 'a.ts'), numberedSource('a', { 5: 'export const a5 = WORKING_TREE_VALUE;' }));
    writeFileSync(join(repo, 'b.ts'), numberedSource('b', { 2: 'export const b2 = unstaged;' }));
    const before = server.requests.length;
    server.enqueue(answer([5]));
    const r = await run(['staged']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.requests.length, before + 1);
    const out = parse(r.stdout);
    assert.equal(out.changes, 'staged changes');
    assert.deepEqual(out.files.map((f) => f.filePath), ['a.ts']);
    assert.deepEqual(out.files[0]!.findings!.map((f) => f.startLine), [5]);
    const body = server.requests.at(-1)!.rawBody;
    assert.match(body, /STAGED_VALUE/);
    assert.doesNotMatch(body, /WORKING_TREE_VALUE/);
  });

  it('a staged rename is listed as skipped; a repository without commits reviews its new files', async () => {
    sh(repo, 'mv', 'old.txt', 'renamed.txt');
    const r = await run(['staged']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(parse(r.stdout).files, [{ filePath: 'renamed.txt', skipped: 'renamed from old.txt without changes' }]);

    const fresh = join(dir, 'fresh');
    execFileSync('git', ['init', '-q', fresh]);
    writeFileSync(join(fresh, 'new.ts'), numberedSource('n'));
    const before = server.requests.length;
    server.enqueue(answer([2]));
    const first = await runCli(['review', '--changes', '--repo', fresh, '--provider', 'anthropic', '--model', 'claude-sonnet-4-5', '--base-url', server.url('/v1'), '--format', 'json'], { DEEP_REVIEW_HOME: home, ANTHROPIC_API_KEY: KEY }, dir);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(server.requests.length, before + 1);
    const out = parse(first.stdout);
    assert.deepEqual(out.files.map((f) => [f.filePath, f.findings?.map((x) => x.startLine)]), [['new.ts', [2]]], 'every line of an untracked file is changed');
  });

  it('<ref>: the branch against its base; an unknown ref is a usage error', async () => {
    sh(repo, 'checkout', '-q', '-b', 'feature');
    writeFileSync(join(repo, 'b.ts'), numberedSource('b', { 7: 'export const b7 = clampScore(700);' }));
    sh(repo, 'commit', '-q', '-am', 'feature work');
    const before = server.requests.length;
    server.enqueue(answer([7, 1]));
    const r = await run(['main']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.requests.length, before + 1);
    const out = parse(r.stdout);
    assert.equal(out.changes, 'changes against main');
    assert.deepEqual(out.files.map((f) => f.filePath), ['b.ts']);
    // Line 1 lies outside the target: the parser drops it; line 7 is the change.
    assert.deepEqual(out.files[0]!.findings!.map((f) => f.startLine), [7]);
    assert.match(server.requests.at(-1)!.rawBody, /clampScore\(700\)/);
    const text = await run(['main'], ['--format', 'text']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^== b\.ts\n[\s\S]*\[MEDIUM\] b\.ts:7 {2}Problem on line 7/m);
    const markdown = await run(['main'], ['--format', 'markdown']);
    assert.match(markdown.stdout, /^# Review b\.ts:7$/m);
    assert.equal(server.requests.length, before + 1, 'the other formats come from the cache');

    const bad = await run(['no-such-branch']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /not a branch, tag or commit/);
    assert.equal(server.requests.length, before + 1, 'refusals send nothing');
  });

  it('a single-file review sends the same context: guidelines and definitions, within --context-tokens', async () => {
    writeFileSync(join(repo, 'a.ts'), numberedSource('a', { 3: 'export const a3 = clampScore(300);' }));
    const args = ['review', 'a.ts:3-3', '--provider', 'anthropic', '--model', 'claude-sonnet-4-5', '--base-url', server.url('/v1'), '--format', 'json'];
    const env = { DEEP_REVIEW_HOME: home, ANTHROPIC_API_KEY: KEY };
    server.enqueue(answer([3]), answer([3]));
    const r = await runCli(args, env, repo);
    assert.equal(r.code, 0, r.stderr);
    assert.match(server.requests.at(-1)!.rawBody, /Review guidelines \(AGENTS\.md:1-2\)[\s\S]*Definition of clampScore \(scoring\.ts:1-3\)/);
    const none = await runCli([...args, '--context-tokens', '0'], env, repo);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(JSON.parse(none.stdout).cached, false, 'without context it is another question');
    assert.doesNotMatch(server.requests.at(-1)!.rawBody, /GUIDELINE-SENTINEL|Definition of clampScore/);
  });

  it('refuses a set over budget before sending, naming the files it would take', async () => {
    writeFileSync(join(repo, 'a.ts'), numberedSource('a', { 2: 'export const a2 = 0;' }));
    writeFileSync(join(repo, 'b.ts'), numberedSource('b', { 2: 'export const b2 = 0;' }));
    const before = server.requests.length;
    const r = await run([], ['--budget-usd', '0.0001', '--max-thinking-tokens', '16000']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Refused before sending: reviewing these 2 changed files could cost up to/);
    assert.match(r.stderr, /It would take: a\.ts \(up to \$[\d.]+\), b\.ts \(up to \$[\d.]+\)/);
    assert.equal(server.requests.length, before);
  });
});
