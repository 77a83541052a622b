// Persists job records through a TextStore: one small file per job (`job-<time>-<id>.json`), so
// several processes add and update jobs without a shared file to lose each other's records.
// Large request texts (a reviewed file) are stored once, content-addressed (`blob-<sha256>.txt`);
// the job file keeps the hash, the length and a bounded excerpt that keeps the lines of its
// findings. History is bounded by count and by bytes; pruning and the sweep of unreferenced
// blobs run in the background. A job that was queued or running when its process died comes
// back as `interrupted`, with its request, so it can be re-run.
import * as z from 'zod';
import { hashText } from '../cache/contentHash';
import { isFinished, jobRecordSchema, type JobRecord, type TextRef } from './job';
import type { ReviewRequest } from '../requests/request';
import { moveAside, readBounded, tooLargeMessage, type ListableTextStore } from '../storage';
import type { WarningSink } from '../warnings';

/** The single-file history of earlier versions; migrated to per-job files on first load. */
export const JOBS_FILE = 'jobs.json';
export const JOB_FILE_PREFIX = 'job-';
export const BLOB_PREFIX = 'blob-';
/** Kept per job in history; longer traces are cut (the live stream still shows everything). */
export const MAX_STORED_REASONING_CHARS = 256 * 1024;
/** Request texts longer than this are stored once as a blob, with an excerpt in the job. */
export const INLINE_TEXT_CHARS = 4096;
export const DEFAULT_HISTORY_MAX_BYTES = 64 * 1024 * 1024;
const MAX_JOB_FILE_BYTES = 8 * 1024 * 1024;
const MAX_LEGACY_FILE_BYTES = 128 * 1024 * 1024;
const MAX_BLOB_BYTES = 256 * 1024 * 1024;
/** Lines kept around each finding in an excerpt, and at the start. */
const EXCERPT_MARGIN_LINES = 3;
const EXCERPT_HEAD_LINES = 20;
/** Above this many lines an excerpt keeps only the head (the blank lines alone would be large). */
const EXCERPT_MAX_LINES = 50_000;
const MAX_EXCERPT_CHARS = 128 * 1024;
/** A blob or job file younger than this may belong to another process's save under way. */
const ORPHAN_GRACE_MS = 10 * 60_000;
const LOAD_SLICE = 2;
const PRUNE_EVERY_SAVES = 25;

const storedSchema = z.object({ version: z.literal(2), job: z.unknown() });
const legacySchema = z.object({ version: z.literal(1), jobs: z.array(z.unknown()) });
type TextField = 'code' | 'contextBefore' | 'contextAfter';
const TEXT_FIELDS: readonly TextField[] = ['code', 'contextBefore', 'contextAfter'];

export function jobFileName(job: Pick<JobRecord, 'id' | 'createdAt'>): string {
  const time = Math.max(0, Math.floor(job.createdAt)).toString(36).padStart(10, '0');
  return `${JOB_FILE_PREFIX}${time}-${job.id.replace(/[^\w-]/g, '_')}.json`;
}
export const blobName = (hash: string) => `${BLOB_PREFIX}${hash}.txt`;

interface Serialized {
  text: string;
  blobs: Array<{ hash: string; text: string }>;
  refs: string[];
}

export class JobStore {
  constructor(
    private readonly store: ListableTextStore,
    private readonly warn: WarningSink,
    private readonly historyLimit = 100,
    private readonly maxBytes = DEFAULT_HISTORY_MAX_BYTES,
    private readonly now: () => number = Date.now,
  ) {}

