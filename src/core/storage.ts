// How the core reaches the disk: a tiny named-text store. The Node implementation lives in
// src/node/fileTextStore.ts; tests use MemoryTextStore. Names are flat file names; families of
// files share a prefix (`analysis-…`, `job-…`, `blob-…`) so `list(prefix)` finds them.

export interface StoredFileInfo {
  size: number;
  /** Last modification, ms since the epoch; the analysis cache uses it as "last used". */
  mtimeMs: number;
}

export interface TextStore {
  /** The stored text, or undefined when there is none. */
  read(name: string): Promise<string | undefined>;
  /** Replaces the whole content atomically: a crash leaves the old or the new text, never a mix. */
  write(name: string, text: string): Promise<void>;
  /** Appends to the end (for append-only logs); creates the file when missing. */
  append(name: string, text: string): Promise<void>;
  remove(name: string): Promise<void>;
  /**
   * Runs `fn` while holding the lock called `name`, exclusive across every process that shares
   * the store (several VS Code windows, CLI runs). For the few read-modify-write sections only:
   * keep `fn` short. A lock whose holder died is taken over after a few seconds.
   */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Optional, for logs read incrementally (the cost ledger): size in bytes, undefined when missing. */
  size?(name: string): Promise<number | undefined>;
  /** Optional: up to `maxBytes` bytes from byte `offset` (fewer at the end of the file). */
  readBytes?(name: string, offset: number, maxBytes: number): Promise<Uint8Array>;
  /** Optional: renames a file (to move a damaged or oversized one aside). */
  rename?(from: string, to: string): Promise<void>;
}

/**
 * A TextStore that can also list, stat, rename and touch its files: what the analysis cache,
 * the job history and damage containment need. FileTextStore and MemoryTextStore are both.
 */
export interface ListableTextStore extends TextStore {
  /** Names of the stored files that start with `prefix`, in no particular order. */
  list(prefix: string): Promise<string[]>;
  /** Size and modification time without reading the content; undefined when missing. */
  stat(name: string): Promise<StoredFileInfo | undefined>;
  /** Renames atomically, replacing `to` (moving a damaged file aside). */
  rename(from: string, to: string): Promise<void>;
  /** Marks the file as used now (its mtime); a missing file is not created. Best effort. */
  touch(name: string): Promise<void>;
  /** Creates a small file only if there is none (atomic across processes); false when it exists. */
  create(name: string, text: string): Promise<boolean>;
}

/** A file larger than this is never read whole by the stores (see readBounded). */
export const DEFAULT_MAX_READ_BYTES = 64 * 1024 * 1024;

export type BoundedRead = { text: string; info: StoredFileInfo } | { tooLarge: StoredFileInfo; movedTo: string | undefined } | undefined;

/**
 * Reads a file only when it is under `maxBytes` (checked with stat, before reading). A larger
 * file is moved aside as `aside-<time>-<name>` so it stops failing every run; the caller warns
 * with the names. Undefined when the file does not exist.
 */
export async function readBounded(store: ListableTextStore, name: string, maxBytes: number, now: () => number = Date.now): Promise<BoundedRead> {
  const info = await store.stat(name);
  if (!info) return undefined;
  if (info.size > maxBytes) return { tooLarge: info, movedTo: await moveAside(store, name, now) };
  const text = await store.read(name);
  return text === undefined ? undefined : { text, info };
}

/** Moves a damaged or oversized file out of the way, keeping it for the user; undefined if that failed. */
export async function moveAside(store: ListableTextStore, name: string, now: () => number = Date.now): Promise<string | undefined> {
  const aside = `aside-${now()}-${name}`;
  try {
    await store.rename(name, aside);
    return aside;
  } catch {
    return undefined;
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  if (n < 1024 ** 3) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(1)} GB`;
}

/** "file.json is 1.2 GB (over the 64 MB limit); it was moved aside as aside-…". */
export function tooLargeMessage(what: string, name: string, read: { tooLarge: StoredFileInfo; movedTo: string | undefined }, maxBytes: number): string {
  const where = read.movedTo ? `it was moved aside as ${read.movedTo}` : 'it could not be moved aside and is skipped';
  return `${what} ${name} is ${formatBytes(read.tooLarge.size)}, over the ${formatBytes(maxBytes)} limit; ${where}, and the rest keeps working.`;
}

/** In-memory TextStore for tests and for runs that must not touch the disk. */
export class MemoryTextStore implements ListableTextStore {
  readonly files = new Map<string, string>();
  private readonly mtimes = new Map<string, number>();

  constructor(private readonly clock: () => number = Date.now) {}

  async read(name: string): Promise<string | undefined> {
    return this.files.get(name);
  }

  async write(name: string, text: string): Promise<void> {
    this.files.set(name, text);
    this.mtimes.set(name, this.clock());
  }

  async append(name: string, text: string): Promise<void> {
    this.files.set(name, (this.files.get(name) ?? '') + text);
    this.mtimes.set(name, this.clock());
  }

  async remove(name: string): Promise<void> {
    this.files.delete(name);
    this.mtimes.delete(name);
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.files.keys()].filter((n) => n.startsWith(prefix));
  }

  async stat(name: string): Promise<StoredFileInfo | undefined> {
    const text = this.files.get(name);
    if (text === undefined) return undefined;
    return { size: Buffer.byteLength(text, 'utf8'), mtimeMs: this.mtimes.get(name) ?? 0 };
  }

  async rename(from: string, to: string): Promise<void> {
    const text = this.files.get(from);
    if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file ${from}`), { code: 'ENOENT' });
    this.files.delete(from);
    this.files.set(to, text);
    this.mtimes.set(to, this.mtimes.get(from) ?? this.clock());
    this.mtimes.delete(from);
  }

  async touch(name: string): Promise<void> {
    if (this.files.has(name)) this.mtimes.set(name, this.clock());
  }

  async create(name: string, text: string): Promise<boolean> {
    if (this.files.has(name)) return false;
    await this.write(name, text);
    return true;
  }

  async size(name: string): Promise<number | undefined> {
    const text = this.files.get(name);
    return text === undefined ? undefined : Buffer.byteLength(text, 'utf8');
  }

  async readBytes(name: string, offset: number, maxBytes: number): Promise<Uint8Array> {
    return Buffer.from(this.files.get(name) ?? '', 'utf8').subarray(offset, offset + maxBytes);
  }

  private readonly locks = new Map<string, Promise<unknown>>();

  /** In-process mutual exclusion: callers of one name run one after another. */
  async withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(name) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(fn);
    const tail = run.catch(() => undefined);
    this.locks.set(name, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(name) === tail) this.locks.delete(name);
    }
  }
}
