// The adapters by provider id. vscode-lm is not an HTTP provider and is implemented elsewhere.
import type { ProviderId } from '../modelClient';
import { anthropicAdapter } from './anthropicProvider';
import { deepseekAdapter } from './deepseekProvider';
import { ollamaAdapter } from './ollamaProvider';
import { openaiCompatibleAdapter } from './openaiCompatibleProvider';
import { openaiAdapter } from './openaiProvider';
import { openrouterAdapter } from './openrouterProvider';
import type { ApiProviderId, ProviderAdapter } from './providerAdapter';

export const PROVIDER_ADAPTERS: Readonly<Record<ApiProviderId, ProviderAdapter>> = {
  openai: openaiAdapter,
  anthropic: anthropicAdapter,
  deepseek: deepseekAdapter,
  openrouter: openrouterAdapter,
  ollama: ollamaAdapter,
  'openai-compatible': openaiCompatibleAdapter,
};

export function adapterFor(provider: ProviderId): ProviderAdapter | undefined {
  return provider === 'vscode-lm' ? undefined : PROVIDER_ADAPTERS[provider];
}
