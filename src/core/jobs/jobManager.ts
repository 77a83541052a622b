// The job queue: submit returns an id at once; p-limit runs jobs with bounded concurrency;
// each job has its own event stream and AbortController. Identical questions in flight join
// the running job (one model call, several listeners). Every state change is persisted.
import pLimit, { type LimitFunction } from 'p-limit';
import { isFinished, type JobEvent, type JobRecord, type JobStatus } from './job';
import type { JobStore } from './jobStore';
import type { ReviewRequest } from '../requests/request';

export type JobListener = (event: JobEvent) => void;

/**
 * Does the work of one job. It may update the live record's `reasoning`, `answer` and `retries`
 * as they stream (so a panel opened mid-run shows them); the outcome it returns is applied last.
 */
export type JobWork = (
  job: Readonly<JobRecord>,
  ctx: { signal: AbortSignal; emit: (event: JobEvent) => void },
) => Promise<Partial<JobRecord> & { status: Extract<JobStatus, 'succeeded' | 'failed' | 'cancelled'> }>;

export interface SubmitResult {
  jobId: string;
  /** True when an identical job was already in flight and this submission joined it. */
  joined: boolean;
}

let counter = 0;
export function newJobId(now: number): string {
  counter = (counter + 1) % 46656;
  return `j${now.toString(36)}${counter.toString(36).padStart(3, '0')}${Math.floor(Math.random() * 1296).toString(36)}`;
}

export class JobManager {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly listeners = new Map<string, Set<JobListener>>();
  private readonly changeListeners = new Set<(job: Readonly<JobRecord>) => void>();
  private readonly controllers = new Map<string, AbortController>();
  private readonly done = new Map<string, { promise: Promise<JobRecord>; resolve: (j: JobRecord) => void }>();
  private readonly limit: LimitFunction;

  constructor(
    private readonly store: JobStore,
    private readonly work: JobWork,
    options: { concurrency: number; now?: () => number; history?: readonly JobRecord[]; historyLimit?: number },
  ) {
    this.historyLimit = options.historyLimit ?? 100;
    this.limit = pLimit(Math.max(1, options.concurrency));
    this.now = options.now ?? Date.now;
    for (const job of options.history ?? []) this.jobs.set(job.id, job);
  }

  private readonly now: () => number;
  private readonly historyLimit: number;

  set concurrency(n: number) {
    this.limit.concurrency = Math.max(1, n);
  }

  get runningCount(): number {
    return [...this.jobs.values()].filter((j) => j.status === 'running').length;
  }

  get activeCount(): number {
    return this.limit.activeCount + this.limit.pendingCount;
  }

