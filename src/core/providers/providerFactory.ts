// Builds the ModelClient for one HTTP provider from what the user configured. The API key goes
// out in the provider's auth header and nowhere else; without one the client falls back to the
// provider's environment variable from the catalog (ANTHROPIC_API_KEY, …).
import type { ModelClient, ProviderId } from '../modelClient';
import { ModelError } from '../modelError';
import { resolveBaseUrl } from './baseUrl';
import { adapterFor } from './providerAdapters';
import { resolveRetryPolicy, type RetryPolicy } from './retryPolicy';
import { StreamingModelClient } from './streamingModelClient';

export interface ProviderClientConfig {
  provider: ProviderId;
  apiKey?: string;
  /** Base URL of the API; a ModelSpec's own baseUrl wins over it. */
  baseUrl?: string;
  /** Replaces global fetch (proxies, tests). */
  fetch?: typeof fetch;
  /** Overrides of the default retry policy (3 retries, 0.5 s doubling backoff). */
  retry?: Partial<RetryPolicy>;
  /** A response stream without data events for this long is aborted with a 'timeout' error. */
  idleTimeoutMs?: number;
  /** The whole call, retries included, is stopped with a 'timeout' error after this long. */
  requestTimeoutMs?: number;
  /** A response larger than this (after decompression) is not read further. */
  maxResponseBytes?: number;
}

/** Matches the deepReview.network.idleTimeoutSeconds default. */
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;
/** Matches the deepReview.requestTimeoutSeconds default: generous, reasoning can take long. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15 * 60_000;
/** Far above any real answer (a 100k-token reasoning stream is ~30 MB of SSE at most). */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

function positive(ms: number, what: string, provider: string): number {
  if (!(ms > 0)) throw new ModelError('config', `The ${what} must be above 0 ms (it is ${ms}).`, { provider, retryable: false });
  return ms;
}

export function createModelClient(config: ProviderClientConfig): ModelClient {
  const adapter = adapterFor(config.provider);
  if (!adapter) {
    throw new ModelError('config', 'The VS Code Language Model provider has no HTTP client; use the vscode-lm client for it.', { provider: config.provider, retryable: false });
  }
  // Catch a malformed configured URL now rather than on the first request.
  if (config.baseUrl?.trim()) resolveBaseUrl(adapter, config.baseUrl);
  const options = {
    adapter,
    baseUrl: config.baseUrl,
    fetch: config.fetch ?? globalThis.fetch,
    retry: resolveRetryPolicy(config.retry),
    idleTimeoutMs: positive(config.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, 'idle timeout', adapter.id),
    requestTimeoutMs: positive(config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, 'request timeout', adapter.id),
    maxResponseBytes: positive(config.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, 'response size limit', adapter.id),
  };
  // A pasted key often carries a newline; an empty one means "use the environment variable".
  const apiKey = config.apiKey?.trim();
  return new StreamingModelClient(apiKey ? { ...options, apiKey } : options);
}
