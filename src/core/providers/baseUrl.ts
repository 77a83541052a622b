// The base URL a call goes to: the spec's, else the client's, else the provider's default.
// Taken exactly as the provider's AI SDK package takes it (e.g. https://api.anthropic.com/v1,
// https://api.openai.com/v1, http://localhost:11434/api), minus any trailing slash.
import { ModelError } from '../modelError';
import type { ProviderAdapter } from './providerAdapter';

export function resolveBaseUrl(adapter: ProviderAdapter, ...candidates: (string | undefined)[]): string | undefined {
  const given = candidates.map((c) => c?.trim()).find((c) => c !== undefined && c !== '');
  if (given === undefined) {
    if (adapter.defaultBaseUrl === undefined) {
      throw new ModelError('config', `${adapter.label} needs a base URL, e.g. http://localhost:1234/v1 for LM Studio or http://localhost:8000/v1 for vLLM. Set it in the Deep Review settings (deepReview.baseUrl).`, { provider: adapter.id, retryable: false });
    }
    return adapter.defaultBaseUrl;
  }
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new ModelError('config', `The ${adapter.label} base URL “${given}” is not a URL. Use the full address, e.g. ${adapter.defaultBaseUrl ?? 'http://localhost:1234/v1'}.`, { provider: adapter.id, retryable: false });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ModelError('config', `The ${adapter.label} base URL must start with http:// or https:// (it is “${given}”).`, { provider: adapter.id, retryable: false });
  }
  return given.replace(/\/+$/, '');
}