  list(): JobRecord[] {
    return [...this.jobs.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  get(jobId: string): JobRecord | undefined {
    return this.jobs.get(jobId);
  }

  /** The queued or running job asking exactly this question, if any. */
  inFlight(cacheKey: string): JobRecord | undefined {
    for (const job of this.jobs.values()) if (job.cacheKey === cacheKey && !isFinished(job.status)) return job;
    return undefined;
  }

  /** Queues a job (or joins an identical one in flight) and returns its id at once. */
  submit(job: JobRecord): SubmitResult {
    const existing = this.inFlight(job.cacheKey);
    if (existing) return { jobId: existing.id, joined: true };
    this.jobs.set(job.id, job);
    this.donePromise(job.id);
    this.changed(job);
    void this.limit(() => this.run(job.id));
    return { jobId: job.id, joined: false };
  }

  /** Adds a job that is already finished (a cache hit, for instance) to the history. */
  record(job: JobRecord): void {
    this.jobs.set(job.id, job);
    this.changed(job);
    this.done.get(job.id)?.resolve(job);
    this.done.delete(job.id);
  }

  /** Resolves with the record once the job has finished, whatever the outcome. */
  whenDone(jobId: string): Promise<JobRecord> {
    const job = this.jobs.get(jobId);
    if (job && isFinished(job.status)) return Promise.resolve(job);
    return this.donePromise(jobId).promise;
  }

  subscribe(jobId: string, listener: JobListener): () => void {
    let set = this.listeners.get(jobId);
    if (!set) this.listeners.set(jobId, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  onDidChange(listener: (job: Readonly<JobRecord>) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Cancels a queued job at once; aborts a running one's model call. */
  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job || isFinished(job.status)) return false;
    if (job.status === 'queued') {
      this.finish(job, { status: 'cancelled', error: { kind: 'cancelled', message: 'Cancelled before it started.' } });
      return true;
    }
    this.controllers.get(jobId)?.abort();
    return true;
  }

  /** Updates a finished job's user-facing fields (feedback, dismissed findings) and persists. */
  update(jobId: string, patch: Partial<Pick<JobRecord, 'dismissedFindings' | 'warnings'>>): void {
    const job = this.jobs.get(jobId);
    if (!job) return;
    Object.assign(job, patch);
    this.store.invalidate(job);
    this.changed(job);
  }

  async remove(jobIds: readonly string[]): Promise<void> {
    const removed: JobRecord[] = [];
    for (const id of jobIds) {
      const job = this.jobs.get(id);
      if (!job || !isFinished(job.status)) continue;
      this.jobs.delete(id);
      removed.push(job);
    }
    await this.store.remove(removed);
  }

  /** The job's request with its full texts (history keeps large texts once, by content). */
  async fullRequest(jobId: string): Promise<ReviewRequest | undefined> {
    const job = this.jobs.get(jobId);
    return job ? this.store.fullRequest(job) : undefined;
  }

  flush(): Promise<void> {
    return this.store.flush();
  }

  /** Resolves once the stored history's background pruning is done (tests, benchmarks). */
  whenMaintained(): Promise<void> {
    return this.store.whenMaintained();
  }

  /** Brings the stored history within its bounds now (it is otherwise pruned every few saves). */
  compact(): Promise<void> {
    return this.store.compact();
  }

  private async run(jobId: string): Promise<void> {
    const job = this.jobs.get(jobId);
    if (!job || job.status !== 'queued') return;
    const controller = new AbortController();
    this.controllers.set(jobId, controller);
    job.status = 'running';
    job.startedAt = this.now();
    this.changed(job);
    const emit = (event: JobEvent) => this.emit(jobId, event);
    try {
      const outcome = await this.work(job, { signal: controller.signal, emit });
      this.finish(job, outcome);
    } catch (err) {
      // JobWork reports failures as outcomes; reaching here is a bug, still never a lost job.
      this.finish(job, { status: 'failed', error: { kind: 'internal', message: `Internal error: ${err instanceof Error ? err.message : String(err)}` } });
    } finally {
      this.controllers.delete(jobId);
    }
  }

  private finish(job: JobRecord, outcome: Partial<JobRecord> & { status: JobStatus }): void {
    Object.assign(job, outcome);
    job.finishedAt = this.now();
    this.changed(job);
    this.emit(job.id, { type: 'phase', phase: 'done', elapsedMs: job.finishedAt - (job.startedAt ?? job.createdAt) });
    this.donePromise(job.id).resolve(job);
    this.done.delete(job.id);
    this.listeners.delete(job.id);
  }

  private changed(job: JobRecord): void {
    this.prune();
    void this.store.save(job);
    this.emit(job.id, { type: 'state', status: job.status, job });
    for (const l of this.changeListeners) safeCall(() => l(job));
  }

  private emit(jobId: string, event: JobEvent): void {
    const set = this.listeners.get(jobId);
    if (!set) return;
    for (const l of set) safeCall(() => l(event));
  }

  private donePromise(jobId: string): { promise: Promise<JobRecord>; resolve: (j: JobRecord) => void } {
    let entry = this.done.get(jobId);
    if (!entry) {
      let resolve!: (j: JobRecord) => void;
      const promise = new Promise<JobRecord>((r) => (resolve = r));
      entry = { promise, resolve };
      this.done.set(jobId, entry);
    }
    return entry;
  }

  /** Keeps memory bounded like the stored history: the oldest finished jobs go first. */
  private prune(): void {
    if (this.jobs.size <= this.historyLimit * 2) return;
    const finished = [...this.jobs.values()].filter((j) => isFinished(j.status)).sort((a, b) => a.createdAt - b.createdAt);
    for (const j of finished.slice(0, this.jobs.size - this.historyLimit)) this.jobs.delete(j.id);
  }
}

/** A listener's bug must not break the job or the other listeners. */
function safeCall(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    console.error('Deep Review: a job listener threw', err);
  }
}
