// What the team and each member have committed today and this month: what was spent (every
// attempt, lost ones included) plus the worst case still reserved by jobs in flight. Budgets
// are checked against it inside the submitting transaction, under the team row lock.
import { formatUsd } from '../core/cost/cost';
import type { PoolClient } from 'pg';
import type { Db } from './db';
import { usd } from './db';

export interface Committed {
  todayUsd: number;
  monthUsd: number;
  /** Attempts whose cost is unknown (no price): not in the sums, reported beside them. */
  unknownCostAttempts: number;
}

export interface Limits {
  dailyUsd: number | null;
  monthlyUsd: number | null;
}

type Queryable = Pick<PoolClient, 'query'> | Db;

/** memberId undefined: the whole team. */
export async function committedSpend(q: Queryable, memberId?: string): Promise<Committed> {
  const r = await q.query<{ today: string | null; month: string | null; unknown: string; reserved: string | null }>(
    `SELECT
       (SELECT coalesce(sum(cost_usd), 0) FROM usage WHERE at >= date_trunc('day', now()) AND ($1::bigint IS NULL OR member_id = $1::bigint)) AS today,
       (SELECT coalesce(sum(cost_usd), 0) FROM usage WHERE at >= date_trunc('month', now()) AND ($1::bigint IS NULL OR member_id = $1::bigint)) AS month,
       (SELECT count(*) FROM usage WHERE cost_usd IS NULL AND at >= date_trunc('month', now()) AND ($1::bigint IS NULL OR member_id = $1::bigint)) AS unknown,
       (SELECT coalesce(sum(reserved_usd), 0) FROM jobs WHERE status IN ('queued', 'running') AND ($1::bigint IS NULL OR member_id = $1::bigint)) AS reserved`,
    [memberId ?? null],
  );
  const row = r.rows[0]!;
  const reserved = usd(row.reserved) ?? 0;
  return { todayUsd: (usd(row.today) ?? 0) + reserved, monthUsd: (usd(row.month) ?? 0) + reserved, unknownCostAttempts: Number(row.unknown) };
}

// Float dollars drift; a millionth of a cent is not worth a refusal.
const EPSILON_USD = 1e-9;

/** A refusal message, or undefined when worstUsd fits every limit that is set. */
export function budgetRefusal(who: 'team' | 'member', worstUsd: number, committed: Committed, limits: Limits): string | undefined {
  const owner = who === 'team' ? "the team's" : 'your';
  for (const [period, spent, limit] of [
    ['daily', committed.todayUsd, limits.dailyUsd],
    ['monthly', committed.monthUsd, limits.monthlyUsd],
  ] as const) {
    if (limit === null || !(limit > 0)) continue;
    if (spent + worstUsd <= limit + EPSILON_USD) continue;
    return (
      `Refused before sending: this request could cost up to ${formatUsd(worstUsd)}, and ${owner} ${period} budget of ${formatUsd(limit)} ` +
      `has ${formatUsd(Math.max(0, limit - spent))} left (spent and reserved: ${formatUsd(spent)}). Ask the team admin to raise it (deep-review team budget).`
    );
  }
  return undefined;
}
