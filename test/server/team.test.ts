// Team mode end to end: the built CLI's server and worker as child processes on a throwaway
// PostgreSQL, the local model server as the provider, clients through the CLI and plain HTTP.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { ModelServer } from '../support/modelServer';
import { runCli } from '../support/runCli';
import { chatCompletionChunks, chatSse, sseResponse } from '../support/transcripts';
import { testDatabase } from './support/postgres';
import { addMember, startServer, startWorker, teamCli, type Proc } from './support/teamProcesses';

const CODE = ['export function average(values: number[]): number {', '  let total = 0;', '  for (let i = 0; i <= values.length; i++) total += values[i];', '  return total / values.length;', '}', ''].join('\n');
const ANSWER = JSON.stringify({
  summary: 'Off-by-one: the loop reads past the end.',
  findings: [{ title: 'Loop reads values[values.length]', severity: 'high', confidence: 0.9, startLine: 3, endLine: 3, explanation: 'Use < instead of <=.' }],
  answer: 'Change `<=` to `<`.',
});

function answerStream(chunkDelayMs = 0) {
  return sseResponse(
    chatSse(chatCompletionChunks({ model: 'gpt-5-mini', reasoning: ['The loop bound ', 'is inclusive.'], content: ANSWER.match(/[\s\S]{1,40}/g)!, usage: { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500, completion_tokens_details: { reasoning_tokens: 100 } } })),
    { chunkDelayMs },
  );
}

