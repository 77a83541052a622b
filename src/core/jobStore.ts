// Persists job records (bounded history) through a TextStore. A job that was queued or running
// when the process died comes back as `interrupted`, with its request, so it can be re-run.
import * as z from 'zod';
import { isFinished, jobRecordSchema, type JobRecord } from './job';
import type { TextStore } from './storage';
import type { WarningSink } from './warnings';

export const JOBS_FILE = 'jobs.json';
/** Kept per job in history; longer traces are cut (the live stream still shows everything). */
export const MAX_STORED_REASONING_CHARS = 256 * 1024;

const fileSchema = z.object({ version: z.literal(1), jobs: z.array(z.unknown()) });

export class JobStore {
  constructor(
    private readonly store: TextStore,
    private readonly warn: WarningSink,
    private readonly historyLimit = 100,
  ) {}

  /** Loads history; unfinished jobs become `interrupted`. Unreadable files are kept aside, not lost. */
  async load(): Promise<JobRecord[]> {
    const raw = await this.store.read(JOBS_FILE);
    if (raw === undefined) return [];
    let parsed: z.infer<typeof fileSchema> | undefined;
    try {
      const r = fileSchema.safeParse(JSON.parse(raw));
      parsed = r.success ? r.data : undefined;
    } catch {
      parsed = undefined;
    }
    if (!parsed) {
      const aside = `jobs.unreadable-${Date.now()}.json`;
      await this.store.write(aside, raw);
      this.warn(`The job history file was unreadable; it was kept as ${aside} and a new history started.`);
      return [];
    }
    const jobs: JobRecord[] = [];
    let dropped = 0;
    let interrupted = 0;
    for (const item of parsed.jobs) {
      const r = jobRecordSchema.safeParse(item);
      if (!r.success) {
        dropped++;
        continue;
      }
      const job = r.data;
      if (!isFinished(job.status)) {
        job.status = 'interrupted';
        job.error = { kind: 'internal', message: 'Interrupted: the editor or CLI stopped while this job was running. Re-run it to get the answer.' };
        interrupted++;
      }
      jobs.push(job);
    }
    if (dropped > 0) this.warn(`Dropped ${dropped} unreadable job record(s) from the history.`);
    if (interrupted > 0) await this.save(jobs);
    return jobs;
  }

  /**
   * Writes the newest `historyLimit` jobs atomically. Calls are coalesced: while a write is
   * under way only the latest snapshot is kept, so a burst of state changes costs one or two
   * writes, not one each, and the caller never waits for serialization.
   */
  save(jobs: readonly JobRecord[]): Promise<void> {
    this.pending = jobs;
    this.writing ??= this.drain();
    return this.writing;
  }

  flush(): Promise<void> {
    return this.writing ?? Promise.resolve();
  }

  /** A finished job rarely changes again: its JSON is made once, not on every save. */
  private readonly serialized = new WeakMap<JobRecord, string>();

  private serialize(job: JobRecord): string {
    if (!isFinished(job.status)) return JSON.stringify(trimForStorage(job));
    let json = this.serialized.get(job);
    if (json === undefined) {
      json = JSON.stringify(trimForStorage(job));
      this.serialized.set(job, json);
    }
    return json;
  }

  /** Call after changing a finished job (dismissed findings, warnings). */
  invalidate(job: JobRecord): void {
    this.serialized.delete(job);
  }

  private pending: readonly JobRecord[] | undefined;
  private writing: Promise<void> | undefined;

  private async drain(): Promise<void> {
    // Let the current burst of changes land first.
    await Promise.resolve();
    while (this.pending) {
      const jobs = this.pending;
      this.pending = undefined;
      const kept = [...jobs].sort((a, b) => a.createdAt - b.createdAt).slice(-this.historyLimit);
      const parts = kept.map((job) => this.serialize(job));
      try {
        await this.store.write(JOBS_FILE, `{"version":1,"jobs":[${parts.join(',')}]}`);
      } catch (err) {
        this.warn(`Could not save the job history: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    this.writing = undefined;
  }
}

function trimForStorage(job: JobRecord): JobRecord {
  if (job.reasoning.length <= MAX_STORED_REASONING_CHARS) return job;
  return { ...job, reasoning: `${job.reasoning.slice(0, MAX_STORED_REASONING_CHARS)}\n… (reasoning shortened for storage)` };
}
