// Keeps the team database bounded. A finished job's stream events are only needed while clients
// may still be following it (its record holds the reasoning and the answer), and cached analyses
// go stale as code moves on. Usage rows are never pruned: they are the ledger.
import type { Db } from './db';

export interface RetentionPolicy {
  /** Stream events of jobs finished longer ago than this are deleted. */
  eventsHours: number;
  /** Cached analyses created longer ago than this are deleted (0 keeps them). */
  cacheDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { eventsHours: 24, cacheDays: 30 };

export async function pruneOldData(db: Db, policy: RetentionPolicy = DEFAULT_RETENTION): Promise<{ events: number; cached: number }> {
  const events = await db.query(
    `DELETE FROM job_events e USING jobs j WHERE e.job_id = j.id AND j.finished_at IS NOT NULL AND j.finished_at < now() - make_interval(hours => $1)`,
    [policy.eventsHours],
  );
  const cached = policy.cacheDays > 0 ? await db.query('DELETE FROM analysis_cache WHERE created_at < now() - make_interval(days => $1)', [policy.cacheDays]) : { rowCount: 0 };
  return { events: events.rowCount ?? 0, cached: cached.rowCount ?? 0 };
}
