// The job queue, on the jobs table itself with `FOR UPDATE SKIP LOCKED` and leases.
// Why not pg-boss: a job's row already carries its status, its budget reservation, its result
// and who may see it; claiming, renewing and finishing it in the same row lets a worker write
// the result, the usage, the cost and the shared cache entry in ONE transaction with the lease
// check, and lets a reclaimed job charge its lost attempt in the transaction that reclaims it.
// pg-boss keeps its own job table, so every step would span two stores to be kept in step.
// A lease is short and renewed by a heartbeat; a job whose lease ran out (its worker died) is
// claimable again by any worker.
import type { PoolClient } from 'pg';
import { jobRouteSchema, type JobRecord, type JobRoute } from '../core/jobs/job';
import { reviewRequestSchema, type ReviewRequest } from '../core/requests/request';
import type { CostEstimate } from '../core/cost/cost';
import type { Usage } from '../core/modelClient';
import type { Db } from './db';
import { inTransaction, one, usd } from './db';
import { EVENTS_CHANNEL } from './submissions';

export interface ClaimedJob {
  id: string;
  attempt: number;
  memberId: string;
  cacheKey: string;
  request: ReviewRequest;
  route: JobRoute;
  fileHash: string;
  warnings: string[];
  createdAt: number;
}

interface JobRow {
  id: string;
  status: string;
  attempts: number;
  max_attempts: number;
  member_id: string;
  cache_key: string;
  request: unknown;
  route: unknown;
  file_hash: string;
  warnings: string[];
  reserved_usd: string | null;
  created_at: Date;
}

