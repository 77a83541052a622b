// The facts a provider failure is judged and explained by.
import type { ProviderFacts } from './catalog';
import type { ProviderAdapter } from './providerAdapter';

export interface ErrorContext {
  adapter: Pick<ProviderAdapter, 'id' | 'facts' | 'notFoundHint'>;
  model: string;
  /** As configured; messages mask any credentials in it. */
  baseUrl: string | undefined;
  apiKey: string | undefined;
  /** The error came from inside a response stream that had already started. */
  midStream: boolean;
  /** Requests sent so far, this one included. */
  attempts: number;
  now?: () => number;
}

/** The provider's name in messages: the catalog label without its note ("Ollama (local)" → "Ollama"). */
export function providerName(ctx: { adapter: { facts: ProviderFacts } }): string {
  return ctx.adapter.facts.label.replace(/\s*\([^)]*\)$/, '');
}
