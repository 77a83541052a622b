// Retention and migrations in process against PostgreSQL: old stream events and stale cached
// analyses are pruned; the usage ledger never is; concurrent migrations apply once.
import * as assert from 'node:assert/strict';
import { addMember } from '../../src/server/admin';
import { openDb, type Db } from '../../src/server/db';
import { pruneOldData } from '../../src/server/retention';
import { migrate } from '../../src/server/schema';
import { testDatabase } from './support/postgres';

describe('team database retention (PostgreSQL)', function () {
  let db: Db;

  before(async () => {
    db = openDb(await testDatabase('retention'));
    assert.deepEqual((await migrate(db)).applied, [1]);
  });
  after(async () => db?.end());

  it('concurrent migrations apply each version once', async () => {
    const results = await Promise.all([migrate(db), migrate(db), migrate(db)]);
    assert.deepEqual(results.map((r) => r.applied), [[], [], []]);
    assert.equal((await db.query('SELECT count(*)::int AS n FROM schema_migrations')).rows[0].n, 1);
  });

  it('deletes events of jobs finished long ago and old cache entries, never usage', async () => {
    const { member } = await addMember(db, 'keeper');
    const insertJob = (id: string, finishedHoursAgo: number | null) =>
      db.query(
        `INSERT INTO jobs (id, cache_key, member_id, request, route, file_hash, status, finished_at)
         VALUES ($1, $1, $2, '{}', '{}', 'h', $3, CASE WHEN $4::int IS NULL THEN NULL ELSE now() - make_interval(hours => $4::int) END)`,
        [id, member.id, finishedHoursAgo === null ? 'running' : 'succeeded', finishedHoursAgo],
      );
    await insertJob('old', 48);
    await insertJob('recent', 1);
    await insertJob('live', null);
    for (const id of ['old', 'recent', 'live']) {
      await db.query("INSERT INTO job_events (job_id, type, data) VALUES ($1, 'answer', '{}'), ($1, 'done', '{}')", [id]);
      await db.query("INSERT INTO usage (job_id, member_id, attempt, provider, model, tier, cost_usd, cost_source, outcome) VALUES ($1, $2, 1, 'openai', 'gpt-5', 'fast', 0.1, 'table', 'succeeded')", [id, member.id]);
    }
    await db.query("INSERT INTO analysis_cache (cache_key, record, provider, model, created_at) VALUES ('stale', '{}', 'openai', 'gpt-5', now() - interval '40 days'), ('fresh', '{}', 'openai', 'gpt-5', now())");
    const pruned = await pruneOldData(db, { eventsHours: 24, cacheDays: 30 });
    assert.deepEqual(pruned, { events: 2, cached: 1 });
    const left = await db.query('SELECT job_id, count(*)::int AS n FROM job_events GROUP BY job_id ORDER BY job_id');
    assert.deepEqual(left.rows, [{ job_id: 'live', n: 2 }, { job_id: 'recent', n: 2 }]);
    assert.deepEqual((await db.query('SELECT cache_key FROM analysis_cache')).rows, [{ cache_key: 'fresh' }]);
    assert.equal((await db.query('SELECT count(*)::int AS n FROM usage')).rows[0].n, 3);
  });
});
