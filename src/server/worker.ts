// A worker process: claims jobs from the queue (at most maxInFlight at a time), calls the
// provider with keys that only it holds, streams events back through the database, and writes
// each attempt's result, usage and cost in one transaction. A heartbeat renews each lease; a
// worker that dies stops renewing and its job is claimed again by another once the lease ends.
import { randomUUID } from 'node:crypto';
import type { ModelClient, ModelSpec } from '../core/modelClient';
import type { PriceOverrides } from '../core/cost/prices';
import { runAttempt } from './attemptRunner';
import type { Db } from './db';
import { EventBuffer } from './eventBuffer';
import type { Logger } from './log';
import { claimJobs, completeAttempt, releaseJob, renewLease, type ClaimedJob } from './queue';
import { listen } from './listen';
import { JOBS_CHANNEL } from './submissions';

export interface WorkerOptions {
  db: Db;
  clientFor(spec: ModelSpec): ModelClient;
  priceOverrides: PriceOverrides;
  log: Logger;
  /** Lease length; renewed every third of it (default 60 s: a dead worker's job resumes within 2 minutes). */
  leaseMs?: number;
  maxInFlight?: number;
  /** Look for claimable jobs (expired leases included) at least this often. */
  pollMs?: number;
  workerId?: string;
}

export class Worker {
  readonly id: string;
  private readonly leaseMs: number;
  private readonly maxInFlight: number;
  private readonly pollMs: number;
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private stopping = false;
  private wake: () => void = () => (this.woken = true);
  private loop: Promise<void> = Promise.resolve();
  private listener: ReturnType<typeof listen> | undefined;

  constructor(private readonly opts: WorkerOptions) {
    this.id = opts.workerId ?? `w_${randomUUID().slice(0, 8)}`;
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? 4);
    this.pollMs = opts.pollMs ?? 1000;
  }

  get inFlight(): number {
    return this.running.size;
  }

  async start(): Promise<void> {
    this.listener = listen(this.opts.db, JOBS_CHANNEL, () => this.wake(), this.opts.log);
    await this.listener.ready;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      if (this.running.size >= this.maxInFlight) {
        await this.sleep(this.pollMs);
        continue;
      }
      let jobs: ClaimedJob[];
      try {
        jobs = await claimJobs(this.opts.db, this.id, this.leaseMs, this.maxInFlight - this.running.size);
      } catch (err) {
        this.opts.log('error', 'claim failed', { error: String(err) });
        await this.sleep(this.pollMs);
        continue;
      }
      if (jobs.length === 0) {
        await this.sleep(this.pollMs);
        continue;
      }
      for (const job of jobs) this.startJob(job);
    }
  }

  /** A wake-up (new job, finished job) that came while the loop was busy, not sleeping. */
  private woken = false;

  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = () => (self.woken = true);
        resolve();
      }
      this.wake = done;
    });
  }

  private startJob(job: ClaimedJob): void {
    const abort = new AbortController();
    let shutdown = false;
    this.opts.log('info', 'job claimed', { worker: this.id, job: job.id, attempt: job.attempt, model: job.route.model });
    const heartbeat = setInterval(() => {
      renewLease(this.opts.db, job.id, this.id, this.leaseMs)
        .then((held) => {
          if (!held) {
            this.opts.log('warn', 'lease lost', { worker: this.id, job: job.id });
            abort.abort();
          }
        })
        .catch((err) => this.opts.log('warn', 'heartbeat failed', { job: job.id, error: String(err) }));
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    const events = new EventBuffer(this.opts.db, job.id, 100, (err) => this.opts.log('warn', 'event write failed', { job: job.id, error: String(err) }));
    events.push({ type: 'attempt', data: { attempt: job.attempt, outcome: 'started', worker: this.id } });
    // The first event tells the client its job left the queue: send it now, not with the next batch.
    void events.flush();
    const done = (async () => {
      try {
        const outcome = await runAttempt(job, { client: () => this.opts.clientFor({ ...job.route }), priceOverrides: this.opts.priceOverrides, emit: (e) => events.push(e), signal: abort.signal });
        await events.flush();
        if ('aborted' in outcome) {
          shutdown = this.stopping;
          await releaseJob(this.opts.db, job, this.id, outcome.usage, outcome.cost);
          this.opts.log('info', shutdown ? 'job released' : 'job abandoned', { worker: this.id, job: job.id });
        } else {
          const held = await completeAttempt(this.opts.db, job, this.id, outcome);
          this.opts.log('info', 'job finished', { worker: this.id, job: job.id, status: outcome.record.status, costUsd: outcome.cost.usd, leaseHeld: held });
        }
      } catch (err) {
        // The model call never throws; this is the database. The lease runs out and another
        // worker retries the job.
        this.opts.log('error', 'job write failed', { worker: this.id, job: job.id, error: String(err) });
      } finally {
        clearInterval(heartbeat);
        this.running.delete(job.id);
        this.wake();
      }
    })();
    this.running.set(job.id, { abort, done });
  }

  /** Stops claiming; in-flight jobs get graceMs to finish, then are released to the queue. */
  async stop(graceMs = 30_000): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
    const all = Promise.all([...this.running.values()].map((r) => r.done));
    const timer = setTimeout(() => {
      for (const r of this.running.values()) r.abort.abort();
    }, graceMs);
    await all;
    clearTimeout(timer);
    await this.listener?.stop();
  }
}
