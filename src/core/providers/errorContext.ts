// The facts a provider failure is judged and explained by.
import type { ProviderAdapter } from './providerAdapter';

export interface ErrorContext {
  adapter: Pick<ProviderAdapter, 'id' | 'label' | 'apiKeyEnvVar' | 'notFoundHint'>;
  model: string;
  baseUrl: string | undefined;
  apiKey: string | undefined;
  /** The error came from inside a response stream that had already started. */
  midStream: boolean;
  /** Requests sent so far, this one included. */
  attempts: number;
  now?: () => number;
}
