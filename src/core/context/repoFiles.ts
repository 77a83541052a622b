// How context code reaches a repository's files: a tiny read-only interface, implemented over
// the file system (src/node/repoFiles.ts), over git blobs, or in memory in tests.

export interface RepoFiles {
  /** Repository-relative paths of the files to search (tracked files), in a stable order. */
  list(): Promise<string[]>;
  /** The file's text, at most `maxBytes` of it; undefined when it does not exist or is unreadable. */
  read(path: string, maxBytes: number): Promise<string | undefined>;
}

/** In-memory RepoFiles, for tests and for callers that already hold the texts. */
export class MemoryRepoFiles implements RepoFiles {
  constructor(private readonly files: ReadonlyMap<string, string>) {}

  async list(): Promise<string[]> {
    return [...this.files.keys()].sort();
  }

  async read(path: string, maxBytes: number): Promise<string | undefined> {
    const text = this.files.get(path);
    return text === undefined ? undefined : cutToBytes(text, maxBytes);
  }
}

/** The longest prefix of `text` within `maxBytes` of UTF-8, not splitting a character. */
export function cutToBytes(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/**
 * Remembers what `repo` read, up to `maxBytes` in all, so a change set's files do not read the
 * same repository files once each for their definition searches.
 */
export function cachingRepoFiles(repo: RepoFiles, maxBytes = 32 * 1024 * 1024): RepoFiles {
  const texts = new Map<string, { text: string | undefined; cap: number }>();
  let held = 0;
  return {
    list: () => repo.list(),
    read: async (path, cap) => {
      const hit = texts.get(path);
      // A text read under a larger cap serves a smaller one; one read short of it does not.
      if (hit && (hit.cap >= cap || (hit.text !== undefined && Buffer.byteLength(hit.text) < hit.cap))) return hit.text === undefined ? undefined : cutToBytes(hit.text, cap);
      const text = await repo.read(path, cap);
      const size = text?.length ?? 0;
      if (held + size <= maxBytes) {
        held += size - (hit?.text?.length ?? 0);
        texts.set(path, { text, cap });
      }
      return text;
    },
  };
}
