// The PostgreSQL connection for team mode. Every statement is parameterized ($1, $2, …); no
// value from a request is ever spliced into SQL text. Sessions run in UTC so "today" and
// "this month" mean the same thing on every server and worker.
import { Pool, type PoolClient, type QueryResultRow } from 'pg';

export type Db = Pool;

export function openDb(url: string, opts: { max?: number; application?: string } = {}): Db {
  const pool = new Pool({
    connectionString: url,
    max: opts.max ?? 10,
    options: '-c timezone=UTC',
    application_name: opts.application ?? 'deep-review',
    // Under a burst, requests wait for a connection rather than fail at once.
    connectionTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs fn in one transaction: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(db: Db, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const value = await fn(client);
    await client.query('COMMIT');
    return value;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export async function one<T extends QueryResultRow>(q: Pick<PoolClient, 'query'>, sql: string, params: unknown[] = []): Promise<T | undefined> {
  const r = await q.query<T>(sql, params);
  return r.rows[0];
}

/** numeric columns arrive as strings; null stays null (unknown is never 0). */
export function usd(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
