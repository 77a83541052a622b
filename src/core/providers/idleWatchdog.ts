// Fires once when a stream has been silent for idleMs. Reasoning models may think for minutes
// before the first token, so the limit is generous; it counts data events only: keep-alive
// pings and SSE comments are not progress (a stream of pings alone must still time out).
// A touch only records the time: one timer per idle period, not one per event, so a fast
// stream costs no timer churn.
export class IdleWatchdog {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = Date.now();
  private paused = false;
  private stopped = false;

  constructor(
    private readonly idleMs: number,
    private readonly onIdle: () => void,
  ) {
    this.arm(idleMs);
  }

  /** Something arrived: start the silence count again. */
  touch(): void {
    this.last = Date.now();
    this.paused = false;
  }

  /** Not the provider's silence (the consumer is busy): stop counting until the next touch. */
  pause(): void {
    this.paused = true;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private arm(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.check(), ms);
  }

  private check(): void {
    if (this.stopped) return;
    if (this.paused) return this.arm(this.idleMs);
    const silent = Date.now() - this.last;
    if (silent < this.idleMs) return this.arm(this.idleMs - silent);
    this.stopped = true;
    this.onIdle();
  }
}
