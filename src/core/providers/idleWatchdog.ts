// Fires once when a stream has been silent for idleMs. Reasoning models may think for minutes
// before the first token, so the limit is generous and counts any sign of life (keep-alive
// pings included), not only visible text.
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
