// Team administration: members and their tokens, budgets, and the spend report. Used by the
// `deep-review team …` commands; everything here is plain parameterized SQL.
import type { Db } from './db';
import { one, usd } from './db';
import { bearerToken, hashToken, newMemberToken, sameHash } from './memberTokens';

export interface Member {
  id: string;
  name: string;
}

export class AdminError extends Error {}

// Any printable text: names are data, stored verbatim and only ever passed as parameters.
const NAME = /^[^\p{Cc}]{1,100}$/u;

export async function addMember(db: Db, name: string): Promise<{ member: Member; token: string }> {
  if (!NAME.test(name)) throw new AdminError('A member name is 1–100 characters without control characters.');
  const token = newMemberToken();
  try {
    const row = await one<{ id: string }>(db, 'INSERT INTO members (name, token_hash) VALUES ($1, $2) RETURNING id', [name, hashToken(token)]);
    return { member: { id: row!.id, name }, token };
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw new AdminError(`A member named “${name}” already exists.`);
    throw err;
  }
}

export async function revokeMember(db: Db, name: string): Promise<boolean> {
  const r = await db.query('UPDATE members SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL', [name]);
  return (r.rowCount ?? 0) > 0;
}

/** The member a bearer token belongs to, or undefined (missing, unknown or revoked). */
export async function authenticate(db: Db, authorization: string | undefined): Promise<Member | undefined> {
  const token = bearerToken(authorization);
  if (!token) return undefined;
  const hash = hashToken(token);
  const row = await one<{ id: string; name: string; token_hash: Buffer }>(db, 'SELECT id, name, token_hash FROM members WHERE token_hash = $1 AND revoked_at IS NULL', [hash]);
  if (!row || !sameHash(row.token_hash, hash)) return undefined;
  return { id: row.id, name: row.name };
}

/** Sets the team's limits, or a member's when `member` is given. null clears a limit. */
export async function setBudget(db: Db, limits: { dailyUsd?: number | null; monthlyUsd?: number | null }, member?: string): Promise<void> {
  const daily = limits.dailyUsd === undefined ? null : limits.dailyUsd;
  const monthly = limits.monthlyUsd === undefined ? null : limits.monthlyUsd;
  const keepMonthly = limits.monthlyUsd === undefined;
  if (member === undefined) {
    await db.query(
      'UPDATE team SET daily_usd = $1, monthly_usd = CASE WHEN $3::boolean THEN monthly_usd ELSE $2::numeric END, updated_at = now() WHERE id = 1',
      [daily, monthly, keepMonthly],
    );
    return;
  }
  const r = await db.query('UPDATE members SET daily_usd = $1, monthly_usd = CASE WHEN $3::boolean THEN monthly_usd ELSE $2::numeric END WHERE name = $4', [daily, monthly, keepMonthly, member]);
  if ((r.rowCount ?? 0) === 0) throw new AdminError(`No member named “${member}”.`);
}

export interface ReportRow {
  day: string;
  member: string;
  model: string;
  attempts: number;
  usd: number;
  unknownCost: number;
  reasoningTokens: number;
  answerTokens: number;
}

export async function spendReport(db: Db, days = 31): Promise<ReportRow[]> {
  const r = await db.query<{ day: string; member: string; model: string; attempts: string; usd: string | null; unknown: string; reasoning: string; answer: string }>(
    `SELECT to_char(date_trunc('day', u.at), 'YYYY-MM-DD') AS day, m.name AS member, u.provider || '/' || u.model AS model,
            count(*) AS attempts, coalesce(sum(u.cost_usd), 0) AS usd, count(*) FILTER (WHERE u.cost_usd IS NULL) AS unknown,
            coalesce(sum(u.reasoning_tokens), 0) AS reasoning, coalesce(sum(greatest(u.output_tokens - u.reasoning_tokens, 0)), 0) AS answer
       FROM usage u JOIN members m ON m.id = u.member_id
      WHERE u.at >= date_trunc('day', now()) - make_interval(days => $1)
      GROUP BY 1, 2, 3 ORDER BY 1 DESC, 2, 3`,
    [days],
  );
  return r.rows.map((x) => ({ day: x.day, member: x.member, model: x.model, attempts: Number(x.attempts), usd: usd(x.usd) ?? 0, unknownCost: Number(x.unknown), reasoningTokens: Number(x.reasoning), answerTokens: Number(x.answer) }));
}

export async function teamLimits(db: Pick<Db, 'query'>, memberId?: string): Promise<{ dailyUsd: number | null; monthlyUsd: number | null }> {
  const row =
    memberId === undefined
      ? await one<{ daily_usd: string | null; monthly_usd: string | null }>(db, 'SELECT daily_usd, monthly_usd FROM team WHERE id = 1')
      : await one<{ daily_usd: string | null; monthly_usd: string | null }>(db, 'SELECT daily_usd, monthly_usd FROM members WHERE id = $1', [memberId]);
  return { dailyUsd: usd(row?.daily_usd), monthlyUsd: usd(row?.monthly_usd) };
}
