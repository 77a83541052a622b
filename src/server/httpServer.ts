// `deep-review server`: the team's HTTP API over PostgreSQL. Every /v1 endpoint needs a member
// token; members see only their own jobs; bodies are size-limited and each member is
// rate-limited. /healthz and /readyz answer probes without a token and reveal nothing.
//   POST /v1/reviews            { request, fileText? } → { jobId, status, cached, joined }
//   GET  /v1/jobs               the member's recent jobs
//   GET  /v1/jobs/:id           { jobId, status, record? }
//   GET  /v1/jobs/:id/events    SSE (Last-Event-ID or ?after= to resume)
//   GET  /v1/spend              the member's and the team's spend and limits
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as z from 'zod';
import { authenticate, teamLimits, type Member } from './admin';
import type { Db } from './db';
import { EventWaiters, streamSubmission } from './eventStream';
import { listen } from './listen';
import type { Logger } from './log';
import { RateLimiter } from './rateLimit';
import { SCHEMA_VERSION, schemaVersion } from './schema';
import { planOnServer } from './serverPlan';
import { committedSpend } from './spend';
import { EVENTS_CHANNEL, SubmitRefused, submit, viewSubmission } from './submissions';
import { readModelConfig } from './teamConfig';
import { DEFAULT_RETENTION, pruneOldData, type RetentionPolicy } from './retention';

export interface ServerOptions {
  db: Db;
  log: Logger;
  port: number;
  host?: string;
  maxBodyBytes?: number;
  ratePerMinute?: number;
  /** How often an SSE stream looks for events when no notification arrives. */
  pollMs?: number;
  retention?: RetentionPolicy;
}

const PRUNE_EVERY_MS = 60 * 60 * 1000;

