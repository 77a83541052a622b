// API keys live only in VS Code's SecretStorage, one per provider. Never in settings, logs,
// caches or exports.
import * as vscode from 'vscode';
import type { ProviderId } from '../core/modelClient';

export const PROVIDERS_WITH_KEYS = ['openai', 'anthropic', 'deepseek', 'openrouter', 'openai-compatible', 'xai'] as const satisfies readonly ProviderId[];
export type KeyedProvider = (typeof PROVIDERS_WITH_KEYS)[number];

export const PROVIDER_LABELS: Record<ProviderId, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  deepseek: 'DeepSeek',
  openrouter: 'OpenRouter',
  ollama: 'Ollama (local)',
  'openai-compatible': 'OpenAI-compatible server',
  xai: 'xAI',
  'vscode-lm': 'VS Code Language Models',
};

export function needsKey(provider: ProviderId): provider is KeyedProvider {
  return (PROVIDERS_WITH_KEYS as readonly string[]).includes(provider);
}

export class ApiKeys {
  private readonly cache = new Map<string, string | undefined>();

  constructor(private readonly secrets: vscode.SecretStorage) {
    // Refresh rather than forget, so a job queued before the change still finds its key.
    secrets.onDidChange((e) => {
      void secrets.get(e.key).then(
        (v) => this.cache.set(e.key, v || undefined),
        () => this.cache.delete(e.key),
      );
    });
  }

  private static key(provider: ProviderId): string {
    return `deepReview.apiKey.${provider}`;
  }

  async get(provider: ProviderId): Promise<string | undefined> {
    const k = ApiKeys.key(provider);
    if (!this.cache.has(k)) this.cache.set(k, (await this.secrets.get(k)) || undefined);
    return this.cache.get(k);
  }

  /** The cached key, for synchronous client construction (load with `get` first). */
  peek(provider: ProviderId): string | undefined {
    return this.cache.get(ApiKeys.key(provider));
  }

  async set(provider: ProviderId, key: string): Promise<void> {
    await this.secrets.store(ApiKeys.key(provider), key.trim());
    this.cache.set(ApiKeys.key(provider), key.trim());
  }

  async clear(provider: ProviderId): Promise<void> {
    await this.secrets.delete(ApiKeys.key(provider));
    this.cache.set(ApiKeys.key(provider), undefined);
  }
}
