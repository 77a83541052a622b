// The per-file analysis cache: finished analyses keyed on content (see cacheKey.ts), persisted
// through a TextStore as one small index plus one file per entry, bounded by size with LRU
// eviction. A corrupted index or entry is dropped with a warning, never a crash.
import * as z from 'zod';
import { usageSchema } from './job';
import { reviewResultSchema } from './result';
import { modelTierSchema, requestKindSchema } from './request';
import type { TextStore } from './storage';
import type { WarningSink } from './warnings';

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

const indexEntrySchema = z.object({
  key: z.string().regex(/^[a-f0-9]{16,128}$/),
  filePath: z.string(),
  fileHash: z.string(),
  createdAt: z.number(),
  lastUsedAt: z.number(),
  size: z.number().int().min(0),
});
type IndexEntry = z.infer<typeof indexEntrySchema>;
const indexSchema = z.object({ version: z.literal(1), entries: z.array(z.unknown()) });

export type FileCacheStatus =
  | { state: 'none' }
  | { state: 'fresh' | 'stale'; latest: { key: string; createdAt: number } };

export const CACHE_INDEX_FILE = 'analysis-cache-index.json';
const entryFile = (key: string) => `analysis-${key}.json`;

export interface AnalysisCacheOptions {
  maxBytes: number;
  warn: WarningSink;
  now?: () => number;
}

export class AnalysisCache {
  private readonly entries = new Map<string, IndexEntry>();
  private writes: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  private constructor(
    private readonly store: TextStore,
    private options: AnalysisCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  static async open(store: TextStore, options: AnalysisCacheOptions): Promise<AnalysisCache> {
    const cache = new AnalysisCache(store, options);
    await cache.loadIndex();
    return cache;
  }

  /** Follows the size setting without a restart; evicts at the next store. */
  setMaxBytes(maxBytes: number): void {
    this.options.maxBytes = maxBytes;
  }

  get size(): number {
    return this.entries.size;
  }

  get totalBytes(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.size;
    return n;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The analysis for exactly this question, or undefined. Marks it recently used. */
  async get(key: string): Promise<CachedAnalysis | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const raw = await this.store.read(entryFile(key));
    const parsed = raw === undefined ? undefined : safeParseJson(raw, cachedAnalysisSchema);
    if (!parsed || parsed.key !== key) {
      this.options.warn(`Dropped a corrupted analysis cache entry for ${entry.filePath}; it will be analysed again.`);
      this.entries.delete(key);
      await this.enqueue(async () => {
        await this.store.remove(entryFile(key));
        await this.saveIndex();
      });
      return undefined;
    }
    entry.lastUsedAt = this.now();
    this.indexDirtySince ??= this.now();
    // Recency only orders eviction: persist it lazily, not with an fsync on every hit.
    this.indexTimer ??= setTimeout(() => {
      this.indexTimer = undefined;
      if (this.indexDirtySince !== undefined) void this.enqueue(() => this.saveIndex());
    }, 5000);
    this.indexTimer.unref?.();
    return parsed;
  }

  /** Stores a finished analysis (callers never cache failed or cancelled jobs). */
  async put(analysis: CachedAnalysis): Promise<void> {
    const text = JSON.stringify(analysis);
    const size = Buffer.byteLength(text, 'utf8');
    if (size > this.options.maxBytes) {
      this.options.warn(`An analysis of ${analysis.filePath} is larger than the whole cache limit and was not cached.`);
      return;
    }
    await this.enqueue(async () => {
      await this.store.write(entryFile(analysis.key), text);
      this.entries.set(analysis.key, { key: analysis.key, filePath: analysis.filePath, fileHash: analysis.fileHash, createdAt: analysis.createdAt, lastUsedAt: this.now(), size });
      await this.evict();
      await this.saveIndex();
    });
  }

  /** Whether the file has an analysis, and whether the file changed since (by whole-file hash). */
  fileStatus(filePath: string, currentFileHash: string): FileCacheStatus {
    let latest: IndexEntry | undefined;
    for (const e of this.entries.values()) {
      if (e.filePath === filePath && (!latest || e.createdAt > latest.createdAt)) latest = e;
    }
    if (!latest) return { state: 'none' };
    return { state: latest.fileHash === currentFileHash ? 'fresh' : 'stale', latest: { key: latest.key, createdAt: latest.createdAt } };
  }

  /** True when the stored analysis was made on a different version of the file. */
  isStale(key: string, currentFileHash: string): boolean {
    const e = this.entries.get(key);
    return e !== undefined && e.fileHash !== currentFileHash;
  }

  async clear(): Promise<number> {
    const keys = [...this.entries.keys()];
    this.entries.clear();
    await this.enqueue(async () => {
      for (const key of keys) await this.store.remove(entryFile(key));
      await this.saveIndex();
    });
    return keys.length;
  }

  /** Resolves when every pending write (recency included) has reached the store. */
  flush(): Promise<void> {
    if (this.indexTimer) clearTimeout(this.indexTimer);
    this.indexTimer = undefined;
    return this.enqueue(async () => {
      if (this.indexDirtySince !== undefined) await this.saveIndex();
    });
  }

  private async evict(): Promise<void> {
    let total = this.totalBytes;
    if (total <= this.options.maxBytes) return;
    const byAge = [...this.entries.values()].sort((a, b) => a.lastUsedAt - b.lastUsedAt);
    for (const e of byAge) {
      if (total <= this.options.maxBytes) break;
      this.entries.delete(e.key);
      total -= e.size;
      await this.store.remove(entryFile(e.key));
    }
  }

  private async loadIndex(): Promise<void> {
    const raw = await this.store.read(CACHE_INDEX_FILE);
    if (raw === undefined) return;
    const index = safeParseJson(raw, indexSchema);
    if (!index) {
      this.options.warn('The analysis cache index was unreadable and has been reset; earlier analyses will be redone when asked.');
      await this.store.write(CACHE_INDEX_FILE, JSON.stringify({ version: 1, entries: [] }));
      return;
    }
    let dropped = 0;
    for (const item of index.entries) {
      const e = indexEntrySchema.safeParse(item);
      if (e.success) this.entries.set(e.data.key, e.data);
      else dropped++;
    }
    if (dropped > 0) this.options.warn(`Dropped ${dropped} unreadable analysis cache ${dropped === 1 ? 'entry' : 'entries'}.`);
  }

  private indexDirtySince: number | undefined;
  private indexTimer: ReturnType<typeof setTimeout> | undefined;

  private saveIndex(): Promise<void> {
    this.indexDirtySince = undefined;
    return this.store.write(CACHE_INDEX_FILE, JSON.stringify({ version: 1, entries: [...this.entries.values()] }));
  }

  /** Serializes store writes so the index never interleaves with itself. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.writes.then(task, task);
    this.writes = next.catch((err: unknown) => {
      this.options.warn(`Could not write the analysis cache: ${err instanceof Error ? err.message : String(err)}`);
    });
    return next;
  }
}

function safeParseJson<T>(raw: string, schema: z.ZodType<T>): T | undefined {
  try {
    const r = schema.safeParse(JSON.parse(raw));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
