// The per-file analysis cache: finished analyses keyed on content (see cacheKey.ts), one file
// per entry named by its key (`analysis-<key>.json`). There is no global index to rewrite: a
// look-up reads the entry file directly (so another process's answer is found at once), a put
// writes one file, recency is the file's mtime, and the sizes needed for eviction are learned
// by a background scan in small slices. Per-file "latest analysis" pointers
// (`cachefile-<hash>.json`) answer fresh / stale. A corrupted entry is dropped with a warning.
import * as z from 'zod';
import { hashText } from './contentHash';
import { usageSchema } from '../jobs/job';
import { reviewResultSchema } from '../results/result';
import { modelTierSchema, requestKindSchema } from '../requests/request';
import { readBounded, tooLargeMessage, type ListableTextStore } from '../storage';
import type { WarningSink } from '../warnings';

export const cachedAnalysisSchema = z.object({
  key: z.string(),
  filePath: z.string(),
  /** Hash of the whole file when it was analysed: a different hash now means "stale". */
  fileHash: z.string(),
  createdAt: z.number(),
  kind: requestKindSchema,
  startLine: z.number().int(),
  endLine: z.number().int(),
  provider: z.string(),
  model: z.string(),
  tier: modelTierSchema,
  result: reviewResultSchema,
  structured: z.boolean(),
  warnings: z.array(z.string()),
  reasoning: z.string(),
  usage: usageSchema,
  costUsd: z.number().nullable(),
  durationMs: z.number(),
  jobId: z.string(),
});
export type CachedAnalysis = z.infer<typeof cachedAnalysisSchema>;

const pointerSchema = z.object({ filePath: z.string(), key: z.string(), fileHash: z.string(), createdAt: z.number() });
type FilePointer = z.infer<typeof pointerSchema>;

export type FileCacheStatus =
  | { state: 'none' }
  | { state: 'fresh' | 'stale'; latest: { key: string; createdAt: number } };

export const CACHE_ENTRY_PREFIX = 'analysis-';
/** The global index of earlier versions; removed by the first scan (the entry files stay valid). */
export const CACHE_INDEX_FILE = 'analysis-cache-index.json';
const POINTER_PREFIX = 'cachefile-';
export const cacheEntryFile = (key: string) => `${CACHE_ENTRY_PREFIX}${key}.json`;
const ENTRY_NAME = /^analysis-([a-f0-9]{16,128})\.json$/;
const pointerFile = (filePath: string) => `${POINTER_PREFIX}${hashText(filePath).slice(0, 32)}.json`;
/** An entry file larger than this is damage, not an analysis: moved aside unread. */
export const MAX_CACHE_ENTRY_BYTES = 16 * 1024 * 1024;
/** Entries stat'ed per slice of the background scan, so it never blocks the host for long. */
const SCAN_SLICE = 16;
/** Recency is written (mtime) at most this often per entry. */
const TOUCH_INTERVAL_MS = 60_000;
/** Files of another process's write in progress look orphaned for a moment: left alone this long. */
const ORPHAN_GRACE_MS = 10 * 60_000;
/** Eviction goes down to this share of the limit, so it does not run on every put. */
const EVICT_TO = 0.9;

export interface AnalysisCacheOptions {
  maxBytes: number;
  warn: WarningSink;
  now?: () => number;
}

interface KnownEntry {
  size: number;
  lastUsedAt: number;
  fileHash?: string;
}

export class AnalysisCache {
  private readonly known = new Map<string, KnownEntry>();
  private knownBytes = 0;
  private readonly files = new Map<string, FilePointer>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly now: () => number;
  private scan: Promise<void> = Promise.resolve();
  private evicting: Promise<void> | undefined;
  private writeFailed = false;
  private stopped = false;

