// The base URL a call goes to: the spec's, else the client's, else the provider's default
// (from the catalog), e.g. https://api.anthropic.com/v1, https://api.openai.com/v1,
// http://127.0.0.1:11434/api, minus any trailing slash.
import { ModelError } from '../modelError';
import { providerName } from './errorContext';
import type { ProviderAdapter } from './providerAdapter';
import { maskUrlCredentials } from './urlCredentials';

export function resolveBaseUrl(adapter: Pick<ProviderAdapter, 'id' | 'facts'>, ...candidates: (string | undefined)[]): string | undefined {
  const label = providerName({ adapter });
  const { defaultBaseUrl, baseUrlExample } = adapter.facts;
  const given = candidates.map((c) => c?.trim()).find((c) => c !== undefined && c !== '');
  if (given === undefined) {
    if (defaultBaseUrl === undefined) {
      throw new ModelError('config', `${label} needs a base URL, e.g. http://localhost:1234/v1 for LM Studio or http://localhost:8000/v1 for vLLM. Set it in the Deep Review settings (deepReview.baseUrl).`, { provider: adapter.id, retryable: false });
    }
    return defaultBaseUrl;
  }
  const shown = maskUrlCredentials(given);
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new ModelError('config', `The ${label} base URL “${shown}” is not a URL. Use the full address, e.g. ${defaultBaseUrl ?? baseUrlExample ?? 'http://localhost:1234/v1'}.`, { provider: adapter.id, retryable: false });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ModelError('config', `The ${label} base URL must start with http:// or https:// (it is “${shown}”).`, { provider: adapter.id, retryable: false });
  }
  return given.replace(/\/+$/, '');
}
