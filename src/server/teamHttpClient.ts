// The team server's client, shared by the CLI (--server) and VS Code: submit a request, follow
// its events over SSE — reconnecting with Last-Event-ID after a dropped connection or a server
// restart — and read the member's spend. No database, no provider key: only the member token.
import { createParser } from 'eventsource-parser';
import { jobRecordSchema, type JobRecord, type JobRoute } from '../core/jobs/job';
import type { ReviewRequestInput } from '../core/requests/request';

export class TeamAuthError extends Error {}
export class TeamRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface SubmitAnswer {
  jobId: string;
  status: string;
  cached: boolean;
  joined: boolean;
  route: JobRoute;
}

export interface SpendView {
  member: { name: string; todayUsd: number; monthUsd: number; limits: { dailyUsd: number | null; monthlyUsd: number | null } };
  team: { todayUsd: number; monthUsd: number; limits: { dailyUsd: number | null; monthlyUsd: number | null } };
}

export interface TeamEvent {
  id: string;
  type: string;
  data: unknown;
}

export interface FollowOptions {
  signal?: AbortSignal;
  /** Give up reconnecting after this long without a connection (default 10 minutes). */
  reconnectForMs?: number;
  onEvent?(event: TeamEvent): void;
}

const AUTH_MESSAGE = 'Authentication failed: the team server refused the member token (missing, unknown or revoked). Ask your team admin for a token (deep-review team add-member).';

export class TeamClient {
  private readonly base: string;

  constructor(
    serverUrl: string,
    private readonly token: string,
    private readonly fetchImpl: typeof fetch = globalThis.fetch,
  ) {
    this.base = serverUrl.replace(/\/+$/, '');
  }

  async submit(request: ReviewRequestInput, fileText?: string): Promise<SubmitAnswer> {
    return (await this.call('POST', '/v1/reviews', { request, fileText })) as SubmitAnswer;
  }

  async job(jobId: string): Promise<{ status: string; record: JobRecord | null }> {
    const r = (await this.call('GET', `/v1/jobs/${encodeURIComponent(jobId)}`)) as { status: string; record: unknown };
    return { status: r.status, record: r.record ? jobRecordSchema.parse(r.record) : null };
  }

  async spend(): Promise<SpendView> {
    return (await this.call('GET', '/v1/spend')) as SpendView;
  }

  /** Streams a job's events until its record arrives; survives server restarts. */
  async follow(jobId: string, opts: FollowOptions = {}): Promise<JobRecord> {
    let lastId = '';
    let failingSince: number | undefined;
    let delay = 200;
    for (;;) {
      if (opts.signal?.aborted) throw new Error('Cancelled.');
      try {
        const res = await this.fetchImpl(`${this.base}/v1/jobs/${encodeURIComponent(jobId)}/events`, {
          headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream', ...(lastId ? { 'last-event-id': lastId } : {}) },
          signal: opts.signal,
        });
        if (res.status === 401) throw new TeamAuthError(AUTH_MESSAGE);
        if (!res.ok || !res.body) throw new TeamRequestError(res.status, await errorText(res));
        failingSince = undefined;
        delay = 200;
        let record: JobRecord | null | undefined;
        const parser = createParser({
          onEvent: (m) => {
            if (m.id && m.id !== 'done') lastId = m.id;
            const data: unknown = JSON.parse(m.data);
            if (m.event === 'done') {
              const d = data as { record: unknown };
              record = d.record ? jobRecordSchema.parse(d.record) : null;
            } else {
              opts.onEvent?.({ id: m.id ?? '', type: m.event ?? 'message', data });
            }
          },
        });
        const decoder = new TextDecoder();
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          parser.feed(decoder.decode(chunk, { stream: true }));
          if (record !== undefined) break;
        }
        if (record) return record;
        if (record === null) throw new TeamRequestError(500, 'The job ended without a record.');
      } catch (err) {
        if (err instanceof TeamAuthError || (err instanceof TeamRequestError && err.status < 500) || opts.signal?.aborted) throw err;
        failingSince ??= Date.now();
        if (Date.now() - failingSince > (opts.reconnectForMs ?? 600_000)) throw new TeamRequestError(503, `Lost the team server and could not reconnect: ${err instanceof Error ? err.message : String(err)}`);
      }
      // Dropped (server restart, proxy timeout): reconnect and resume after the last event.
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(2000, delay * 2);
    }
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await this.fetchImpl(`${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 401) throw new TeamAuthError(AUTH_MESSAGE);
    if (!res.ok) throw new TeamRequestError(res.status, await errorText(res));
    return res.json();
  }
}

async function errorText(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const j = JSON.parse(text) as { error?: unknown };
    if (typeof j.error === 'string') return j.error;
  } catch {
    // not JSON
  }
  return `The team server answered ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}.`;
}

export { AUTH_MESSAGE as TEAM_AUTH_MESSAGE };