  /** Loads the newest jobs; unfinished ones become `interrupted`. Unreadable files are kept aside, not lost. */
  async load(): Promise<JobRecord[]> {
    const legacy = await this.loadLegacy();
    const names = (await this.store.list(JOB_FILE_PREFIX)).sort().reverse().slice(0, this.historyLimit);
    const jobs = new Map<string, JobRecord>();
    for (const j of legacy) jobs.set(j.id, j);
    const unreadable: string[] = [];
    for (let i = 0; i < names.length; i += LOAD_SLICE) {
      const slice = names.slice(i, i + LOAD_SLICE);
      const loaded = await Promise.all(slice.map((n) => this.loadOne(n)));
      for (const [j, r] of loaded.entries()) {
        if (r === 'unreadable') unreadable.push(slice[j]!);
        else if (r) jobs.set(r.id, r);
      }
      await yieldToHost();
    }
    if (unreadable.length > 0) {
      const moved = await Promise.all(unreadable.map((n) => moveAside(this.store, n, this.now)));
      this.warn(`${unreadable.length} job history record(s) were unreadable and were moved aside (${moved.map((m, i) => m ?? unreadable[i]).join(', ')}).`);
    }
    const list = [...jobs.values()].sort((a, b) => a.createdAt - b.createdAt);
    for (const job of list) {
      if (isFinished(job.status)) continue;
      // In memory only: the process that owns it may still be running it (another window).
      job.status = 'interrupted';
      job.error = { kind: 'internal', message: 'Interrupted: the editor or CLI stopped while this job was running. Re-run it to get the answer.' };
    }
    this.maintenance = this.maintenance.then(() => this.prune(true)).catch(() => undefined);
    return list;
  }

  /** Persists one job (coalesced: a burst of state changes of a job costs one or two writes). */
  save(job: JobRecord): Promise<void> {
    this.pending.set(job.id, job);
    this.writing ??= this.drain();
    return this.writing;
  }

