// Every cent counted, end to end: the built CLI (dist/cli.js) in child processes on one data
// folder, against the local test model server. Budgets hold across parallel processes and across
// a kill -9 mid-stream; broken usage reports are charged the worst case and never lock the
// budget; an unpriced model's cost is unknown, and prices come from flags or prices.json.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelServer, type ScriptedResponse } from '../../support/modelServer';
import { CLI, runCli, type CliRun } from '../../support/runCli';
import { chatCompletionChunks, chatSse, sseResponse, type Json } from '../../support/transcripts';

const CODE = ['export function average(values: number[]): number {', '  let total = 0;', '  for (let i = 0; i <= values.length; i++) total += values[i];', '  return total / values.length;', '}', ''].join('\n');
const ANSWER = JSON.stringify({ summary: 'Off-by-one.', findings: [{ title: 'Loop reads past the end', severity: 'high', confidence: 0.9, startLine: 3, endLine: 3, explanation: 'Use <.' }], answer: 'Use `<`.' });
const MODEL = 'local-model';
const MAX_THINKING = 2048;

interface JsonOut {
  status: string;
  cost: { usd: number | null; source: string; usageTrusted: boolean };
  usage: { inputTokens: number; outputTokens: number; reasoningTokens: number };
  warnings: string[];
}

function stream(usage: Json | undefined, extra: Partial<ScriptedResponse> = {}): ScriptedResponse {
  return sseResponse(chatSse(chatCompletionChunks({ model: MODEL, reasoning: ['The bound ', 'is inclusive.'], content: [ANSWER], usage })), extra);
}

const GOOD_USAGE = { prompt_tokens: 400, completion_tokens: 300, total_tokens: 700 };