const submitSchema = z.object({ request: z.unknown(), fileText: z.string().optional() });
const SUBMISSION_ID = /^s_[0-9a-f-]{36}$/;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class TeamServer {
  private readonly waiters = new EventWaiters();
  private readonly limiter: RateLimiter;
  private readonly streams = new Set<AbortController>();
  private readonly sockets = new Set<Socket>();
  private listener: ReturnType<typeof listen> | undefined;
  private server: http.Server | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  port = 0;

  constructor(private readonly opts: ServerOptions) {
    this.limiter = new RateLimiter(opts.ratePerMinute ?? 120);
  }

  async start(): Promise<string> {
    this.listener = listen(this.opts.db, EVENTS_CHANNEL, (jobId) => this.waiters.notify(jobId), this.opts.log);
    await this.listener.ready;
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.requestTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host ?? '127.0.0.1', resolve);
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    const url = `http://127.0.0.1:${this.port}`;
    this.opts.log('info', `listening on ${url}`, { url, host: this.opts.host ?? '127.0.0.1', port: this.port });
    const prune = () =>
      pruneOldData(this.opts.db, this.opts.retention ?? DEFAULT_RETENTION).then(
        (n) => (n.events || n.cached) && this.opts.log('info', 'pruned old data', n),
        (err: unknown) => this.opts.log('warn', 'pruning failed', { error: String(err) }),
      );
    void prune();
    this.pruneTimer = setInterval(() => void prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
    return url;
  }

  /** Stops accepting, ends open event streams (clients reconnect and resume), closes the DB. */
  async stop(): Promise<void> {
    clearInterval(this.pruneTimer);
    for (const s of this.streams) s.abort();
    if (this.server) {
      const closed = new Promise<void>((resolve) => this.server!.close(() => resolve()));
      this.server.closeIdleConnections();
      setTimeout(() => {
        for (const s of this.sockets) s.destroy();
      }, 2000).unref();
      await closed;
    }
    await this.listener?.stop();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    let member: Member | undefined;
    try {
      if (url.pathname === '/healthz') return json(res, 200, { ok: true });
      if (url.pathname === '/readyz') {
        const version = await schemaVersion(this.opts.db).catch(() => -1);
        return json(res, version === SCHEMA_VERSION ? 200 : 503, { ready: version === SCHEMA_VERSION });
      }
      member = await authenticate(this.opts.db, req.headers.authorization);
      if (!member) {
        req.resume();
        throw new HttpError(401, 'Authentication failed: a valid member token is required (Authorization: Bearer <token>). The token may be missing, unknown or revoked.');
      }
      if (!this.limiter.take(member.id)) {
        req.resume();
        res.setHeader('retry-after', '5');
        throw new HttpError(429, 'Too many requests: slow down and retry in a few seconds.');
      }
      await this.route(req, res, url, member);
    } catch (err) {
      const status = err instanceof HttpError || err instanceof SubmitRefused ? err.status : err instanceof z.ZodError ? 400 : 500;
      const message = err instanceof z.ZodError ? `Bad request: ${err.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` : err instanceof Error && status !== 500 ? err.message : 'Internal error.';
      if (status === 500) this.opts.log('error', 'request failed', { path: url.pathname, error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) json(res, status, { error: message });
      else res.end();
    } finally {
      this.opts.log('info', 'request', { method: req.method, path: url.pathname.replace(/s_[0-9a-f-]{36}/, ':id'), status: res.statusCode, member: member?.name, ms: Date.now() - started });
    }
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse, url: URL, member: Member): Promise<void> {
    const parts = url.pathname.split('/').filter(Boolean);
    if (req.method === 'POST' && url.pathname === '/v1/reviews') {
      const body = submitSchema.parse(JSON.parse(await readBody(req, this.opts.maxBodyBytes ?? 2 * 1024 * 1024)));
      const config = await readModelConfig(this.opts.db);
      if (!config) throw new HttpError(503, 'No model is configured for the team yet: start a worker with --provider and --model (or the server with them).');
      const plan = await planOnServer(body.request, body.fileText, config);
      const outcome = await submit(this.opts.db, member, plan);
      this.opts.log('info', 'review submitted', { member: member.name, job: outcome.jobId, cached: outcome.cached, joined: outcome.joined, model: plan.route.model });
      return json(res, 202, { ...outcome, route: plan.route });
    }
    if (req.method !== 'GET') throw new HttpError(405, 'Method not allowed.');
    if (url.pathname === '/v1/me') return json(res, 200, { name: member.name });
    if (url.pathname === '/v1/spend') {
      const [mine, team, myLimits, teamLimit] = await Promise.all([committedSpend(this.opts.db, member.id), committedSpend(this.opts.db), teamLimits(this.opts.db, member.id), teamLimits(this.opts.db)]);
      return json(res, 200, { member: { name: member.name, ...mine, limits: myLimits }, team: { ...team, limits: teamLimit } });
    }
    if (url.pathname === '/v1/jobs') {
      const rows = await this.opts.db.query<{ id: string }>('SELECT id FROM submissions WHERE member_id = $1 ORDER BY created_at DESC LIMIT 50', [member.id]);
      const views = await Promise.all(rows.rows.map((r) => viewSubmission(this.opts.db, member, r.id)));
      return json(res, 200, { jobs: views.filter((v) => v).map((v) => ({ jobId: v!.id, status: v!.status })) });
    }
    if (parts[0] === 'v1' && parts[1] === 'jobs' && parts[2] && SUBMISSION_ID.test(parts[2])) {
      const id = parts[2];
      if (parts.length === 3) {
        const view = await viewSubmission(this.opts.db, member, id);
        if (!view) throw new HttpError(404, 'No such job.');
        return json(res, 200, { jobId: view.id, status: view.status, record: view.record ?? null });
      }
      if (parts.length === 4 && parts[3] === 'events') {
        const lastId = req.headers['last-event-id'] ?? url.searchParams.get('after') ?? '0';
        const after = /^\d{1,18}$/.test(String(lastId)) ? Number(lastId) : 0;
        const abort = new AbortController();
        this.streams.add(abort);
        res.on('close', () => abort.abort());
        try {
          const found = await streamSubmission(this.opts.db, member, id, after, res, this.waiters, abort.signal, this.opts.pollMs ?? 1000);
          if (!found) throw new HttpError(404, 'No such job.');
        } finally {
          this.streams.delete(abort);
        }
        return;
      }
    }
    throw new HttpError(404, 'Not found.');
  }
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      req.resume();
      reject(new HttpError(413, `The request is too large (limit ${limit} bytes).`));
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, `The request is too large (limit ${limit} bytes).`));
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(Buffer.concat(parts).toString('utf8'));
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
  }).then((text) => {
    JSON.parse(text as string);
    return text as string;
  }).catch((err: unknown) => {
    if (err instanceof SyntaxError) throw new HttpError(400, 'Bad request: the body is not JSON.');
    throw err;
  });
}