describe('team mode: server, worker and clients (PostgreSQL)', function () {
  let db: string;
  let sql: Client;
  let model: ModelServer;
  let server: Proc & { url: string };
  let worker: Proc;
  let alice: string;
  let bob: string;
  let dir: string;

  before(async () => {
    db = await testDatabase('team');
    assert.equal((await teamCli(['team', 'init'], db)).code, 0);
    alice = await addMember(db, 'alice');
    bob = await addMember(db, 'bob');
    sql = new Client({ connectionString: db });
    await sql.connect();
    model = await ModelServer.start();
    worker = await startWorker(db, { baseUrl: model.url('/v1') });
    server = await startServer(db);
    dir = mkdtempSync(join(tmpdir(), 'deep-review-team-'));
  });
  after(async () => {
    await Promise.all([server?.stop(), worker?.stop()]);
    await model?.close();
    await sql?.end();
  });

  const file = (name: string, text = CODE) => {
    writeFileSync(join(dir, name), text);
    return name;
  };
  const review = (token: string | undefined, target: string, extra: string[] = []) => runCli(['review', target, '--server', server.url, '--format', 'json', ...extra], { DEEP_REVIEW_TOKEN: token }, dir);

  it('two members asking the same question cause one provider call, and both get the result', async () => {
    model.enqueue(answerStream(15));
    const target = `${file('average.ts')}:3-3`;
    const [a, b] = await Promise.all([review(alice, target), review(bob, target)]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(model.requests.length, 1, 'one provider call');
    const ja = JSON.parse(a.stdout);
    const jb = JSON.parse(b.stdout);
    for (const j of [ja, jb]) {
      assert.equal(j.status, 'succeeded');
      assert.equal(j.summary, 'Off-by-one: the loop reads past the end.');
      assert.equal(j.findings[0].title, 'Loop reads values[values.length]');
    }
    assert.notEqual(ja.jobId, jb.jobId, 'each member has their own job id');
    const jobs = await sql.query('SELECT count(*)::int AS n FROM jobs');
    assert.equal(jobs.rows[0].n, 1);
    const shared = await sql.query('SELECT count(DISTINCT member_id)::int AS members, count(DISTINCT job_id)::int AS jobs FROM submissions WHERE job_id IS NOT NULL');
    assert.deepEqual(shared.rows[0], { members: 2, jobs: 1 }, 'the second question joined the job in flight');
    const usage = await sql.query('SELECT member_id, cost_usd FROM usage');
    assert.equal(usage.rows.length, 1, 'one attempt charged');
    assert.ok(Number(usage.rows[0].cost_usd) > 0);
  });

  it('prints the same JSON object as a local review', async () => {
    model.enqueue(answerStream());
    const local = await runCli(['review', `${file('local.ts')}:3-3`, '--provider', 'openai-compatible', '--base-url', model.url('/v1'), '--model', 'gpt-5-mini', '--format', 'json'], { DEEP_REVIEW_HOME: join(dir, 'home'), OPENAI_COMPATIBLE_API_KEY: 'x' }, dir);
    assert.equal(local.code, 0, local.stderr);
    const team = await review(alice, `${file('average.ts')}:3-3`);
    assert.equal(team.code, 0, team.stderr);
    const keys = (o: Record<string, unknown>): string[] => Object.keys(o).sort();
    const l = JSON.parse(local.stdout);
    const t = JSON.parse(team.stdout);
    assert.deepEqual(keys(t), keys(l));
    assert.deepEqual(keys(t.usage), keys(l.usage));
    assert.deepEqual(keys(t.route), keys(l.route));
    assert.equal(t.cached, true, 'the second identical question is answered from the team cache');
    assert.equal(t.cost.source, 'cache');
    assert.equal(model.requests.length, 2, 'only the local review reached the model');
  });

  it('a missing or revoked token is refused with an authentication message and nothing is queued', async () => {
    const before = (await sql.query('SELECT (SELECT count(*) FROM jobs)::int AS jobs, (SELECT count(*) FROM submissions)::int AS subs')).rows[0];
    const calls = model.requests.length;
    const missing = await review(undefined, file('other.ts', `${CODE}// other\n`));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /authentication/i);
    const carol = await addMember(db, 'carol');
    assert.equal((await teamCli(['team', 'revoke-member', 'carol'], db)).code, 0);
    const revoked = await review(carol, file('other.ts', `${CODE}// other\n`));
    assert.equal(revoked.code, 1);
    assert.match(revoked.stderr, /authentication/i);
    const wrong = await review('drt_not-a-real-token', file('other.ts', `${CODE}// other\n`));
    assert.equal(wrong.code, 1);
    const after = (await sql.query('SELECT (SELECT count(*) FROM jobs)::int AS jobs, (SELECT count(*) FROM submissions)::int AS subs')).rows[0];
    assert.deepEqual(after, before, 'nothing queued');
    assert.equal(model.requests.length, calls, 'nothing sent');
  });

  it('an unreachable server exits 1 and says so', async () => {
    const r = await runCli(['review', file('average.ts'), '--server', 'http://127.0.0.1:9', '--format', 'json'], { DEEP_REVIEW_TOKEN: alice }, dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Could not reach the team server at http:\/\/127\.0\.0\.1:9/);
  });

  it('every endpoint needs a token, and members see only their own jobs', async () => {
    for (const [method, path] of [['GET', '/v1/jobs'], ['GET', '/v1/spend'], ['GET', '/v1/me'], ['GET', `/v1/jobs/s_${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`], ['POST', '/v1/reviews']] as const) {
      const r = await fetch(`${server.url}${path}`, { method, body: method === 'POST' ? '{}' : undefined });
      assert.equal(r.status, 401, `${method} ${path}`);
    }
    const mine = (await (await fetch(`${server.url}/v1/jobs`, { headers: { authorization: `Bearer ${alice}` } })).json()) as { jobs: { jobId: string }[] };
    assert.ok(mine.jobs.length >= 2);
    for (const { jobId } of mine.jobs) {
      const asBob = await fetch(`${server.url}/v1/jobs/${jobId}`, { headers: { authorization: `Bearer ${bob}` } });
      assert.equal(asBob.status, 404, 'another member’s job is invisible');
      const events = await fetch(`${server.url}/v1/jobs/${jobId}/events`, { headers: { authorization: `Bearer ${bob}` } });
      assert.equal(events.status, 404);
      const asAlice = await fetch(`${server.url}/v1/jobs/${jobId}`, { headers: { authorization: `Bearer ${alice}` } });
      assert.equal(asAlice.status, 200);
    }
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
  });

  it('a client resuming after the end of a finished job’s events still gets the record', async () => {
    const mine = (await (await fetch(`${server.url}/v1/jobs`, { headers: { authorization: `Bearer ${alice}` } })).json()) as { jobs: { jobId: string }[] };
    const jobId = mine.jobs[mine.jobs.length - 1]!.jobId;
    const r = await fetch(`${server.url}/v1/jobs/${jobId}/events`, { headers: { authorization: `Bearer ${alice}`, 'last-event-id': '999999999' } });
    assert.equal(r.status, 200);
    const text = await r.text();
    assert.match(text, /event: done\ndata: \{"record":\{/);
    assert.match(text, /Off-by-one/);
  });

  it('listens again after its notification connection is cut, and keeps serving', async () => {
    const listeners = async () => (await sql.query("SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN deep_review_events'")).rows.map((r) => r.pid as number);
    const [before] = await listeners();
    assert.ok(before, 'the server listens for events');
    await sql.query('SELECT pg_terminate_backend($1)', [before]);
    const deadline = Date.now() + 10_000;
    let after: number[] = [];
    while (Date.now() < deadline && !(after = await listeners()).some((p) => p !== before)) await new Promise((r) => setTimeout(r, 100));
    assert.ok(after.some((p) => p !== before), 'a new LISTEN connection');
    assert.match(server.output(), /notification connection lost/);
    model.enqueue(answerStream());
    const r = await review(alice, file('after-cut.ts', `${CODE}// after the cut\n`));
    assert.equal(r.code, 0, r.stderr);
  });

  it('refuses oversized and malformed bodies', async () => {
    const big = await fetch(`${server.url}/v1/reviews`, { method: 'POST', headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' }, body: JSON.stringify({ request: { code: 'x'.repeat(3 * 1024 * 1024) } }) });
    assert.equal(big.status, 413);
    const bad = await fetch(`${server.url}/v1/reviews`, { method: 'POST', headers: { authorization: `Bearer ${alice}` }, body: '{"request": ' });
    assert.equal(bad.status, 400);
    const invalid = await fetch(`${server.url}/v1/reviews`, { method: 'POST', headers: { authorization: `Bearer ${alice}` }, body: JSON.stringify({ request: { kind: 'review' } }) });
    assert.equal(invalid.status, 400);
  });

  it('the spend endpoint shows the member’s and the team’s spend; a joined question costs the joiner nothing', async () => {
    type Spend = { member: { name: string; todayUsd: number }; team: { todayUsd: number } };
    const spend = async (token: string) => (await (await fetch(`${server.url}/v1/spend`, { headers: { authorization: `Bearer ${token}` } })).json()) as Spend;
    const [a, b] = await Promise.all([spend(alice), spend(bob)]);
    assert.deepEqual([a.member.name, b.member.name], ['alice', 'bob']);
    assert.ok(a.team.todayUsd > 0);
    assert.equal(a.team.todayUsd, b.team.todayUsd);
    assert.ok(Math.abs(a.member.todayUsd + b.member.todayUsd - a.team.todayUsd) < 1e-12, 'members’ spend adds up to the team’s');
    // The question both asked (a job with two members' submissions) was charged once, to one member.
    const joined = await sql.query(
      `SELECT s.job_id, (SELECT count(*)::int FROM usage u WHERE u.job_id = s.job_id) AS attempts,
              (SELECT count(DISTINCT u.member_id)::int FROM usage u WHERE u.job_id = s.job_id) AS payers
         FROM submissions s WHERE s.job_id IS NOT NULL GROUP BY s.job_id HAVING count(DISTINCT s.member_id) > 1`,
    );
    assert.ok(joined.rows.length >= 1, 'a joined question exists');
    for (const row of joined.rows) assert.deepEqual({ attempts: row.attempts, payers: row.payers }, { attempts: 1, payers: 1 }, 'one provider call was charged to one member');
  });
});
