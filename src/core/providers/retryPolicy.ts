// When and how long to wait before sending a failed request again. Providers ask for a delay
// with `retry-after-ms` / `retry-after`; without one we back off exponentially with jitter so
// parallel jobs do not retry in lockstep.

export interface RetryPolicy {
  /** Retries after the first attempt (so at most maxRetries + 1 requests). */
  maxRetries: number;
  /** Delay before the first retry when the provider names none; doubles on each retry. */
  baseDelayMs: number;
  /** Cap on the computed backoff (not on a provider's own retry-after). */
  maxDelayMs: number;
  /** A provider asking for a longer wait than this is not retried: the user gets the error at once. */
  maxRetryAfterMs: number;
  /** Waits; rejects when the signal aborts. Injected by tests to record delays without waiting. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Jitter source in [0, 1). */
  random: () => number;
  /** Clock for HTTP-date `retry-after` values. */
  now: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  sleep: abortableSleep,
  random: Math.random,
  now: Date.now,
};

export function resolveRetryPolicy(overrides: Partial<RetryPolicy> | undefined): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, ...overrides };
}

/** HTTP statuses worth another attempt: timeouts, conflicts, rate limits, server faults, overload. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * The wait the provider asked for, in ms: `retry-after-ms` first (OpenAI, Anthropic), then
 * `retry-after` as seconds or an HTTP date. Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Record<string, string> | undefined, now: () => number = Date.now): number | undefined {
  if (!headers) return undefined;
  const header = (name: string): string | undefined => {
    for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value.trim();
    return undefined;
  };
  const ms = header('retry-after-ms');
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms)) return Math.ceil(Number(ms));
  const after = header('retry-after');
  if (after === undefined || after === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Math.ceil(Number(after) * 1000);
  const date = Date.parse(after);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now());
}

/**
 * Delay before retry number `retry` (1-based). A provider's own retry-after wins as asked;
 * otherwise exponential backoff from baseDelayMs, capped, minus up to 25 % jitter.
 */
export function retryDelayMs(retry: number, policy: RetryPolicy, providerRetryAfterMs: number | undefined): number {
  if (providerRetryAfterMs !== undefined) return providerRetryAfterMs;
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(backoff * (1 - 0.25 * policy.random()));
}

/** setTimeout as a promise that rejects with the signal's reason when aborted. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
