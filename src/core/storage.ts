// How the core reaches the disk: a tiny named-text store. The Node implementation lives in
// src/node/fileTextStore.ts; tests use MemoryTextStore. Names are flat file names.

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

/** In-memory TextStore for tests and for runs that must not touch the disk. */
export class MemoryTextStore implements TextStore {
  readonly files = new Map<string, string>();

  async read(name: string): Promise<string | undefined> {
    return this.files.get(name);
  }

  async write(name: string, text: string): Promise<void> {
    this.files.set(name, text);
  }

  async append(name: string, text: string): Promise<void> {
    this.files.set(name, (this.files.get(name) ?? '') + text);
  }

  async remove(name: string): Promise<void> {
    this.files.delete(name);
  }

  async size(name: string): Promise<number | undefined> {
    const text = this.files.get(name);
    return text === undefined ? undefined : Buffer.byteLength(text, 'utf8');
  }

  async readBytes(name: string, offset: number, maxBytes: number): Promise<Uint8Array> {
    return Buffer.from(this.files.get(name) ?? '', 'utf8').subarray(offset, offset + maxBytes);
  }

  async rename(from: string, to: string): Promise<void> {
    const text = this.files.get(from);
    if (text === undefined) throw Object.assign(new Error(`no file ${from}`), { code: 'ENOENT' });
    this.files.set(to, text);
    this.files.delete(from);
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
