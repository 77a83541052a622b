// Server-sent events for one submission, read from job_events: every stored event after the
// client's Last-Event-ID, then new ones as workers write them (LISTEN wake-ups, with a poll as
// the fallback). The closing `done` event carries the member's record. Because everything is in
// the database, a client reconnecting after a server restart resumes where it left off.
import type { ServerResponse } from 'node:http';
import type { Member } from './admin';
import type { Db } from './db';
import { viewSubmission } from './submissions';

export class EventWaiters {
  private readonly waiters = new Map<string, Set<() => void>>();

  notify(jobId: string): void {
    for (const w of this.waiters.get(jobId) ?? []) w();
  }

  /** Resolves on the next notification for jobId or after ms. */
  wait(jobId: string, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(jobId) ?? new Set();
      this.waiters.set(jobId, set);
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(jobId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
      set.add(done);
    });
  }
}

const PAGE = 500;
const KEEPALIVE_MS = 15_000;

export async function streamSubmission(db: Db, member: Member, submissionId: string, after: number, res: ServerResponse, waiters: EventWaiters, signal: AbortSignal, pollMs: number): Promise<boolean> {
  const first = await viewSubmission(db, member, submissionId);
  if (!first) return false;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.write('retry: 1000\n\n');
  const send = (id: string, type: string, data: unknown) => res.write(`id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  let last = after;
  let lastWrite = Date.now();
  if (first.record || first.jobId === null) {
    send('done', 'done', { record: first.record ?? null, status: first.status });
    res.end();
    return true;
  }
  const jobId = first.jobId;
  while (!signal.aborted) {
    const rows = await db.query<{ seq: string; type: string; data: unknown }>('SELECT seq, type, data FROM job_events WHERE job_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [jobId, last, PAGE]);
    for (const row of rows.rows) {
      last = Number(row.seq);
      if (row.type === 'done') {
        const view = await viewSubmission(db, member, submissionId);
        send(row.seq, 'done', { record: view?.record ?? null, status: view?.status ?? 'failed' });
        res.end();
        return true;
      }
      send(row.seq, row.type, row.data);
      lastWrite = Date.now();
    }
    if (rows.rows.length === PAGE) continue;
    if (rows.rows.length === 0) {
      // Resumed past the end (a client's Last-Event-ID beyond `done`): close with the record.
      const view = await viewSubmission(db, member, submissionId);
      if (view?.record) {
        send('done', 'done', { record: view.record, status: view.status });
        res.end();
        return true;
      }
    }
    if (Date.now() - lastWrite > KEEPALIVE_MS) {
      res.write(': keep-alive\n\n');
      lastWrite = Date.now();
    }
    await waiters.wait(jobId, pollMs, signal);
  }
  res.end();
  return true;
}
