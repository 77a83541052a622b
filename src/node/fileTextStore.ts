// TextStore on the local disk, shared by the extension (globalStorageUri) and the CLI
// ($DEEP_REVIEW_HOME or XDG dirs). Whole-file writes go to a temporary file that is synced and
// renamed over the old one, so a crash leaves either the old or the new content.
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import { join } from 'node:path';
import * as lockfile from 'proper-lockfile';
import type { TextStore } from '../core/storage';

export class FileTextStore implements TextStore {
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

  async rename(from: string, to: string): Promise<void> {
    await fs.rename(this.path(from), this.path(to));
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

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}
