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
}
