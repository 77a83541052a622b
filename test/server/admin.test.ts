// Team administration through the CLI against a real PostgreSQL: idempotent migrations, tokens
// shown once and stored only as SHA-256, revocation, budgets, the spend report.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { testDatabase } from './support/postgres';
import { addMember, teamCli } from './support/teamProcesses';

describe('team administration (CLI, PostgreSQL)', function () {
  let db: string;
  let sql: Client;

  before(async () => {
    db = await testDatabase('admin');
    sql = new Client({ connectionString: db });
    await sql.connect();
  });
  after(async () => sql?.end());

  it('team init applies the migrations once and is idempotent', async () => {
    const first = await teamCli(['team', 'init'], db);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /migrations 1 applied/);
    const second = await teamCli(['team', 'init'], db);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /already at version 1/);
    const versions = await sql.query('SELECT version FROM schema_migrations');
    assert.deepEqual(versions.rows.map((r) => r.version), [1]);
  });

  it('add-member prints the token once as the last line and stores only its SHA-256', async () => {
    const token = await addMember(db, 'alice');
    assert.match(token, /^drt_[A-Za-z0-9_-]{43}$/);
    const row = await sql.query('SELECT name, token_hash FROM members WHERE name = $1', ['alice']);
    assert.equal(row.rows.length, 1);
    assert.deepEqual(row.rows[0].token_hash, createHash('sha256').update(token).digest());
    const dump = await sql.query("SELECT string_agg(t::text, ' ') AS all FROM members t");
    assert.ok(!String(dump.rows[0].all).includes(token), 'the token itself is not in the database');
    const again = await teamCli(['team', 'add-member', 'alice'], db);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);
  });

  it('revoke-member marks the member revoked; revoking twice is an error', async () => {
    await addMember(db, 'bob');
    const r = await teamCli(['team', 'revoke-member', 'bob'], db);
    assert.equal(r.code, 0, r.stderr);
    const row = await sql.query('SELECT revoked_at FROM members WHERE name = $1', ['bob']);
    assert.ok(row.rows[0].revoked_at instanceof Date);
    const twice = await teamCli(['team', 'revoke-member', 'bob'], db);
    assert.equal(twice.code, 1);
  });

  it('budget sets the team and member limits', async () => {
    assert.equal((await teamCli(['team', 'budget', '--daily-usd', '12.5', '--monthly-usd', '100'], db)).code, 0);
    assert.equal((await teamCli(['team', 'budget', '--daily-usd', '2', '--member', 'alice'], db)).code, 0);
    const team = await sql.query('SELECT daily_usd, monthly_usd FROM team');
    assert.deepEqual([Number(team.rows[0].daily_usd), Number(team.rows[0].monthly_usd)], [12.5, 100]);
    const alice = await sql.query('SELECT daily_usd, monthly_usd FROM members WHERE name = $1', ['alice']);
    assert.deepEqual([Number(alice.rows[0].daily_usd), alice.rows[0].monthly_usd], [2, null]);
    const unknown = await teamCli(['team', 'budget', '--daily-usd', '2', '--member', 'nobody-here'], db);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No member/);
    const bad = await teamCli(['team', 'budget', '--daily-usd', 'lots'], db);
    assert.equal(bad.code, 2);
  });

  it('report sums spend per member, model and day, unknown cost apart', async () => {
    const alice = (await sql.query('SELECT id FROM members WHERE name = $1', ['alice'])).rows[0].id;
    const route = JSON.stringify({ tier: 'fast' });
    for (const [id, cost] of [['j_a', '0.25'], ['j_b', '0.5'], ['j_c', null]] as const) {
      await sql.query("INSERT INTO jobs (id, cache_key, member_id, request, route, file_hash, status) VALUES ($1, $1, $2, '{}', $3, 'h', 'succeeded')", [id, alice, route]);
      await sql.query("INSERT INTO usage (job_id, member_id, attempt, provider, model, tier, cost_usd, cost_source, outcome) VALUES ($1, $2, 1, 'openai', 'gpt-5-mini', 'fast', $3, 'table', 'succeeded')", [id, alice, cost]);
    }
    const r = await teamCli(['team', 'report', '--format', 'json'], db);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout).rows as { member: string; model: string; attempts: number; usd: number; unknownCost: number }[];
    assert.equal(rows.length, 1);
    assert.deepEqual({ ...rows[0], day: undefined, reasoningTokens: undefined, answerTokens: undefined }, { day: undefined, member: 'alice', model: 'openai/gpt-5-mini', attempts: 3, usd: 0.75, unknownCost: 1, reasoningTokens: undefined, answerTokens: undefined });
    const text = await teamCli(['team', 'report'], db);
    assert.match(text.stdout, /alice\s+openai\/gpt-5-mini\s+3\s+0\.7500\s+\(1 unknown\)/);
  });

  it('usage errors exit 2 with the team usage', async () => {
    const r = await teamCli(['team', 'frob'], db);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Unknown team command “frob”[\s\S]*deep-review team init/);
    const noName = await teamCli(['team', 'add-member'], db);
    assert.equal(noName.code, 2);
  });

  it('commands on an uninitialised database say to run team init', async () => {
    const empty = await testDatabase('empty');
    const r = await teamCli(['team', 'add-member', 'carol'], empty);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /team init/);
  });
});
