// Taking a member's request: answered from the shared cache, joined to an identical job in
// flight, or — after the team's and the member's budgets are checked and the worst case is
// reserved, atomically — queued as a new job. One transaction under the team row lock, so ten
// concurrent requests against a budget that fits one send exactly one.
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { jobRecordSchema, type JobRecord } from '../core/jobs/job';
import type { Member } from './admin';
import { teamLimits } from './admin';
import type { Db } from './db';
import { inTransaction, one } from './db';
import type { ServerPlan } from './serverPlan';
import { budgetRefusal, committedSpend } from './spend';

export const JOBS_CHANNEL = 'deep_review_jobs';
export const EVENTS_CHANNEL = 'deep_review_events';

export class SubmitRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface SubmitOutcome {
  jobId: string;
  status: 'succeeded' | 'queued' | 'running';
  cached: boolean;
  joined: boolean;
}

export async function submit(db: Db, member: Member, plan: ServerPlan): Promise<SubmitOutcome> {
  const submissionId = `s_${randomUUID()}`;
  // A cache hit spends nothing, so it needs no budget lock: answered without queueing behind
  // submissions that do.
  if (!plan.request.options.noCache) {
    const hit = await inTransaction(db, (c) => answerFromCache(c, member, plan, submissionId));
    if (hit) return hit;
  }
  try {
    return await queue(db, member, plan, submissionId);
  } catch (err) {
    // Without budgets there is no lock, so two identical questions can race to queue: the
    // partial unique index lets one win, and the other joins it.
    if ((err as { code?: string }).code !== '23505') throw err;
    return queue(db, member, plan, submissionId);
  }
}

async function queue(db: Db, member: Member, plan: ServerPlan, submissionId: string): Promise<SubmitOutcome> {
  return inTransaction(db, async (c) => {
    const teamLimit = await teamLimits(c);
    const memberLimit = await teamLimits(c, member.id);
    const budgeted = plan.worstUsd !== null && [teamLimit.dailyUsd, teamLimit.monthlyUsd, memberLimit.dailyUsd, memberLimit.monthlyUsd].some((l) => l !== null && l > 0);
    // With a budget to hold, every paid submission is serialized on the team row: the budget
    // read and the reservation cannot interleave.
    if (budgeted) await c.query('SELECT id FROM team WHERE id = 1 FOR UPDATE');
    // Finished while this request waited for the lock: the cache has it now.
    if (!plan.request.options.noCache) {
      const hit = await answerFromCache(c, member, plan, submissionId);
      if (hit) return hit;
    }
    const active = await one<{ id: string; status: 'queued' | 'running' }>(c, "SELECT id, status FROM jobs WHERE cache_key = $1 AND status IN ('queued', 'running')", [plan.cacheKey]);
    if (active) {
      await c.query('INSERT INTO submissions (id, member_id, job_id, cache_key) VALUES ($1, $2, $3, $4)', [submissionId, member.id, active.id, plan.cacheKey]);
      return { jobId: submissionId, status: active.status, cached: false, joined: true };
    }
    const warnings = [...plan.notices];
    if (plan.worstUsd === null) {
      warnings.push(`The model ${plan.route.model} has no known price, so its cost can't be checked against the budgets and will show as unknown.`);
    } else if (budgeted) {
      // Limits read again under the lock: an admin may have just changed them.
      const refusal =
        budgetRefusal('team', plan.worstUsd, await committedSpend(c), await teamLimits(c)) ??
        budgetRefusal('member', plan.worstUsd, await committedSpend(c, member.id), await teamLimits(c, member.id));
      if (refusal) throw new SubmitRefused(402, refusal);
    }
    const jobId = `j_${randomUUID()}`;
    await c.query(
      `INSERT INTO jobs (id, cache_key, member_id, request, route, file_hash, warnings, status, reserved_usd)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7::jsonb, 'queued', $8)`,
      [jobId, plan.cacheKey, member.id, JSON.stringify(plan.request), JSON.stringify(plan.route), plan.fileHash, JSON.stringify(warnings), plan.worstUsd],
    );
    await c.query('INSERT INTO submissions (id, member_id, job_id, cache_key) VALUES ($1, $2, $3, $4)', [submissionId, member.id, jobId, plan.cacheKey]);
    await c.query('SELECT pg_notify($1, $2)', [JOBS_CHANNEL, jobId]);
    return { jobId: submissionId, status: 'queued', cached: false, joined: false };
  });
}

async function answerFromCache(c: PoolClient, member: Member, plan: ServerPlan, submissionId: string): Promise<SubmitOutcome | undefined> {
  const hit = await one<{ record: unknown }>(c, 'UPDATE analysis_cache SET hits = hits + 1 WHERE cache_key = $1 RETURNING record', [plan.cacheKey]);
  const cached = hit ? jobRecordSchema.safeParse(hit.record) : undefined;
  if (!cached?.success) return undefined;
  const now = Date.now();
  const record: JobRecord = {
    ...cached.data,
    id: submissionId,
    request: plan.request,
    fileHash: plan.fileHash,
    createdAt: now,
    startedAt: now,
    finishedAt: now,
    fromCache: true,
    costUsd: 0,
    costSource: 'table',
    warnings: [...plan.notices, ...cached.data.warnings, 'Answered from the team cache; no tokens were spent.'],
  };
  await c.query('INSERT INTO submissions (id, member_id, cache_key, record) VALUES ($1, $2, $3, $4::jsonb)', [submissionId, member.id, plan.cacheKey, JSON.stringify(record)]);
  return { jobId: submissionId, status: 'succeeded', cached: true, joined: false };
}

export interface SubmissionView {
  id: string;
  jobId: string | null;
  status: JobRecord['status'];
  /** The finished record in the core's JobRecord shape (the id is the submission's). */
  record?: JobRecord;
}

/** A member's own submission, or undefined (unknown, or another member's). */
export async function viewSubmission(db: Pick<Db, 'query'>, member: Member, id: string): Promise<SubmissionView | undefined> {
  const row = await one<{ job_id: string | null; record: unknown; job_status: string | null; job_record: unknown; job_member: string | null }>(
    db,
    `SELECT s.job_id, s.record, j.status AS job_status, j.record AS job_record, j.member_id AS job_member
       FROM submissions s LEFT JOIN jobs j ON j.id = s.job_id
      WHERE s.id = $1 AND s.member_id = $2`,
    [id, member.id],
  );
  if (!row) return undefined;
  if (row.record) {
    const record = jobRecordSchema.parse(row.record);
    return { id, jobId: null, status: record.status, record };
  }
  const status = (row.job_status ?? 'failed') as JobRecord['status'];
  if (!row.job_record) return { id, jobId: row.job_id, status };
  const parsed = jobRecordSchema.parse(row.job_record);
  const shared = row.job_member !== member.id;
  const record: JobRecord = { ...parsed, id, warnings: shared ? [...parsed.warnings, "Shared with a teammate's identical request: one provider call answered both."] : parsed.warnings };
  return { id, jobId: row.job_id, status: record.status, record };
}
