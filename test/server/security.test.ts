// Budgets under concurrency, SQL injection in every field, rate limits: the team server on a
// throwaway PostgreSQL with a worker calling the local fast model server.
import * as assert from 'node:assert/strict';
import { Client } from 'pg';
import { TeamClient } from '../../src/server/teamHttpClient';
import { FastModelServer } from './support/fastModel';
import { testDatabase } from './support/postgres';
import { addMember, startServer, startWorker, teamCli, type Proc } from './support/teamProcesses';

const request = (code: string, extra: Record<string, unknown> = {}) => ({
  kind: 'review',
  target: { type: 'selection', filePath: 'src/a.ts', languageId: 'typescript', startLine: 10, endLine: 10 + code.split('\n').length - 1, code, contextBefore: '', contextAfter: '' },
  ...extra,
});

async function post(url: string, token: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${url}/v1/reviews`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe('team mode: budgets, injection, limits (PostgreSQL)', function () {
  let db: string;
  let sql: Client;
  let model: FastModelServer;
  let server: Proc & { url: string };
  let worker: Proc;

  before(async () => {
    db = await testDatabase('security');
    assert.equal((await teamCli(['team', 'init'], db)).code, 0);
    sql = new Client({ connectionString: db });
    await sql.connect();
    model = await FastModelServer.start(400);
    worker = await startWorker(db, { baseUrl: model.baseUrl, concurrency: 10 });
    server = await startServer(db, { extra: ['--rate-per-minute', '1000'] });
  });
  after(async () => {
    await Promise.all([server?.stop(), worker?.stop()]);
    await model?.close();
    await sql?.end();
  });

  it('a team budget that allows one request under 10 concurrent clients sends exactly one', async () => {
    // gpt-5-mini, fast tier: the worst case is ~8,192 answer tokens at $2/M ≈ $0.0166; two do not fit in $0.025.
    assert.equal((await teamCli(['team', 'budget', '--daily-usd', '0.025'], db)).code, 0);
    const tokens = await Promise.all(Array.from({ length: 10 }, (_, i) => addMember(db, `client-${i}`)));
    const results = await Promise.all(tokens.map((t, i) => post(server.url, t, { request: request(`const REQ-${i} = ${i};`) })));
    const accepted = results.filter((r) => r.status === 202);
    const refused = results.filter((r) => r.status === 402);
    assert.equal(accepted.length, 1, JSON.stringify(results.map((r) => r.status)));
    assert.equal(refused.length, 9);
    for (const r of refused) assert.match(String(r.body.error), /Refused before sending.*team's daily budget/);
    const done = await new TeamClient(server.url, tokens[results.indexOf(accepted[0]!)]!).follow(String(accepted[0]!.body.jobId));
    assert.equal(done.status, 'succeeded');
    assert.equal(model.requests, 1, 'exactly one request reached the provider');
    const jobs = await sql.query('SELECT count(*)::int AS n FROM jobs');
    assert.equal(jobs.rows[0].n, 1, 'refused requests were never queued');
    assert.equal((await teamCli(['team', 'budget', '--daily-usd', '0'], db)).code, 0);
  });

  it('a member budget refuses that member only', async () => {
    const dave = await addMember(db, 'dave');
    const erin = await addMember(db, 'erin');
    assert.equal((await teamCli(['team', 'budget', '--daily-usd', '0.001', '--member', 'dave'], db)).code, 0);
    const d = await post(server.url, dave, { request: request('const REQ-100 = 1;') });
    assert.equal(d.status, 402);
    assert.match(String(d.body.error), /your daily budget/);
    const e = await post(server.url, erin, { request: request('const REQ-101 = 1;') });
    assert.equal(e.status, 202);
    await new TeamClient(server.url, erin).follow(String(e.body.jobId));
  });

  it('SQL injection attempts in every field are stored verbatim and harmless', async () => {
    const evil = `Robert'); DROP TABLE members;--`;
    const evilToken = await addMember(db, evil);
    const names = await sql.query('SELECT name FROM members WHERE name = $1', [evil]);
    assert.equal(names.rows.length, 1, 'the name is stored verbatim');
    const inj = {
      filePath: `x'; DROP TABLE jobs;--.ts`,
      languageId: `sql' OR '1'='1`,
      code: `const REQ-200 = "'); DELETE FROM usage; --";\n-- $1 $2 \\'; TRUNCATE analysis_cache;`,
      contextBefore: `/* '; UPDATE team SET daily_usd = 0; -- */`,
      instruction: `" OR 1=1; DROP TABLE submissions; --`,
    };
    const body = {
      request: { kind: 'debug', target: { type: 'diagnostics', filePath: inj.filePath, languageId: inj.languageId, startLine: 5, endLine: 6, code: inj.code, contextBefore: inj.contextBefore, contextAfter: '', diagnostics: [{ message: `'); DROP TABLE job_events; --`, severity: 'error', startLine: 5, endLine: 5, source: `eslint'--`, code: `1; DROP` }] }, instruction: inj.instruction },
      fileText: `'; DROP DATABASE postgres; --`,
    };
    const r = await post(server.url, evilToken, body);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const client = new TeamClient(server.url, evilToken);
    const done = await client.follow(String(r.body.jobId));
    assert.equal(done.status, 'succeeded');
    assert.equal(done.request.target.filePath, inj.filePath);
    assert.equal(done.request.target.code, inj.code);
    assert.equal(done.request.instruction, inj.instruction);
    const stored = await sql.query(`SELECT request FROM jobs WHERE request->'target'->>'filePath' = $1`, [inj.filePath]);
    assert.equal(stored.rows.length, 1);
    const t = stored.rows[0].request.target;
    assert.deepEqual([t.languageId, t.code, t.contextBefore, t.diagnostics[0].message, t.diagnostics[0].source, t.diagnostics[0].code], [inj.languageId, inj.code, inj.contextBefore, `'); DROP TABLE job_events; --`, `eslint'--`, '1; DROP']);
    // Headers and paths: refused or ignored, never interpreted.
    assert.equal((await fetch(`${server.url}/v1/jobs`, { headers: { authorization: `Bearer ' OR '1'='1` } })).status, 401);
    assert.equal((await fetch(`${server.url}/v1/jobs/s_' OR '1'='1`, { headers: { authorization: `Bearer ${evilToken}` } })).status, 404);
    const resumed = await fetch(`${server.url}/v1/jobs/${String(r.body.jobId)}/events?after=1%20OR%201=1`, { headers: { authorization: `Bearer ${evilToken}`, 'last-event-id': `0; DROP TABLE jobs` } });
    assert.equal(resumed.status, 200);
    assert.match(await resumed.text(), /event: done/);
    const budget = await teamCli(['team', 'budget', '--daily-usd', '1', '--member', `x' OR '1'='1`], db);
    assert.equal(budget.code, 1, 'no member matches the injected name');
    const limits = await sql.query('SELECT count(*)::int AS n FROM members WHERE daily_usd = 1');
    assert.equal(limits.rows[0].n, 0);
    assert.equal((await teamCli(['team', 'revoke-member', `' OR 1=1 --`], db)).code, 1);
    const active = await sql.query('SELECT count(*)::int AS n FROM members WHERE revoked_at IS NULL');
    assert.ok(active.rows[0].n >= 13, 'no member was revoked by the injected name');
    for (const table of ['members', 'jobs', 'usage', 'submissions', 'job_events', 'analysis_cache', 'team']) {
      const exists = await sql.query('SELECT to_regclass($1)::text AS t', [table]);
      assert.equal(exists.rows[0].t, table);
    }
    const usage = await sql.query('SELECT count(*)::int AS n FROM usage');
    assert.ok(usage.rows[0].n >= 2, 'usage rows survive');
  });

  it('keeps the provider key on the worker and member tokens out of the database and the logs', async () => {
    const token = await addMember(db, 'grace');
    const r = await post(server.url, token, { request: request('const REQ-300 = 1;') });
    assert.equal(r.status, 202);
    await new TeamClient(server.url, token).follow(String(r.body.jobId));
    const tables = ['members', 'jobs', 'usage', 'submissions', 'job_events', 'analysis_cache', 'team'];
    let dump = '';
    for (const t of tables) dump += (await sql.query(`SELECT coalesce(string_agg(row_to_json(x)::text, ' '), '') AS d FROM ${t} x`)).rows[0].d;
    assert.ok(dump.includes('REQ-300'), 'the dump holds the data');
    for (const secret of ['sk-worker-only-SENTINEL', token]) {
      assert.ok(!dump.includes(secret), 'not in the database');
      assert.ok(!server.output().includes(secret), 'not in the server log');
    }
    assert.ok(!worker.output().includes('sk-worker-only-SENTINEL'), 'not in the worker log');
  });

  it('limits each member’s request rate', async () => {
    const limited = await startServer(db, { extra: ['--rate-per-minute', '3'] });
    try {
      const frank = await addMember(db, 'frank');
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await fetch(`${limited.url}/v1/me`, { headers: { authorization: `Bearer ${frank}` } })).status);
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    } finally {
      assert.equal(await limited.stop(), 0, 'SIGTERM shuts the server down cleanly');
    }
    assert.match(limited.output(), /"msg":"stopped"/);
  });
});