describe('CLI money: budgets across processes, untrusted usage, unknown prices', function () {
  this.timeout(90_000);
  let server: ModelServer;
  let work: string;

  before(async () => {
    server = await ModelServer.start();
    work = mkdtempSync(join(tmpdir(), 'deep-review-money-'));
    writeFileSync(join(work, 'average.ts'), CODE);
  });
  after(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  const args = (extra: string[] = []) => ['review', 'average.ts', '--provider', 'openai-compatible', '--model', MODEL, '--tier', 'reasoning', '--base-url', server.url('/v1'), '--max-thinking-tokens', String(MAX_THINKING), '--no-cache', '--format', 'json', ...extra];
  const priced = ['--price-in', '3', '--price-out', '15'];
  const review = (home: string, extra: string[] = []) => runCli(args(extra), { DEEP_REVIEW_HOME: home }, work);
  const cost = (home: string) => runCli(['cost'], { DEEP_REVIEW_HOME: home }, work);
  const parse = (run: CliRun): JsonOut => JSON.parse(run.stdout) as JsonOut;

  /** The worst case of the request, read from a refusal with a budget too small for anything. */
  async function worstCaseUsd(home: string): Promise<number> {
    const refused = await review(home, [...priced, '--budget-usd', '0.000001']);
    assert.equal(refused.code, 1, refused.stderr);
    const m = /could cost up to \$([\d.]+)/.exec(refused.stderr);
    assert.ok(m, refused.stderr);
    return Number(m[1]);
  }

  it('4 parallel processes against a budget that allows one request send exactly one', async () => {
    const home = join(work, 'parallel');
    const worst = await worstCaseUsd(home);
    const before = server.requests.length;
    // Slow streams (~3 s), so the four runs overlap even when they start seconds apart on a busy machine.
    // One scripted answer: a second request would get the server's 500 and still be counted.
    server.enqueue(stream(GOOD_USAGE, { chunkDelayMs: 500 }));
    const runs = await Promise.all(Array.from({ length: 4 }, () => review(home, [...priced, '--budget-usd', String(worst * 1.5)])));
    assert.equal(server.requests.length - before, 1, 'exactly one request reached the provider');
    assert.deepEqual(runs.map((r) => r.code).sort(), [0, 1, 1, 1], runs.map((r) => r.stderr).join('\n---\n'));
    for (const r of runs.filter((x) => x.code === 1)) assert.match(r.stderr, /Refused before sending/);
    for (const r of runs.filter((x) => x.code === 1)) assert.match(r.stderr, /--budget-usd/, 'the CLI names its own flag');
    for (const r of runs) assert.doesNotMatch(r.stderr, /deepReview\./, 'no VS Code setting in a CLI message');
    assert.equal(server.pending, 0);
  });

  it('kill -9 mid-stream: the reservation still counts after the restart', async () => {
    const home = join(work, 'killed');
    const worst = await worstCaseUsd(home);
    const before = server.requests.length;
    server.enqueue(stream(GOOD_USAGE, { faultAfterChunks: 2, ending: 'stall' }));
    const child = spawn(process.execPath, [CLI, ...args([...priced, '--budget-usd', '100'])], { cwd: work, env: { PATH: process.env.PATH, DEEP_REVIEW_HOME: home }, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    for (let i = 0; server.requests.length === before; i++) {
      assert.ok(i < 400, 'the request never reached the server');
      await new Promise((r) => setTimeout(r, 25));
    }
    await new Promise((r) => setTimeout(r, 200)); // mid-stream: two chunks sent, then silence
    child.kill('SIGKILL');
    await exited;

    const report = await cost(home);
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /1 unfinished, held at the worst case/);
    const today = /^Today\s+\$([\d.]+)/m.exec(report.stdout);
    assert.ok(today, report.stdout);
    assert.ok(Math.abs(Number(today[1]) - worst) <= worst * 0.01 + 0.0001, `today ${today[1]} vs worst case ${worst}`);

    // A budget with room for one more worst case, but not two, now refuses.
    const refused = await review(home, [...priced, '--budget-usd', String(worst * 1.5)]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Refused before sending/);
    assert.equal(server.requests.length, before + 1, 'the refused run sent nothing');
  });

  for (const [name, usage] of [
    ['negative', { prompt_tokens: -500, completion_tokens: 300, total_tokens: -200 }],
    ['fractional', { prompt_tokens: 400.5, completion_tokens: 300.25, total_tokens: 700.75 }],
    ['huge (1e15)', { prompt_tokens: 400, completion_tokens: 1e15, total_tokens: 1e15 }],
  ] as const) {
    it(`${name} usage is charged the worst case, marked not trusted, and the budget still holds`, async () => {
      const home = join(work, `usage-${name.split(' ')[0]}`);
      const worst = await worstCaseUsd(home);
      server.enqueue(stream(usage));
      const run = await review(home, [...priced, '--budget-usd', String(worst * 2.5)]);
      assert.equal(run.code, 0, run.stderr);
      const out = parse(run);
      assert.equal(out.cost.usageTrusted, false);
      assert.ok(out.cost.usd !== null && Math.abs(out.cost.usd - worst) <= worst * 0.01 + 0.0001, `charged ${out.cost.usd}, worst case ${worst}`);
      assert.ok(out.warnings.some((w) => /Usage not trusted/.test(w)), out.warnings.join('\n'));

      const report = await cost(home);
      assert.match(report.stdout, /1 with usage not trusted/);
      // Not locked: one more request fits (2.5 × worst), a third does not.
      server.enqueue(stream(GOOD_USAGE));
      const second = await review(home, [...priced, '--budget-usd', String(worst * 2.5)]);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(parse(second).cost.usageTrusted, true);
      const spentSoFar = worst + (parse(second).cost.usd ?? 0);
      const third = await review(home, [...priced, '--budget-usd', String(spentSoFar + worst * 0.5)]);
      assert.equal(third.code, 1);
      assert.match(third.stderr, /Refused before sending/);
    });
  }

  it('an unpriced model costs "unknown", in the JSON, the Markdown and `cost`, never $0', async () => {
    const home = join(work, 'unpriced');
    server.enqueue(stream(GOOD_USAGE), stream(GOOD_USAGE));
    const run = await review(home);
    assert.equal(run.code, 0, run.stderr);
    const out = parse(run);
    assert.equal(out.cost.usd, null);
    assert.equal(out.cost.source, 'unknown');
    const notes = out.warnings.join('\n');
    assert.match(notes, /no known price/);
    assert.match(notes, /--price-in and --price-out/, 'the hint names the CLI flags');
    assert.doesNotMatch(`${notes}\n${run.stderr}`, /deepReview\./);

    const md = await runCli(args(['--format', 'markdown']), { DEEP_REVIEW_HOME: home }, work);
    assert.match(md.stdout, /\*\*Cost:\*\* unknown/);

    const report = await cost(home);
    assert.match(report.stdout, /^Today\s+2 unpriced\s/m);
    assert.match(report.stdout, /2 jobs used a model with no known price/);
    assert.match(report.stdout, /--price-in/);
    assert.match(report.stdout, new RegExp(`${MODEL}\\s+2\\s+unknown\\s+2`));
    // Only tiers that ran nothing read $0.00; nothing that ran an unpriced model does.
    assert.deepEqual(report.stdout.split('\n').filter((l) => l.includes('$0.00')).map((l) => l.split(/\s+/)[0]), ['capable', 'fast']);
  });

  it('prices come from --price-in/--price-out, and from prices.json in the data folder', async () => {
    const home = join(work, 'prices');
    server.enqueue(stream(GOOD_USAGE));
    const flags = parse(await review(home, ['--price-in', '3', '--price-out', '15']));
    // 400 input at $3/M + 300 output at $15/M.
    assert.ok(flags.cost.usd !== null && Math.abs(flags.cost.usd - (400 * 3 + 300 * 15) / 1e6) < 1e-12, String(flags.cost.usd));
    assert.equal(flags.cost.source, 'override');

    writeFileSync(join(home, 'prices.json'), JSON.stringify({ [MODEL]: { input: 1, output: 2 }, broken: { input: -1 } }));
    server.enqueue(stream(GOOD_USAGE));
    const fileRun = await review(home);
    assert.equal(fileRun.code, 0, fileRun.stderr);
    assert.ok(Math.abs((parse(fileRun).cost.usd ?? -1) - (400 * 1 + 300 * 2) / 1e6) < 1e-12);
    assert.match(fileRun.stderr, /prices\.json\["broken"\] was ignored/);

    const report = await cost(home);
    assert.match(report.stdout, /^Today\s+\$0\.0067\s/m, report.stdout);

    const half = await review(home, ['--price-in', '3']);
    assert.equal(half.code, 2);
    assert.match(half.stderr, /Give both --price-in and --price-out/);
    assert.ok(readFileSync(join(home, 'ledger.jsonl'), 'utf8').length > 0);
  });
});
