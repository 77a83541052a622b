// Per-member rate limit: a token bucket of `perMinute` requests, refilled continuously.
// In memory on purpose: it protects one server process; the budgets are what hold team-wide.
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token; false when the member is over the limit. */
  take(key: string): boolean {
    if (!(this.perMinute > 0)) return true;
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.perMinute, at: t };
    b.tokens = Math.min(this.perMinute, b.tokens + ((t - b.at) * this.perMinute) / 60_000);
    b.at = t;
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    this.buckets.set(key, b);
    // Bounded: full buckets carry no information and are dropped.
    if (this.buckets.size > 10_000) for (const [k, v] of this.buckets) if (v.tokens >= this.perMinute - 1) this.buckets.delete(k);
    return ok;
  }
}
