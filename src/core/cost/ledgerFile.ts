// Byte-level access to the ledger file: size, ranges, and complete lines from an offset, read in
// bounded chunks so a large ledger is never one giant string. Uses the store's optional byte
// methods (FileTextStore, MemoryTextStore); a store without them is read whole.
import type { TextStore } from '../storage';

// Small enough that parsing one chunk blocks the event loop for a few ms at most.
const CHUNK_BYTES = 256 * 1024;
/** A "line" longer than this is damage, not a record: it is skipped without being held. */
const MAX_LINE_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;

export interface LedgerFileAccess {
  size(): Promise<number | undefined>;
  bytes(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Calls onLine for every complete line between `from` and `to` (bytes), in order; returns
   * `end`, the offset just past the last newline read (a trailing partial line is left unread).
   * An over-long line is reported as one unreadable line (an empty-object placeholder).
   */
  readLines(from: number, to: number, onLine: (line: string) => void): Promise<{ end: number }>;
  rename(to: string): Promise<void>;
  /** The first bytes and the bytes just before `offset` (the last line read: unique), base64. */
  marks(offset: number): Promise<{ head: string; end: string }>;
}

const MARK_BYTES = 256;

export function ledgerFileAccess(store: TextStore, name: string): LedgerFileAccess {
  const whole = async (): Promise<Buffer> => Buffer.from((await store.read(name)) ?? '', 'utf8');
  const size = async (): Promise<number | undefined> => {
    if (store.size) return store.size(name);
    const text = await store.read(name);
    return text === undefined ? undefined : Buffer.byteLength(text, 'utf8');
  };
  const bytes = async (offset: number, length: number): Promise<Uint8Array> => {
    if (length <= 0) return new Uint8Array(0);
    if (store.readBytes) return store.readBytes(name, offset, length);
    return (await whole()).subarray(offset, offset + length);
  };
  return {
    size,
    bytes,
    async readLines(from, to, onLine) {
      let pos = from;
      let end = from;
      let carry: Buffer = Buffer.alloc(0);
      let skipping = false;
      while (pos < to) {
        const chunk = Buffer.from(await bytes(pos, Math.min(CHUNK_BYTES, to - pos)));
        if (chunk.length === 0) break;
        const chunkStart = pos;
        pos += chunk.length;
        let start = 0;
        if (skipping) {
          const nl = chunk.indexOf(NEWLINE);
          if (nl < 0) continue;
          onLine('\u0000');
          start = nl + 1;
          end = chunkStart + start;
          skipping = false;
        }
        const last = chunk.lastIndexOf(NEWLINE);
        if (last < start) {
          carry = Buffer.concat([carry, chunk.subarray(start)]);
        } else {
          const text = Buffer.concat([carry, chunk.subarray(start, last)]).toString('utf8');
          carry = Buffer.from(chunk.subarray(last + 1));
          for (const line of text.split('\n')) onLine(line);
          end = chunkStart + last + 1;
        }
        if (carry.length > MAX_LINE_BYTES) {
          carry = Buffer.alloc(0);
          skipping = true;
        }
      }
      return { end };
    },
    async marks(offset) {
      const head = Buffer.from(await bytes(0, Math.min(MARK_BYTES, offset))).toString('base64');
      const end = Buffer.from(await bytes(Math.max(0, offset - MARK_BYTES), Math.min(MARK_BYTES, offset))).toString('base64');
      return { head, end };
    },
    async rename(to) {
      if (!store.rename) throw new Error('this store cannot rename files');
      await store.rename(name, to);
    },
  };
}
