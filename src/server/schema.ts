// The team schema as numbered migrations. `migrate` is idempotent: it takes an advisory lock
// (two servers starting at once do not race), applies only versions not yet in
// schema_migrations, each in its own transaction, and records it there.
import type { Db } from './db';
import { inTransaction } from './db';

const MIGRATIONS: readonly string[] = [
  // 1: members, budgets, the shared cache, jobs, events, the spend ledger.
  `
  CREATE TABLE team (
    id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    daily_usd numeric,
    monthly_usd numeric,
    model_config jsonb,
    updated_at timestamptz NOT NULL DEFAULT now()
  );
  INSERT INTO team (id) VALUES (1);

  CREATE TABLE members (
    id bigserial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    token_hash bytea NOT NULL UNIQUE,
    daily_usd numeric,
    monthly_usd numeric,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
  );

  -- Content-addressed: the key is the hash of everything that can change the answer.
  CREATE TABLE analysis_cache (
    cache_key text PRIMARY KEY,
    record jsonb NOT NULL,
    provider text NOT NULL,
    model text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    hits integer NOT NULL DEFAULT 0
  );

  -- One provider call. Identical questions in flight share one row (the partial unique index).
  CREATE TABLE jobs (
    id text PRIMARY KEY,
    cache_key text NOT NULL,
    member_id bigint NOT NULL REFERENCES members(id),
    request jsonb NOT NULL,
    route jsonb NOT NULL,
    file_hash text NOT NULL,
    warnings jsonb NOT NULL DEFAULT '[]',
    status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    reserved_usd numeric,
    attempts integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL DEFAULT 3,
    lease_owner text,
    lease_expires_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    finished_at timestamptz,
    record jsonb
  );
  CREATE UNIQUE INDEX jobs_one_active_per_key ON jobs (cache_key) WHERE status IN ('queued', 'running');
  CREATE INDEX jobs_claimable ON jobs (created_at) WHERE status IN ('queued', 'running');

  -- What a member asked and sees: answered from the cache (record set) or attached to a job.
  CREATE TABLE submissions (
    id text PRIMARY KEY,
    member_id bigint NOT NULL REFERENCES members(id),
    job_id text REFERENCES jobs(id),
    cache_key text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    record jsonb
  );
  CREATE INDEX submissions_by_job ON submissions (job_id);
  CREATE INDEX submissions_by_member ON submissions (member_id, created_at);

  -- Progress, reasoning and answer deltas as they stream; seq is the SSE event id.
  CREATE TABLE job_events (
    seq bigserial PRIMARY KEY,
    job_id text NOT NULL REFERENCES jobs(id),
    type text NOT NULL,
    data jsonb NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX job_events_by_job ON job_events (job_id, seq);

  -- Every attempt that may have cost money, lost ones included. cost_usd NULL = unknown.
  CREATE TABLE usage (
    id bigserial PRIMARY KEY,
    job_id text NOT NULL REFERENCES jobs(id),
    member_id bigint NOT NULL REFERENCES members(id),
    attempt integer NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    provider text NOT NULL,
    model text NOT NULL,
    tier text NOT NULL,
    input_tokens bigint NOT NULL DEFAULT 0,
    cached_input_tokens bigint NOT NULL DEFAULT 0,
    output_tokens bigint NOT NULL DEFAULT 0,
    reasoning_tokens bigint NOT NULL DEFAULT 0,
    estimated boolean NOT NULL DEFAULT false,
    cost_usd numeric,
    cost_source text NOT NULL,
    outcome text NOT NULL,
    UNIQUE (job_id, attempt)
  );
  CREATE INDEX usage_by_time ON usage (at);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
const LOCK_ID = 0x64_72_74_6d; // "drtm"

export async function migrate(db: Db): Promise<{ applied: number[]; version: number }> {
  return inTransaction(db, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
    await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await c.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const applied: number[] = [];
    for (let i = 0; i < MIGRATIONS.length; i++) {
      const version = i + 1;
      if (done.has(version)) continue;
      await c.query(MIGRATIONS[i]!);
      await c.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
      applied.push(version);
    }
    return { applied, version: MIGRATIONS.length };
  });
}

/** The applied version, or 0 before `team init`. */
export async function schemaVersion(db: Db): Promise<number> {
  const exists = await db.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
  if (!exists.rows[0]?.t) return 0;
  const r = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  return r.rows[0]?.v ?? 0;
}
