// Polls the provider for pending batches with backoff: soon after a submit, then less and less
// often (batches take minutes to hours), and not at all while nothing is pending. The clock
// and timers are injected so tests drive it without waiting.

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A CLI or extension host must be able to exit while a poll is merely scheduled.
    (t as { unref?: () => void }).unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface PollerOptions {
  timers?: Timers;
  /** First delay after a submit or a resume. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  factor?: number;
}

export class BatchPoller {
  private handle: unknown;
  private delayMs: number;
  private running = false;
  private readonly timers: Timers;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly factor: number;
  private stopped = false;
  /** A kick that came while a poll was under way (that poll may have missed the new batch). */
  private kickedWhileRunning = false;

  /** `poll` checks every pending batch and returns how many are still pending. */
  constructor(
    private readonly poll: () => Promise<number>,
    options: PollerOptions = {},
  ) {
    this.timers = options.timers ?? realTimers;
    this.initialDelayMs = options.initialDelayMs ?? 20_000;
    this.maxDelayMs = options.maxDelayMs ?? 10 * 60_000;
    this.factor = options.factor ?? 2;
    this.delayMs = this.initialDelayMs;
  }

  /** Whether a poll is scheduled (false while nothing is pending). */
  get scheduled(): boolean {
    return this.handle !== undefined;
  }

  /** The delay the next scheduled poll waits (for status lines and tests). */
  get currentDelayMs(): number {
    return this.delayMs;
  }

  /** Something was submitted, or pending work was found: poll soon, backoff restarts. */
  kick(): void {
    if (this.stopped) return;
    this.delayMs = this.initialDelayMs;
    if (this.running) this.kickedWhileRunning = true;
    else this.schedule();
  }

  /** Nothing is pending any more (found by a poll made outside the timer): stop polling. */
  idle(): void {
    this.clear();
    this.delayMs = this.initialDelayMs;
  }

  stop(): void {
    this.stopped = true;
    this.clear();
  }

  private schedule(): void {
    this.clear();
    this.handle = this.timers.setTimeout(() => {
      this.handle = undefined;
      void this.tick();
    }, this.delayMs);
  }

  private clear(): void {
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
  }

  private async tick(): Promise<void> {
    this.running = true;
    let pending: number;
    try {
      pending = await this.poll();
    } catch {
      // A failed poll (network, provider down) is retried later, at the backed-off delay.
      pending = 1;
    } finally {
      this.running = false;
    }
    if (this.stopped) return;
    if (this.kickedWhileRunning) {
      this.kickedWhileRunning = false;
      this.delayMs = this.initialDelayMs;
      this.schedule();
      return;
    }
    if (pending === 0) {
      this.delayMs = this.initialDelayMs;
      return;
    }
    this.delayMs = Math.min(this.maxDelayMs, Math.round(this.delayMs * this.factor));
    this.schedule();
  }
}
