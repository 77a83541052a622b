// Streamed events from a worker, written to job_events in small batches: reasoning and answer
// arrive as many tiny deltas, and one INSERT per delta would make the database the bottleneck.
// Adjacent text deltas of the same kind are merged; a batch goes out every flushMs.
import type { StreamEvent } from './attemptRunner';
import type { Db } from './db';
import { addEvents, type StoredEvent } from './queue';

export class EventBuffer {
  private pending: StoredEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly jobId: string,
    private readonly flushMs = 100,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  push(event: StreamEvent | StoredEvent): void {
    const stored: StoredEvent = 'data' in event ? event : { type: event.type, data: event };
    const last = this.pending[this.pending.length - 1];
    if (last && (stored.type === 'reasoning' || stored.type === 'answer') && last.type === stored.type) {
      const prev = last.data as { type: string; text: string };
      last.data = { ...prev, text: prev.text + (stored.data as { text: string }).text };
    } else {
      this.pending.push(stored);
    }
    this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Writes everything pushed so far; resolves once it is in the database. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.writing = this.writing.then(() => addEvents(this.db, this.jobId, batch)).catch(this.onError);
    return this.writing;
  }
}
