// TextStore on the local disk, shared by the extension (globalStorageUri) and the CLI
// ($DEEP_REVIEW_HOME or XDG dirs). Whole-file writes go to a temporary file that is synced and
// renamed over the old one, so a crash leaves either the old or the new content.
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, promises as fs, type Dirent } from 'node:fs';
import { join } from 'node:path';
import * as lockfile from 'proper-lockfile';
import type { ListableTextStore, StoredFileInfo } from '../core/storage';

/** A temp file whose writer is gone is removed after this long even if its pid was reused. */
const TEMP_MAX_AGE_MS = 60 * 60 * 1000;
/** A lock directory untouched this long belongs to a dead process (proper-lockfile refreshes every 2 s, stale at 10 s). */
const LOCK_MAX_AGE_MS = 15 * 1000;

export class FileTextStore implements ListableTextStore {
  private ready: Promise<void> | undefined;

  constructor(readonly dir: string) {}

  async read(name: string): Promise<string | undefined> {
    try {
      return await fs.readFile(this.path(name), 'utf8');
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async write(name: string, text: string): Promise<void> {
    await this.ensureDir();
    void this.sweepOnce();
    const target = this.path(name);
    const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      const handle = await fs.open(tmp, 'w', 0o600);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, target);
    } catch (err) {
      // Disk full, I/O error or a failed rename: the old content stays, no temp file is left.
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
  }

  async append(name: string, text: string): Promise<void> {
    await this.ensureDir();
    const handle = await fs.open(this.path(name), 'a', 0o600);
    try {
      await handle.appendFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async remove(name: string): Promise<void> {
    await fs.rm(this.path(name), { force: true });
  }

  async size(name: string): Promise<number | undefined> {
    try {
      return (await fs.stat(this.path(name))).size;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async readBytes(name: string, offset: number, maxBytes: number): Promise<Uint8Array> {
    let handle;
    try {
      handle = await fs.open(this.path(name), 'r');
    } catch (err) {
      if (isNotFound(err)) return new Uint8Array(0);
      throw err;
    }
    try {
      const buffer = Buffer.alloc(maxBytes);
      let filled = 0;
      while (filled < maxBytes) {
        const { bytesRead } = await handle.read(buffer, filled, maxBytes - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    } finally {
      await handle.close();
    }
  }

  /**
   * Stored files only: not temp files of writes in progress, not lock directories or claims.
   * Plain names (no Dirent per entry): a folder with 10k cache entries lists in a few ms.
   */
  async list(prefix: string): Promise<string[]> {
    void this.sweepOnce();
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
    return names.filter((n) => n.startsWith(prefix) && !n.endsWith('.tmp') && !n.endsWith('.lock') && !n.includes('.lockable.claim-'));
  }

  async stat(name: string): Promise<StoredFileInfo | undefined> {
    try {
      const st = await fs.stat(this.path(name));
      return st.isFile() ? { size: st.size, mtimeMs: st.mtimeMs } : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async rename(from: string, to: string): Promise<void> {
    await fs.rename(this.path(from), this.path(to));
  }

  async touch(name: string): Promise<void> {
    const now = new Date();
    await fs.utimes(this.path(name), now, now).catch(() => undefined);
  }

  async create(name: string, text: string): Promise<boolean> {
    await this.ensureDir();
    try {
      await fs.writeFile(this.path(name), text, { flag: 'wx', mode: 0o600 });
      return true;
    } catch (err) {
      if ((err as { code?: unknown }).code === 'EEXIST') return false;
      throw err;
    }
  }

  private swept: Promise<number> | undefined;

  /** The clean-up of what killed processes left, run once per store (first list or write). */
  sweep(): Promise<number> {
    return this.sweepOnce();
  }

  private sweepOnce(): Promise<number> {
    this.swept ??= this.sweepTempFiles().catch(() => 0);
    return this.swept;
  }

  /**
   * Removes what a killed process left behind: temp files of writes it never finished (their
   * name carries the writer's pid) and lock directories nobody refreshes. Returns how many.
   */
  async sweepTempFiles(): Promise<number> {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(this.dir, { withFileTypes: true });
    } catch {
      return 0;
    }
    let removed = 0;
    const now = Date.now();
    // A well-used folder holds thousands of entries; only the few leftovers are looked at.
    const leftovers = entries.filter((e) => e.name.endsWith('.tmp') || e.name.endsWith('.lockable.lock') || e.name.includes('.lockable.claim-'));
    for (const e of leftovers) {
      const full = join(this.dir, e.name);
      try {
        if (e.isFile() && e.name.endsWith('.tmp')) {
          const pid = Number(/\.(\d+)\.[0-9a-f]+\.tmp$/.exec(e.name)?.[1]);
          const age = now - (await fs.stat(full)).mtimeMs;
          if (!isAlive(pid) || age > TEMP_MAX_AGE_MS) {
            await fs.rm(full, { force: true });
            removed++;
          }
        } else if (e.isDirectory() && e.name.endsWith('.lockable.lock')) {
          const base = e.name.slice(0, -'.lock'.length);
          const claims = entries.filter((c) => c.name.startsWith(`${base}.claim-`)).map((c) => c.name);
          const dead = claims.length > 0 && claims.every((c) => !isAlive(Number(/\.claim-(\d+)-/.exec(c)?.[1])));
          if (dead || (claims.length === 0 && now - (await fs.stat(full)).mtimeMs > LOCK_MAX_AGE_MS)) {
            await fs.rm(full, { recursive: true, force: true });
            for (const c of claims) await fs.rm(join(this.dir, c), { force: true });
            removed++;
          }
        } else if (e.isFile() && /\.lockable\.claim-\d+-/.test(e.name)) {
          const pid = Number(/\.claim-(\d+)-/.exec(e.name)?.[1]);
          const lockDir = `${e.name.slice(0, e.name.indexOf('.claim-'))}.lock`;
          if (!isAlive(pid) && !entries.some((d) => d.name === lockDir)) {
            await fs.rm(full, { force: true });
            removed++;
          }
        }
      } catch {
        // Read-only folder, or another process removed it first: nothing to do.
      }
    }
    return removed;
  }

  /**
   * Cross-process lock through proper-lockfile (an atomic mkdir of `<name>.lock`, refreshed
   * while held, taken over when stale). No native code, so it works in every VS Code build.
   */
  async withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    await this.ensureDir();
    // proper-lockfile retries every error for seconds; a folder we cannot write to never locks.
    await fs.access(this.dir, fsConstants.W_OK);
    const target = this.path(`${name}.lockable`);
    // A claim names this process before it takes the lock and goes only after it released it, so
    // a lock whose claimants are all dead was held by a killed process (see sweepTempFiles).
    const claim = `${target}.claim-${process.pid}-${randomBytes(4).toString('hex')}`;
    await fs.writeFile(claim, '', { mode: 0o600 }).catch(() => undefined);
    try {
      const release = await lockfile.lock(target, {
        realpath: false,
        stale: 10_000,
        update: 2_000,
        retries: { retries: 200, factor: 1.2, minTimeout: 5, maxTimeout: 100, randomize: true },
      });
      try {
        return await fn();
      } finally {
        await release().catch(() => undefined);
      }
    } finally {
      await fs.rm(claim, { force: true }).catch(() => undefined);
    }
  }

  private path(name: string): string {
    if (!/^[\w.-]+$/.test(name) || /^\.+$/.test(name)) throw new Error(`invalid storage name: ${name}`);
    return join(this.dir, name);
  }

  private ensureDir(): Promise<void> {
    this.ready ??= fs.mkdir(this.dir, { recursive: true, mode: 0o700 }).then(() => undefined);
    return this.ready;
  }
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: unknown }).code === 'EPERM';
  }
}

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}