  private constructor(
    private readonly store: ListableTextStore,
    private options: AnalysisCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Returns at once; sizes, recency and per-file pointers load in the background (whenScanned). */
  static async open(store: ListableTextStore, options: AnalysisCacheOptions): Promise<AnalysisCache> {
    const cache = new AnalysisCache(store, options);
    cache.scan = cache.runScan().catch((err: unknown) => options.warn(`Could not scan the analysis cache: ${message(err)}`));
    return cache;
  }

  /** Resolves once the background scan has learned every entry's size and the per-file pointers. */
  whenScanned(): Promise<void> {
    return this.scan;
  }

  /**
   * Ends the background scan at its next slice (a CLI run that has answered need not wait for
   * it; eviction then happens in the next process that scans to the end).
   */
  stopBackgroundWork(): void {
    this.stopped = true;
  }

  /** Follows the size setting without a restart; evicts at the next store. */
  setMaxBytes(maxBytes: number): void {
    this.options.maxBytes = maxBytes;
  }

  /** Entries known to this process (all of them once scanned, plus its own puts). */
  get size(): number {
    return this.known.size;
  }

  get totalBytes(): number {
    return this.knownBytes;
  }

  has(key: string): boolean {
    return this.known.has(key);
  }

  /** The analysis for exactly this question, or undefined. Marks it recently used (best effort). */
  async get(key: string): Promise<CachedAnalysis | undefined> {
    if (!/^[a-f0-9]{16,128}$/.test(key)) return undefined;
    const name = cacheEntryFile(key);
    let read;
    try {
      read = await readBounded(this.store, name, MAX_CACHE_ENTRY_BYTES, this.now);
    } catch (err) {
      this.options.warn(`Could not read the analysis cache entry ${name}: ${message(err)}`);
      return undefined;
    }
    if (read === undefined) {
      this.forget(key);
      return undefined;
    }
    if ('tooLarge' in read) {
      this.forget(key);
      this.options.warn(tooLargeMessage('The analysis cache entry', name, read, MAX_CACHE_ENTRY_BYTES));
      return undefined;
    }
    const parsed = safeParseJson(read.text, cachedAnalysisSchema);
    if (!parsed || parsed.key !== key) {
      await this.scan;
      const filePath = [...this.files.values()].find((p) => p.key === key)?.filePath;
      this.options.warn(`Dropped a corrupted analysis cache entry${filePath ? ` for ${filePath}` : ` (${name})`}; it will be analysed again.`);
      this.forget(key);
      await this.store.remove(name).catch(() => undefined);
      return undefined;
    }
    const now = this.now();
    this.remember(key, { size: read.info.size, lastUsedAt: now, fileHash: parsed.fileHash });
    this.noteFile(parsed);
    // Recency only orders eviction: a cheap mtime update, at most once a minute, never an error.
    if (now - read.info.mtimeMs > TOUCH_INTERVAL_MS) this.track(this.store.touch(name).catch(() => undefined));
    return parsed;
  }

  /** Stores a finished analysis (callers never cache failed or cancelled jobs). One file; no index. */
  async put(analysis: CachedAnalysis): Promise<void> {
    const text = JSON.stringify(analysis);
    const size = Buffer.byteLength(text, 'utf8');
    if (size > this.options.maxBytes || size > MAX_CACHE_ENTRY_BYTES) {
      this.options.warn(`An analysis of ${analysis.filePath} is larger than the whole cache limit and was not cached.`);
      return;
    }
    const work = (async () => {
      await this.store.write(cacheEntryFile(analysis.key), text);
      this.remember(analysis.key, { size, lastUsedAt: this.now(), fileHash: analysis.fileHash });
      const pointer = { filePath: analysis.filePath, key: analysis.key, fileHash: analysis.fileHash, createdAt: analysis.createdAt };
      if (this.noteFile(pointer)) await this.store.write(pointerFile(analysis.filePath), JSON.stringify(pointer));
    })();
    this.track(work);
    try {
      await work;
    } catch (err) {
      this.reportWriteFailure(err);
      throw err;
    }
    if (this.knownBytes > this.options.maxBytes) this.track(this.evict());
  }

  /** Whether the file has an analysis, and whether the file changed since (by whole-file hash). */
  fileStatus(filePath: string, currentFileHash: string): FileCacheStatus {
    const latest = this.files.get(filePath);
    if (!latest) return { state: 'none' };
    return { state: latest.fileHash === currentFileHash ? 'fresh' : 'stale', latest: { key: latest.key, createdAt: latest.createdAt } };
  }

  /** True when the stored analysis was made on a different version of the file. */
  isStale(key: string, currentFileHash: string): boolean {
    const e = this.known.get(key);
    return e?.fileHash !== undefined && e.fileHash !== currentFileHash;
  }

  /** Removes every entry on disk (also those of other processes); returns how many. */
  async clear(): Promise<number> {
    await this.scan;
    const names = await this.store.list(CACHE_ENTRY_PREFIX);
    const entries = names.filter((n) => ENTRY_NAME.test(n));
    for (const n of entries) await this.store.remove(n);
    for (const n of await this.store.list(POINTER_PREFIX)) await this.store.remove(n);
    await this.store.remove(CACHE_INDEX_FILE);
    this.known.clear();
    this.knownBytes = 0;
    this.files.clear();
    return entries.length;
  }

  /** Resolves when every pending write (recency included) has reached the store. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private remember(key: string, entry: KnownEntry): void {
    this.knownBytes += entry.size - (this.known.get(key)?.size ?? 0);
    this.known.set(key, entry);
  }

  private forget(key: string): void {
    const e = this.known.get(key);
    if (!e) return;
    this.knownBytes -= e.size;
    this.known.delete(key);
  }

  /** Keeps the newest analysis per file; true when this one is it. */
  private noteFile(p: FilePointer): boolean {
    const current = this.files.get(p.filePath);
    if (current && (current.createdAt > p.createdAt || (current.createdAt === p.createdAt && current.key === p.key))) return false;
    this.files.set(p.filePath, { filePath: p.filePath, key: p.key, fileHash: p.fileHash, createdAt: p.createdAt });
    return true;
  }

  /** Learns sizes and recency of every entry file, and the per-file pointers, in slices. */
  private async runScan(): Promise<void> {
    await yieldToHost();
    const names = await this.store.list(CACHE_ENTRY_PREFIX);
    const keys: string[] = [];
    for (const n of names) {
      const m = ENTRY_NAME.exec(n);
      if (m) keys.push(m[1]!);
    }
    // Earlier versions kept a global index next to the same entry files: it is no longer needed.
    if (names.includes(CACHE_INDEX_FILE)) await this.store.remove(CACHE_INDEX_FILE).catch(() => undefined);
    for (let i = 0; i < keys.length; i += SCAN_SLICE) {
      if (this.stopped) return;
      const slice = keys.slice(i, i + SCAN_SLICE);
      const infos = await Promise.all(slice.map((k) => this.store.stat(cacheEntryFile(k)).catch(() => undefined)));
      slice.forEach((k, j) => {
        const info = infos[j];
        if (info && !this.known.has(k)) this.remember(k, { size: info.size, lastUsedAt: info.mtimeMs });
      });
      await yieldToHost();
    }
    const pointers = await this.store.list(POINTER_PREFIX);
    for (let i = 0; i < pointers.length; i += SCAN_SLICE) {
      if (this.stopped) return;
      const texts = await Promise.all(pointers.slice(i, i + SCAN_SLICE).map((n) => readBounded(this.store, n, 64 * 1024, this.now).catch(() => undefined)));
      const now = this.now();
      for (const [j, t] of texts.entries()) {
        const p = t && 'text' in t ? safeParseJson(t.text, pointerSchema) : undefined;
        if (p && this.known.has(p.key)) this.noteFile(p);
        // A pointer to an evicted entry is an orphan; a young one may belong to a put under way.
        else if (t && 'text' in t && now - t.info.mtimeMs > ORPHAN_GRACE_MS) await this.store.remove(pointers[i + j]!).catch(() => undefined);
      }
      await yieldToHost();
    }
    if (this.knownBytes > this.options.maxBytes) await this.evict();
  }

  /** Least recently used first, down to EVICT_TO of the limit; yields between removals. */
  private evict(): Promise<void> {
    this.evicting ??= (async () => {
      try {
        const target = this.options.maxBytes * EVICT_TO;
        if (this.knownBytes <= this.options.maxBytes) return;
        const byAge = [...this.known.entries()].sort((a, b) => a[1].lastUsedAt - b[1].lastUsedAt);
        for (const [key] of byAge) {
          if (this.knownBytes <= target) break;
          this.forget(key);
          for (const [path, p] of this.files) if (p.key === key) this.files.delete(path);
          await this.store.remove(cacheEntryFile(key)).catch(() => undefined);
        }
      } finally {
        this.evicting = undefined;
      }
    })();
    return this.evicting;
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch(() => undefined).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** A read-only or full disk is said once per session, not on every answer. */
  private reportWriteFailure(err: unknown): void {
    if (this.writeFailed) return;
    this.writeFailed = true;
    this.options.warn(`Could not write the analysis cache: ${message(err)} (cached answers still serve; new ones are not saved this session).`);
  }
}

function yieldToHost(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function safeParseJson<T>(raw: string, schema: z.ZodType<T>): T | undefined {
  try {
    const r = schema.safeParse(JSON.parse(raw));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
