// Several processes on one data folder, for real: the built CLI (dist/cli.js) in child processes
// against the local test model server, as two terminals (or two VS Code windows) would share it.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTextStore } from '../../src/node/fileTextStore';
import { ModelServer } from '../support/modelServer';
import { CLI, runCli, type CliRun } from '../support/runCli';
import { anthropicEvents, namedSse, sseResponse } from '../support/transcripts';
import { ScriptedModel, openEngine } from '../support/crashChild';

const KEY = 'sk-multi-process-0001';
const QUESTIONS = 30;
const ANSWER = JSON.stringify({
  summary: 'Off-by-one read past the end.',
  findings: [{ title: 'Loop bound', severity: 'high', confidence: 0.9, startLine: 2, endLine: 2, explanation: 'Use < instead of <=.' }],
  answer: 'Use `<`.',
});

const stream = () => sseResponse(namedSse(anthropicEvents({ thinking: ['The bound ', 'is inclusive.'], text: [ANSWER.slice(0, 40), ANSWER.slice(40)], inputTokens: 900, outputTokens: 400, thinkingTokens: 120 })));

describe('Many processes on one data folder (CLI child processes)', function () {
  this.timeout(300_000);
  let server: ModelServer;
  let work: string;
  let home: string;
  before(async () => {
    server = await ModelServer.start();
    work = mkdtempSync(join(tmpdir(), 'deep-review-multi-'));
    home = join(work, 'home');
    for (let i = 0; i < QUESTIONS; i++) {
      writeFileSync(join(work, `f${i}.js`), `function average${i}(values) {\n  for (let i = 0; i <= values.length; i++) total += values[i];\n  return total / values.length;\n}\n`);
    }
  });
  after(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  const review = (i: number) => runCli(['review', `f${i}.js`, '--provider', 'anthropic', '--tier', 'reasoning', '--base-url', server.url('/v1'), '--format', 'json'], { DEEP_REVIEW_HOME: home, ANTHROPIC_API_KEY: KEY }, work);
  /** Runs the questions one after another in one "terminal"; two lanes run side by side. */
  async function lane(order: number[]): Promise<CliRun[]> {
    const out: CliRun[] = [];
    for (const i of order) out.push(await review(i));
    return out;
  }
  const files = (re: RegExp) => readdirSync(home).filter((f) => re.test(f));

  it('2 × 30 concurrent reviews, then a re-run of all 30: zero provider requests, no lost entry or record', async () => {
    const all = Array.from({ length: QUESTIONS }, (_, i) => i);
    server.enqueue(...Array.from({ length: 2 * QUESTIONS }, stream));
    const both = (await Promise.all([lane(all), lane([...all].reverse())])).flat();
    assert.deepEqual(
      both.filter((r) => r.code !== 0).map((r) => r.stderr),
      [],
    );
    // A question asked by both at once is answered once: the second waits for the first's answer.
    const paid = server.requests.length;
    assert.equal(paid, QUESTIONS, `${paid} provider requests for ${QUESTIONS} questions`);

    // Every answer is cached once, every run is in the history, every paid job in the wait history.
    assert.equal(files(/^analysis-[0-9a-f]+\.json$/).length, QUESTIONS, 'cache entries');
    assert.equal(files(/^job-.*\.json$/).length, 2 * QUESTIONS, 'job records');
    const samples = readFileSync(join(home, 'wait-history.jsonl'), 'utf8').trim().split('\n');
    assert.equal(samples.length, paid, 'one wait-time sample per provider request');
    assert.deepEqual(files(/\.tmp$|\.lock$/), [], 'no temp files or locks left');

    const again = (await Promise.all([lane(all.slice(0, QUESTIONS / 2)), lane(all.slice(QUESTIONS / 2))])).flat();
    assert.deepEqual(
      again.filter((r) => r.code !== 0).map((r) => r.stderr),
      [],
    );
    assert.ok(again.every((r) => (JSON.parse(r.stdout) as { cached: boolean }).cached === true));
    assert.equal(server.requests.length, paid, 'the re-run made zero provider requests');

    const { engine, warnings } = await openEngine(new FileTextStore(home), new ScriptedModel());
    assert.deepEqual(warnings, []);
    const history = engine.jobs.list();
    assert.equal(history.length, 3 * QUESTIONS, 'complete history: 60 + 30 records');
    assert.ok(history.every((j) => j.status === 'succeeded'));
    assert.equal(history.filter((j) => j.fromCache).length, QUESTIONS + (2 * QUESTIONS - paid));
    await engine.cache.whenScanned();
    assert.equal(engine.cache.size, QUESTIONS);
  });

  it('a read-only data folder still answers a cached review (exit 0), and says what it could not save', async () => {
    const roHome = join(work, 'home-readonly');
    const args = ['review', 'f0.js', '--provider', 'anthropic', '--tier', 'reasoning', '--base-url', server.url('/v1'), '--format', 'json'];
    const env = { DEEP_REVIEW_HOME: roHome, ANTHROPIC_API_KEY: KEY };
    server.enqueue(stream());
    const first = await runCli(args, env, work);
    assert.equal(first.code, 0, first.stderr);
    const requests = server.requests.length;

    // Tests run as root, for whom permission bits do not stop writes: the CLI runs as `nobody`
    // on a folder `nobody` owns but may not write (0555, files 0444). Not root: the bits suffice.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    for (const f of readdirSync(roHome)) {
      if (asUser.uid !== undefined) chownSync(join(roHome, f), asUser.uid, asUser.gid);
      chmodSync(join(roHome, f), 0o444);
    }
    if (asUser.uid !== undefined) chownSync(roHome, asUser.uid, asUser.gid);
    chmodSync(roHome, 0o555);
    chmodSync(work, 0o755);
    for (const f of readdirSync(work)) if (f.endsWith('.js')) chmodSync(join(work, f), 0o644);
    try {
      const run = (argv: string[]) =>
        new Promise<CliRun>((done) => {
          const child = spawn(process.execPath, argv, { cwd: work, env: { PATH: process.env.PATH, ...env }, ...asUser });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
          child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          child.on('close', (code) => done({ code, stdout, stderr }));
        });
      const probe = await run(['-e', `require('fs').writeFileSync(${JSON.stringify(join(roHome, 'probe'))}, 'x')`]);
      assert.notEqual(probe.code, 0, 'precondition: the folder is really read-only for the CLI');
      assert.match(probe.stderr, /EACCES|EROFS|EPERM/);

      const cached = await run([CLI, ...args]);
      assert.equal(cached.code, 0, cached.stderr);
      const out = JSON.parse(cached.stdout) as { cached: boolean; findings: unknown[] };
      assert.equal(out.cached, true);
      assert.equal(out.findings.length, 1);
      assert.equal(server.requests.length, requests, 'answered without the provider');
      const notSaved = cached.stderr.split('\n').filter((l) => /^warning: Could not/.test(l));
      assert.ok(notSaved.length >= 1, cached.stderr);
      assert.equal(new Set(notSaved.map((l) => l.slice(0, 40))).size, notSaved.length, `each said once:\n${cached.stderr}`);
    } finally {
      chmodSync(roHome, 0o755);
    }
  });
});
