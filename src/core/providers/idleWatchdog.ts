// Fires once when a stream has been silent for idleMs. Reasoning models may think for minutes
// before the first token, so the limit is generous; it counts data events only: keep-alive
// pings and SSE comments are not progress (a stream of pings alone must still time out).
export class IdleWatchdog {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly idleMs: number,
    private readonly onIdle: () => void,
  ) {
    this.touch();
  }

  /** Something arrived: start the silence count again. */
  touch(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.stopped = true;
      this.onIdle();
    }, this.idleMs);
  }

  /** Not the provider's silence (the consumer is busy): stop counting until the next touch. */
  pause(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