  /** Removes jobs from the stored history. */
  async remove(jobs: readonly JobRecord[]): Promise<void> {
    for (const job of jobs) {
      this.pending.delete(job.id);
      this.serialized.delete(job);
    }
    await this.flush();
    for (const job of jobs) await this.store.remove(jobFileName(job)).catch((err: unknown) => this.reportFailure(err));
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Resolves once background pruning and blob sweeping are done (tests, benchmarks). */
  whenMaintained(): Promise<void> {
    return this.maintenance;
  }

  /** Prunes the stored history to its bounds now (normally done every few saves). */
  compact(): Promise<void> {
    this.maintenance = this.maintenance.then(() => this.flush()).then(() => this.prune(false)).catch(() => undefined);
    return this.maintenance;
  }

  /** The job's request with its full texts, read back from the content-addressed store. */
  async fullRequest(job: JobRecord): Promise<ReviewRequest> {
    const refs = job.textRefs;
    if (!refs) return job.request;
    const target = { ...job.request.target };
    for (const field of TEXT_FIELDS) {
      const ref = refs[field];
      if (!ref) continue;
      const read = await readBounded(this.store, blobName(ref.hash), MAX_BLOB_BYTES, this.now);
      const text = read && 'text' in read ? read.text : undefined;
      if (text === undefined || hashText(text) !== ref.hash) {
        throw new Error(`The code of this job (${ref.chars} characters) is no longer stored; review the file again from the editor.`);
      }
      target[field] = text;
    }
    return { ...job.request, target };
  }

  /** Call after changing a finished job (dismissed findings, warnings). */
  invalidate(job: JobRecord): void {
    this.serialized.delete(job);
  }

  private readonly pending = new Map<string, JobRecord>();
  private writing: Promise<void> | undefined;
  private maintenance: Promise<void> = Promise.resolve();
  private savesSincePrune = 0;
  private failed = false;
  /** A finished job rarely changes again: its JSON is made once, not on every save. */
  private readonly serialized = new WeakMap<JobRecord, Serialized>();
  private readonly blobsWritten = new Set<string>();
  /** Per job file: its size and the blobs it references (what pruning needs). */
  private readonly fileMeta = new Map<string, { size: number; refs: Array<{ hash: string; chars: number }> }>();

  private async drain(): Promise<void> {
    // Let the current burst of changes land first.
    await Promise.resolve();
    try {
      while (this.pending.size > 0) {
        const batch = [...this.pending.values()];
        this.pending.clear();
        for (const job of batch) await this.writeJob(job);
      }
    } finally {
      this.writing = undefined;
    }
    if ((this.savesSincePrune += 1) >= PRUNE_EVERY_SAVES) {
      this.savesSincePrune = 0;
      this.maintenance = this.maintenance.then(() => this.prune(false)).catch(() => undefined);
    }
  }

  private async writeJob(job: JobRecord): Promise<void> {
    try {
      const s = this.serialize(job);
      // Blobs first: a job file never points at a text that was not stored.
      for (const blob of s.blobs) {
        if (this.blobsWritten.has(blob.hash)) continue;
        if (!(await this.store.stat(blobName(blob.hash)))) await this.store.write(blobName(blob.hash), blob.text);
        else await this.store.touch(blobName(blob.hash));
        this.blobsWritten.add(blob.hash);
      }
      const name = jobFileName(job);
      await this.store.write(name, s.text);
      const refs = job.textRefs ? Object.values(job.textRefs).filter((r): r is TextRef => r !== undefined) : [];
      this.fileMeta.set(name, { size: s.text.length, refs: [...refs, ...s.blobs.map((b) => ({ hash: b.hash, chars: b.text.length }))] });
    } catch (err) {
      this.reportFailure(err);
    }
  }

  private serialize(job: JobRecord): Serialized {
    const cached = isFinished(job.status) ? this.serialized.get(job) : undefined;
    if (cached) return cached;
    const blobs: Serialized['blobs'] = [];
    const target = { ...job.request.target };
    const refs: NonNullable<JobRecord['textRefs']> = { ...job.textRefs };
    for (const field of TEXT_FIELDS) {
      const text = target[field];
      if (refs[field] || text.length <= INLINE_TEXT_CHARS) continue;
      const hash = hashText(text);
      refs[field] = { hash, chars: text.length };
      blobs.push({ hash, text });
      target[field] = excerpt(text, field === 'code' ? target.startLine : 1, job);
    }
    const stored: JobRecord = {
      ...job,
      request: { ...job.request, target },
      reasoning: cut(job.reasoning, 'reasoning'),
      answer: cut(job.answer, 'answer'),
      ...(Object.keys(refs).length > 0 ? { textRefs: refs } : {}),
    };
    const out: Serialized = { text: JSON.stringify({ version: 2, job: stored }), blobs, refs: blobs.map((b) => b.hash) };
    if (isFinished(job.status)) this.serialized.set(job, out);
    return out;
  }

  private async loadOne(name: string): Promise<JobRecord | 'unreadable' | undefined> {
    let read;
    try {
      read = await readBounded(this.store, name, MAX_JOB_FILE_BYTES, this.now);
    } catch {
      return undefined;
    }
    if (read === undefined) return undefined;
    if ('tooLarge' in read) {
      this.warn(tooLargeMessage('The job history record', name, read, MAX_JOB_FILE_BYTES));
      return undefined;
    }
    try {
      const outer = storedSchema.safeParse(JSON.parse(read.text));
      const r = outer.success ? jobRecordSchema.safeParse(outer.data.job) : undefined;
      if (!r?.success) return 'unreadable';
      const refs = r.data.textRefs ? Object.values(r.data.textRefs).filter((x): x is TextRef => x !== undefined) : [];
      this.fileMeta.set(name, { size: read.info.size, refs });
      return r.data;
    } catch {
      return 'unreadable';
    }
  }

  /** The pre-v2 `jobs.json`: its jobs are moved to per-job files, then it is removed. */
  private async loadLegacy(): Promise<JobRecord[]> {
    const read = await readBounded(this.store, JOBS_FILE, MAX_LEGACY_FILE_BYTES, this.now);
    if (read === undefined) return [];
    if ('tooLarge' in read) {
      this.warn(tooLargeMessage('The job history file', JOBS_FILE, read, MAX_LEGACY_FILE_BYTES));
      return [];
    }
    let parsed: z.infer<typeof legacySchema> | undefined;
    try {
      const r = legacySchema.safeParse(JSON.parse(read.text));
      parsed = r.success ? r.data : undefined;
    } catch {
      parsed = undefined;
    }
    if (!parsed) {
      const aside = `jobs.unreadable-${this.now()}.json`;
      await this.store.rename(JOBS_FILE, aside).catch(() => undefined);
      this.warn(`The job history file was unreadable; it was kept as ${aside} and a new history started.`);
      return [];
    }
    const jobs: JobRecord[] = [];
    let dropped = 0;
    for (const item of parsed.jobs) {
      const r = jobRecordSchema.safeParse(item);
      if (r.success) jobs.push(r.data);
      else dropped++;
    }
    if (dropped > 0) this.warn(`Dropped ${dropped} unreadable job record(s) from the history.`);
    const failedBefore = this.failed;
    for (const job of jobs) await this.writeJob(job);
    if (this.failed === failedBefore) await this.store.remove(JOBS_FILE).catch(() => undefined);
    return jobs;
  }

  /**
   * Keeps the newest `historyLimit` job files within `maxBytes` (job files plus the blobs they
   * reference, each blob counted once) and, at start-up, removes blobs no kept job references.
   */
  private async prune(sweepBlobs: boolean): Promise<void> {
    const names = (await this.store.list(JOB_FILE_PREFIX)).sort().reverse();
    let bytes = 0;
    let kept = 0;
    const referenced = new Set<string>();
    for (const name of names) {
      let meta = this.fileMeta.get(name);
      if (!meta) {
        const r = await this.loadOne(name);
        meta = this.fileMeta.get(name);
        if (r === 'unreadable' || !meta) continue;
      }
      let size = meta.size;
      for (const ref of meta.refs) if (!referenced.has(ref.hash)) size += ref.chars;
      if (kept >= this.historyLimit || (kept > 0 && bytes + size > this.maxBytes)) {
        await this.store.remove(name).catch(() => undefined);
        this.fileMeta.delete(name);
        continue;
      }
      kept++;
      bytes += size;
      for (const ref of meta.refs) referenced.add(ref.hash);
      await yieldToHost();
    }
    if (!sweepBlobs) return;
    const now = this.now();
    for (const name of await this.store.list(BLOB_PREFIX)) {
      const hash = name.slice(BLOB_PREFIX.length, -'.txt'.length);
      if (referenced.has(hash)) continue;
      const info = await this.store.stat(name).catch(() => undefined);
      if (info && now - info.mtimeMs > ORPHAN_GRACE_MS) await this.store.remove(name).catch(() => undefined);
    }
  }

  /** A read-only or full disk is said once per session, not on every state change. */
  private reportFailure(err: unknown): void {
    this.failed = true;
    if (this.saidFailure) return;
    this.saidFailure = true;
    this.warn(`Could not save the job history: ${err instanceof Error ? err.message : String(err)} (results still show in this session; later failures are not repeated).`);
  }
  private saidFailure = false;
}

function cut(text: string, what: string): string {
  if (text.length <= MAX_STORED_REASONING_CHARS) return text;
  return `${text.slice(0, MAX_STORED_REASONING_CHARS)}\n… (${what} shortened for storage)`;
}

/**
 * A bounded stand-in for a large text: the same lines (so line numbers still map), blank except
 * the head and the lines around each finding, which is what fix checks compare against.
 */
function excerpt(text: string, firstLine: number, job: JobRecord): string {
  const lines = text.split('\n');
  if (lines.length > EXCERPT_MAX_LINES) return lines.slice(0, EXCERPT_HEAD_LINES).join('\n');
  const keep = new Uint8Array(lines.length);
  for (let i = 0; i < Math.min(EXCERPT_HEAD_LINES, lines.length); i++) keep[i] = 1;
  for (const f of job.result?.findings ?? []) {
    const from = Math.max(0, f.startLine - firstLine - EXCERPT_MARGIN_LINES);
    const to = Math.min(lines.length - 1, f.endLine - firstLine + EXCERPT_MARGIN_LINES);
    for (let i = from; i <= to; i++) keep[i] = 1;
  }
  const kept = lines.map((l, i) => (keep[i] ? l : '')).join('\n');
  return kept.length <= MAX_EXCERPT_CHARS ? kept : lines.slice(0, EXCERPT_HEAD_LINES).join('\n').slice(0, MAX_EXCERPT_CHARS);
}

function yieldToHost(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
