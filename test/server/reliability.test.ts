// Team mode under load and failure: 200 jobs through 3 workers, a worker killed with -9
// mid-job, a worker shut down mid-job, the server restarted under connected clients.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { JobRecord } from '../../src/core/jobs/job';
import { TeamClient } from '../../src/server/teamHttpClient';
import { runCli } from '../support/runCli';
import { FastModelServer } from './support/fastModel';
import { testDatabase } from './support/postgres';
import { addMember, startServer, startWorker, teamCli, type Proc } from './support/teamProcesses';

const request = (marker: string) => ({
  kind: 'review' as const,
  target: { type: 'selection' as const, filePath: `src/${marker}.ts`, languageId: 'typescript', startLine: 1, endLine: 1, code: `export const value = '${marker}';`, contextBefore: '', contextAfter: '' },
});

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('team mode: load and failures (PostgreSQL)', function () {
  let db: string;
  let sql: Client;
  let model: FastModelServer;
  let server: Proc & { url: string; port: number };
  const workers: Proc[] = [];

  before(async () => {
    db = await testDatabase('reliability');
    assert.equal((await teamCli(['team', 'init'], db)).code, 0);
    sql = new Client({ connectionString: db });
    await sql.connect();
    model = await FastModelServer.start(30);
    server = await startServer(db, { extra: ['--rate-per-minute', '100000'] });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    model.hold = () => false;
  });
  after(async () => {
    await server?.stop();
    await model?.close();
    await sql?.end();
  });

  it('200 jobs from 10 clients through 3 workers: none lost, never more in flight than configured', async () => {
    workers.push(...(await Promise.all([1, 2, 3].map(() => startWorker(db, { baseUrl: model.baseUrl, concurrency: 2 })))));
    const tokens = await Promise.all(Array.from({ length: 10 }, (_, i) => addMember(db, `load-${i}`)));
    const results = await Promise.all(
      tokens.map(async (token, c) => {
        const client = new TeamClient(server.url, token);
        return Promise.all(
          Array.from({ length: 20 }, async (_, j) => {
            const marker = `REQ-${c * 100 + j}`;
            const submitted = await client.submit(request(marker));
            return { marker, record: await client.follow(submitted.jobId) };
          }),
        );
      }),
    );
    const all = results.flat();
    assert.equal(all.length, 200);
    for (const { marker, record } of all) {
      assert.equal(record.status, 'succeeded');
      assert.equal(record.result?.summary, `Reviewed ${marker}.`, 'each client gets the answer to its own question');
    }
    assert.equal(model.requests, 200, 'one provider call per job');
    assert.ok(model.maxInFlight <= 6, `at most 3 workers × 2 in flight (saw ${model.maxInFlight})`);
    assert.ok(model.maxInFlight >= 2, 'the workers did run jobs in parallel');
    const jobs = await sql.query("SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS ok, count(*)::int AS n, max(attempts)::int AS attempts FROM jobs");
    assert.deepEqual(jobs.rows[0], { ok: 200, n: 200, attempts: 1 });
    const usage = await sql.query('SELECT count(*)::int AS n FROM usage');
    assert.equal(usage.rows[0].n, 200);
    for (const w of workers) assert.doesNotMatch(w.output(), /changes the team model configuration/, 'identical workers agree on the model');
    const other = await startWorker(db, { baseUrl: model.baseUrl, model: 'gpt-5' });
    assert.equal(await other.stop(), 0);
    assert.match(other.output(), /changes the team model configuration/, 'a worker with another model says it changes the team’s');
    workers.push(await startWorker(db, { baseUrl: model.baseUrl }));
  });

  it('a worker killed with -9 mid-job: another worker completes the job after the lease, and the lost attempt stays counted', async () => {
    model.hold = (body) => body.includes('REQ-KILL');
    const token = await addMember(db, 'kill');
    const a = await startWorker(db, { baseUrl: model.baseUrl, leaseSeconds: 1.5 });
    workers.push(a);
    const client = new TeamClient(server.url, token);
    const submitted = await client.submit(request('REQ-KILL'));
    const result = client.follow(submitted.jobId);
    await until(() => model.heldOpen === 1, 10_000, 'the call to start');
    await a.kill9();
    const killedAt = Date.now();
    model.hold = () => false;
    workers.push(await startWorker(db, { baseUrl: model.baseUrl, leaseSeconds: 1.5 }));
    const record: JobRecord = await result;
    assert.equal(record.status, 'succeeded');
    assert.equal(record.result?.summary, 'Reviewed REQ-KILL.');
    assert.ok(Date.now() - killedAt < 15_000, 'resumed well within two minutes');
    const attempts = await sql.query(
      "SELECT u.attempt, u.outcome, u.cost_usd::float AS usd, u.estimated, j.reserved_usd::float AS reserved FROM usage u JOIN jobs j ON j.id = u.job_id WHERE j.request->'target'->>'filePath' = 'src/REQ-KILL.ts' ORDER BY u.attempt",
    );
    assert.equal(attempts.rows.length, 2);
    assert.deepEqual(attempts.rows.map((r) => [r.attempt, r.outcome]), [[1, 'lost'], [2, 'succeeded']]);
    assert.equal(attempts.rows[0].usd, attempts.rows[0].reserved, 'the lost attempt is charged at its worst case');
    assert.ok(attempts.rows[0].usd > 0);
    const spend = await client.spend();
    assert.ok(spend.member.todayUsd >= attempts.rows[0].usd + attempts.rows[1].usd - 1e-12, 'both attempts count against the budget');
  });

  it('a worker shut down mid-job releases it to the queue, and another worker completes it', async () => {
    model.hold = (body) => body.includes('REQ-TERM');
    const token = await addMember(db, 'term');
    const a = await startWorker(db, { baseUrl: model.baseUrl });
    const client = new TeamClient(server.url, token);
    const submitted = await client.submit(request('REQ-TERM'));
    const result = client.follow(submitted.jobId);
    await until(() => model.heldOpen === 1, 10_000, 'the call to start');
    assert.equal(await a.stop(), 0, 'the worker exits cleanly');
    assert.match(a.output(), /job released/);
    model.hold = () => false;
    workers.push(await startWorker(db, { baseUrl: model.baseUrl }));
    const record = await result;
    assert.equal(record.status, 'succeeded');
    const outcomes = await sql.query("SELECT u.outcome FROM usage u JOIN jobs j ON j.id = u.job_id WHERE j.request->'target'->>'filePath' = 'src/REQ-TERM.ts' ORDER BY u.attempt");
    assert.deepEqual(outcomes.rows.map((r) => r.outcome), ['released', 'succeeded']);
  });

  it('the server restarted: connected CLI clients reconnect and receive their results', async () => {
    workers.push(await startWorker(db, { baseUrl: model.baseUrl, concurrency: 3 }));
    model.delayMs = 2500;
    const token = await addMember(db, 'restart');
    const dir = mkdtempSync(join(tmpdir(), 'deep-review-restart-'));
    const runs = [0, 1, 2].map((i) => {
      writeFileSync(join(dir, `f${i}.ts`), `export const value = 'REQ-90${i}';\n`);
      return runCli(['review', `f${i}.ts`, '--server', server.url, '--format', 'json'], { DEEP_REVIEW_TOKEN: token }, dir);
    });
    await until(async () => (await sql.query("SELECT count(*)::int AS n FROM submissions s JOIN members m ON m.id = s.member_id WHERE m.name = 'restart'")).rows[0].n === 3, 10_000, 'three submissions');
    await new Promise((r) => setTimeout(r, 300));
    await server.kill9();
    await new Promise((r) => setTimeout(r, 700));
    server = await startServer(db, { port: server.port, extra: ['--rate-per-minute', '100000'] });
    const outs = await Promise.all(runs);
    model.delayMs = 30;
    outs.forEach((out, i) => {
      assert.equal(out.code, 0, out.stderr);
      const json = JSON.parse(out.stdout);
      assert.equal(json.status, 'succeeded');
      assert.equal(json.summary, `Reviewed REQ-90${i}.`);
    });
  });
});
