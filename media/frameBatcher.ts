// Coalesces many small streaming deltas into one DOM write per animation frame, so a long
// reasoning trace costs the same per update at 10 KB as at 1 MB.

export class FrameBatcher {
  private pending = '';
  private scheduled = false;

  constructor(
    private readonly flush: (text: string) => void,
    private readonly schedule: (cb: () => void) => void = (cb) => requestAnimationFrame(cb),
  ) {}

  push(text: string): void {
    if (!text) return;
    this.pending += text;
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.drain());
  }

  drain(): void {
    this.scheduled = false;
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    this.flush(text);
  }
}