/** Claims up to `max` of the oldest claimable jobs (queued, or running with an expired lease). */
export async function claimJobs(db: Db, workerId: string, leaseMs: number, max: number): Promise<ClaimedJob[]> {
  return inTransaction(db, async (c) => {
    const rows = await c.query<JobRow>(
      `SELECT id, status, attempts, max_attempts, member_id, cache_key, request, route, file_hash, warnings, reserved_usd, created_at
         FROM jobs WHERE status = 'queued' OR (status = 'running' AND lease_expires_at < now())
        ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [max],
    );
    const claimed: ClaimedJob[] = [];
    for (const row of rows.rows) {
      const route = jobRouteSchema.parse(row.route);
      if (row.status === 'running') {
        // Its worker died mid-call: the provider may have billed that attempt, so it is charged
        // at its worst case (a worker that comes back with real usage replaces the estimate).
        const worst = usd(row.reserved_usd);
        await recordUsage(c, row.id, row.member_id, row.attempts, route, undefined, { usd: worst, source: worst === null ? 'unknown' : 'table' }, 'lost');
        await addEvents(c, row.id, [{ type: 'attempt', data: { attempt: row.attempts, outcome: 'lost', message: 'The worker stopped answering; the job is retried.' } }]);
      }
      if (row.attempts >= row.max_attempts) {
        await finishJob(c, row.id, failedRecord(row, route, `Gave up after ${row.attempts} attempts: every worker running it stopped answering.`));
        continue;
      }
      claimed.push({
        id: row.id,
        attempt: row.attempts + 1,
        memberId: row.member_id,
        cacheKey: row.cache_key,
        request: reviewRequestSchema.parse(row.request),
        route,
        fileHash: row.file_hash,
        warnings: row.warnings,
        createdAt: row.created_at.getTime(),
      });
    }
    if (claimed.length > 0) {
      await c.query(
        `UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = $2, lease_expires_at = now() + make_interval(secs => $3), started_at = coalesce(started_at, now())
          WHERE id = ANY($1::text[])`,
        [claimed.map((j) => j.id), workerId, leaseMs / 1000],
      );
    }
    return claimed;
  });
}

/** Extends the lease; false when this worker no longer holds it (then it must stop). */
export async function renewLease(db: Db, jobId: string, workerId: string, leaseMs: number): Promise<boolean> {
  const r = await db.query(`UPDATE jobs SET lease_expires_at = now() + make_interval(secs => $3) WHERE id = $1 AND lease_owner = $2 AND status = 'running'`, [jobId, workerId, leaseMs / 1000]);
  return (r.rowCount ?? 0) > 0;
}

export interface AttemptOutcome {
  record: JobRecord;
  usage: Usage | undefined;
  cost: CostEstimate;
  /** Put in the shared cache (a non-empty success). */
  cacheable: boolean;
}

/**
 * Writes an attempt's end in one transaction: its usage and cost (always: the spend counts even
 * when the lease was lost meanwhile), and — while this worker still holds the lease — the job's
 * result, the shared cache entry and the closing event.
 */
export async function completeAttempt(db: Db, job: ClaimedJob, workerId: string, outcome: AttemptOutcome): Promise<boolean> {
  return inTransaction(db, async (c) => {
    const row = await one<{ status: string; lease_owner: string | null; attempts: number }>(c, 'SELECT status, lease_owner, attempts FROM jobs WHERE id = $1 FOR UPDATE', [job.id]);
    const holds = row?.status === 'running' && row.lease_owner === workerId && row.attempts === job.attempt;
    await recordUsage(c, job.id, job.memberId, job.attempt, job.route, outcome.usage, outcome.cost, outcome.record.status);
    if (!holds) return false;
    if (outcome.cacheable) {
      await c.query(
        `INSERT INTO analysis_cache (cache_key, record, provider, model) VALUES ($1, $2::jsonb, $3, $4)
         ON CONFLICT (cache_key) DO UPDATE SET record = EXCLUDED.record, created_at = now()`,
        [job.cacheKey, JSON.stringify(outcome.record), job.route.provider, job.route.model],
      );
    }
    await finishJob(c, job.id, outcome.record);
    return true;
  });
}

/** Gives a job back to the queue (graceful shutdown), charging what the attempt streamed. */
export async function releaseJob(db: Db, job: ClaimedJob, workerId: string, usage: Usage, cost: CostEstimate): Promise<void> {
  await inTransaction(db, async (c) => {
    await recordUsage(c, job.id, job.memberId, job.attempt, job.route, usage, cost, 'released');
    const r = await c.query(`UPDATE jobs SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2 AND status = 'running'`, [job.id, workerId]);
    if ((r.rowCount ?? 0) > 0) {
      await addEvents(c, job.id, [{ type: 'attempt', data: { attempt: job.attempt, outcome: 'released', message: 'The worker shut down; the job is queued again.' } }]);
      await c.query("SELECT pg_notify('deep_review_jobs', $1)", [job.id]);
    }
  });
}

export interface StoredEvent {
  type: string;
  data: unknown;
}

export async function addEvents(c: Pick<PoolClient, 'query'> | Db, jobId: string, events: readonly StoredEvent[]): Promise<void> {
  if (events.length === 0) return;
  await c.query('INSERT INTO job_events (job_id, type, data) SELECT $1, t, d::jsonb FROM unnest($2::text[], $3::text[]) AS e(t, d)', [jobId, events.map((e) => e.type), events.map((e) => JSON.stringify(e.data))]);
  await c.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, jobId]);
}

async function finishJob(c: PoolClient, jobId: string, record: JobRecord): Promise<void> {
  await c.query(`UPDATE jobs SET status = $2, record = $3::jsonb, finished_at = now(), lease_owner = NULL, lease_expires_at = NULL WHERE id = $1`, [jobId, record.status, JSON.stringify(record)]);
  await addEvents(c, jobId, [{ type: 'done', data: { status: record.status } }]);
}

async function recordUsage(c: PoolClient, jobId: string, memberId: string, attempt: number, route: JobRoute, u: Usage | undefined, cost: CostEstimate, outcome: string): Promise<void> {
  await c.query(
    `INSERT INTO usage (job_id, member_id, attempt, provider, model, tier, input_tokens, cached_input_tokens, output_tokens, reasoning_tokens, estimated, cost_usd, cost_source, outcome)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (job_id, attempt) DO UPDATE SET input_tokens = EXCLUDED.input_tokens, cached_input_tokens = EXCLUDED.cached_input_tokens,
       output_tokens = EXCLUDED.output_tokens, reasoning_tokens = EXCLUDED.reasoning_tokens, estimated = EXCLUDED.estimated,
       cost_usd = EXCLUDED.cost_usd, cost_source = EXCLUDED.cost_source, outcome = EXCLUDED.outcome`,
    [jobId, memberId, attempt, route.provider, route.model, route.tier, u?.inputTokens ?? 0, u?.cachedInputTokens ?? 0, u?.outputTokens ?? 0, u?.reasoningTokens ?? 0, u?.estimated ?? true, cost.usd, cost.source, outcome],
  );
}

function failedRecord(row: JobRow, route: JobRoute, message: string): JobRecord {
  const now = Date.now();
  return {
    id: row.id,
    request: reviewRequestSchema.parse(row.request),
    route,
    cacheKey: row.cache_key,
    fileHash: row.file_hash,
    status: 'failed',
    createdAt: row.created_at.getTime(),
    startedAt: row.created_at.getTime(),
    finishedAt: now,
    fromCache: false,
    reasoning: '',
    answer: '',
    warnings: row.warnings,
    retries: row.attempts,
    dismissedFindings: [],
    error: { kind: 'server', message },
  };
}
