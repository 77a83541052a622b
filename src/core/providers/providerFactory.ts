// Builds the ModelClient for one HTTP provider from what the user configured. The API key is
// handed to the provider's AI SDK package only (it goes out in its auth header and nowhere else);
// without one the package falls back to its environment variable (ANTHROPIC_API_KEY, …).
import type { ModelClient, ProviderId } from '../modelClient';
import { ModelError } from '../modelError';
import { resolveBaseUrl } from './baseUrl';
import { adapterFor } from './providerAdapters';
import { resolveRetryPolicy, type RetryPolicy } from './retryPolicy';
import { StreamingModelClient } from './streamingModelClient';

export interface ProviderClientConfig {
  provider: ProviderId;
  apiKey?: string;
  /** Base URL as the provider's SDK takes it; a ModelSpec's own baseUrl wins over it. */
  baseUrl?: string;
  /** Replaces global fetch (proxies, tests). */
  fetch?: typeof fetch;
  /** Overrides of the default retry policy (3 retries, 0.5 s doubling backoff). */
  retry?: Partial<RetryPolicy>;
  /** A response stream silent for this long is aborted with a 'timeout' error. */
  idleTimeoutMs?: number;
}

/** Matches the deepReview.network.idleTimeoutSeconds default. */
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

export function createModelClient(config: ProviderClientConfig): ModelClient {
  const adapter = adapterFor(config.provider);
  if (!adapter) {
    throw new ModelError('config', 'The VS Code Language Model provider has no HTTP client; use the vscode-lm client for it.', { provider: config.provider, retryable: false });
  }
  // Catch a malformed configured URL now rather than on the first request.
  if (config.baseUrl?.trim()) resolveBaseUrl(adapter, config.baseUrl);
  const idleTimeoutMs = config.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  if (!(idleTimeoutMs > 0)) throw new ModelError('config', `The idle timeout must be above 0 ms (it is ${idleTimeoutMs}).`, { provider: adapter.id, retryable: false });
  const options = { adapter, baseUrl: config.baseUrl, fetch: config.fetch ?? globalThis.fetch, retry: resolveRetryPolicy(config.retry), idleTimeoutMs };
  // A pasted key often carries a newline; an empty one means "use the environment variable".
  const apiKey = config.apiKey?.trim();
  return new StreamingModelClient(apiKey ? { ...options, apiKey } : options);
}
