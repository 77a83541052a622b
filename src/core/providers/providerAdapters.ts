// The adapters by provider id. Providers with their own request parameters have their own
// adapter; every other Chat Completions entry in the catalog gets the generic one, so a new
// OpenAI-compatible preset is one catalog entry. vscode-lm is not an HTTP provider.
import type { ProviderId } from '../modelClient';
import { anthropicAdapter } from './anthropicProvider';
import { PROVIDER_CATALOG, PROVIDER_IDS } from './catalog';
import { chatCompletionsAdapter } from './chatCompletionsProvider';
import { deepseekAdapter } from './deepseekProvider';
import { ollamaAdapter } from './ollamaProvider';
import { openaiAdapter } from './openaiProvider';
import { openrouterAdapter } from './openrouterProvider';
import type { ApiProviderId, ProviderAdapter } from './providerAdapter';

const OWN: Partial<Record<ApiProviderId, ProviderAdapter>> = {
  openai: openaiAdapter,
  anthropic: anthropicAdapter,
  deepseek: deepseekAdapter,
  openrouter: openrouterAdapter,
  ollama: ollamaAdapter,
};

function build(): Readonly<Record<ApiProviderId, ProviderAdapter>> {
  const out: Partial<Record<ApiProviderId, ProviderAdapter>> = {};
  for (const id of PROVIDER_IDS) {
    if (id === 'vscode-lm') continue;
    const own = OWN[id];
    if (own) out[id] = own;
    else if (PROVIDER_CATALOG[id].wireFormat === 'chat-completions') out[id] = chatCompletionsAdapter(id);
    else throw new Error(`No adapter for provider ${id} (${PROVIDER_CATALOG[id].wireFormat})`);
  }
  return out as Record<ApiProviderId, ProviderAdapter>;
}

export const PROVIDER_ADAPTERS = build();

export function adapterFor(provider: ProviderId): ProviderAdapter | undefined {
  return provider === 'vscode-lm' ? undefined : PROVIDER_ADAPTERS[provider];
}
