// Several processes on one data folder, for real: the built CLI (dist/cli.js) in child processes
// against the local test model server, as two terminals (or two VS Code windows) would share it.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTextStore } from '../../src/node/fileTextStore';
import { ModelServer } from '../support/modelServer';
import { runCli, type CliRun } from '../support/runCli';
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
    const paid = server.requests.length;
    assert.ok(paid >= QUESTIONS && paid <= 2 * QUESTIONS, `${paid} provider requests`);

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
});
