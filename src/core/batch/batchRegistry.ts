// The persisted record of jobs sent to a provider's batch API: which of our jobs went into
// which provider batch under which custom_id, and where each stands. It lives in one JSON file
// shared by every window and CLI run (read-modify-write under the store's cross-process lock),
// so a job submitted before a reload or a restart is still polled and finished afterwards.
import * as z from 'zod';
import { isFinished, jobRecordSchema, type JobRecord } from '../jobs/job';
import type { TextStore } from '../storage';
import type { WarningSink } from '../warnings';
import type { BatchProviderId } from './batchTypes';

export const BATCH_REGISTRY_FILE = 'batch-jobs.json';
const LOCK_NAME = 'batch-jobs';
/** Finished batch jobs kept for `deep-review result` and the jobs list; the oldest go first. */
const MAX_FINISHED_JOBS = 200;

export const batchJobStateSchema = z.enum(['submitting', 'pending', 'finished']);
export type BatchJobState = z.infer<typeof batchJobStateSchema>;

const batchJobSchema = z.object({
  jobId: z.string().min(1),
  customId: z.string().min(1),
  provider: z.enum(['anthropic', 'openai']),
  baseUrl: z.string(),
  /** Set once the provider accepted the batch. */
  batchId: z.string().optional(),
  state: batchJobStateSchema,
  /** Queued while at the provider; the finished record once results are in. */
  job: jobRecordSchema,
  /** Worst case at the batch price, held against the budget until the job finishes. */
  reservedUsd: z.number().nullable(),
  /** What the job would have cost at the list price, once known. */
  listUsd: z.number().nullable().optional(),
  cancelRequested: z.boolean().default(false),
  /** The provider's status word when last polled (in_progress, ended, expired…). */
  providerStatus: z.string().optional(),
});
export type BatchJobEntry = z.infer<typeof batchJobSchema>;

const batchSchema = z.object({
  batchId: z.string().min(1),
  provider: z.enum(['anthropic', 'openai']),
  baseUrl: z.string(),
  inputFileId: z.string().optional(),
  submittedAt: z.number(),
  providerStatus: z.string(),
  polls: z.number().int().min(0),
  lastPolledAt: z.number().optional(),
});
export type BatchEntry = z.infer<typeof batchSchema>;

const fileSchema = z.object({ version: z.literal(1), batches: z.array(batchSchema), jobs: z.array(z.unknown()) });

export interface RegistryData {
  batches: BatchEntry[];
  jobs: BatchJobEntry[];
}

export class BatchRegistry {
  constructor(
    private readonly store: TextStore,
    private readonly warn: WarningSink,
  ) {}

  /** A snapshot (no lock): for listing and deciding what to poll. */
  async read(): Promise<RegistryData> {
    return this.load();
  }

  /** Read-modify-write under the cross-process lock; what `fn` leaves in `data` is saved. */
  update<T>(fn: (data: RegistryData) => T | Promise<T>): Promise<T> {
    return this.store.withLock(LOCK_NAME, async () => {
      const data = await this.load();
      const result = await fn(data);
      prune(data);
      await this.store.write(BATCH_REGISTRY_FILE, JSON.stringify({ version: 1, batches: data.batches, jobs: data.jobs }));
      return result;
    });
  }

  private async load(): Promise<RegistryData> {
    const raw = await this.store.read(BATCH_REGISTRY_FILE);
    if (raw === undefined) return { batches: [], jobs: [] };
    let parsed: z.infer<typeof fileSchema> | undefined;
    try {
      const r = fileSchema.safeParse(JSON.parse(raw));
      parsed = r.success ? r.data : undefined;
    } catch {
      parsed = undefined;
    }
    if (!parsed) {
      // Never lose the only record of paid, pending work: keep the file aside for the user.
      const aside = `batch-jobs.unreadable-${Date.now()}.json`;
      await this.store.write(aside, raw);
      await this.store.write(BATCH_REGISTRY_FILE, JSON.stringify({ version: 1, batches: [], jobs: [] }));
      this.warn(`The batch job registry was unreadable; it was kept as ${aside}. Batches listed there are still at the provider but are no longer polled.`);
      return { batches: [], jobs: [] };
    }
    const jobs: BatchJobEntry[] = [];
    let dropped = 0;
    for (const item of parsed.jobs) {
      const r = batchJobSchema.safeParse(item);
      if (r.success) jobs.push(r.data);
      else dropped++;
    }
    if (dropped > 0) this.warn(`Dropped ${dropped} unreadable batch job record(s).`);
    return { batches: parsed.batches, jobs };
  }
}

/** Batch ids that still have a job waiting for results. */
export function pendingBatchIds(data: RegistryData): string[] {
  return [...new Set(data.jobs.filter((j) => j.state === 'pending' && j.batchId).map((j) => j.batchId!))];
}

/** Budget held by unfinished batch jobs (null reservations are unknown prices: nothing held). */
export function reservedUsd(data: RegistryData): number {
  return data.jobs.filter((j) => j.state !== 'finished').reduce((sum, j) => sum + (j.reservedUsd ?? 0), 0);
}

export function finishedRecord(entry: BatchJobEntry): JobRecord | undefined {
  return entry.state === 'finished' && isFinished(entry.job.status) ? entry.job : undefined;
}

function prune(data: RegistryData): void {
  const finished = data.jobs.filter((j) => j.state === 'finished').sort((a, b) => (a.job.finishedAt ?? 0) - (b.job.finishedAt ?? 0));
  const drop = new Set(finished.slice(0, Math.max(0, finished.length - MAX_FINISHED_JOBS)).map((j) => j.jobId));
  if (drop.size > 0) data.jobs = data.jobs.filter((j) => !drop.has(j.jobId));
  const live = new Set(data.jobs.map((j) => j.batchId));
  data.batches = data.batches.filter((b) => live.has(b.batchId));
}

/** Where a batch is: its id is the provider's, unique only at that provider's server. */
export interface BatchAt {
  batchId: string;
  provider: BatchProviderId;
  baseUrl: string;
}

export function sameBatch(x: { batchId?: string; provider: string; baseUrl: string }, at: BatchAt): boolean {
  return x.batchId === at.batchId && x.provider === at.provider && x.baseUrl === at.baseUrl;
}
