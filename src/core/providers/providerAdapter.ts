// What differs between providers, and only that: how to build the AI SDK model, how one
// ModelSpec maps onto the provider's own thinking parameters, and what extra the provider
// reports. Streaming, retries, timeouts and error classes are shared (streamingModelClient.ts).
import type { JSONValue, LanguageModel, ProviderMetadata } from 'ai';
import type { ModelSpec, ProviderId } from '../modelClient';

/** Where and how to reach the provider, resolved from the client config and the spec. */
export interface ProviderConnection {
  apiKey?: string;
  /** Base URL exactly as the provider's AI SDK package takes it, without a trailing slash. */
  baseUrl?: string;
  fetch: typeof fetch;
  /** For failures a package would swallow: the call fails with this once the stream ends. */
  reportStreamFault: (error: Error) => void;
}

/** The per-call settings handed to streamText. */
export interface RequestSettings {
  /** Everything the model may generate (thinking + answer) where the provider counts it so. */
  maxOutputTokens?: number;
  providerOptions?: Record<string, Record<string, JSONValue>>;
}

/** Token counts a provider reported while streaming, before its final usage (if any) arrived. */
export interface ReportedUsage {
  inputTokens?: number;
  cachedInputTokens?: number;
  outputTokens?: number;
  reasoningTokens?: number;
}

export type ApiProviderId = Exclude<ProviderId, 'vscode-lm'>;

export interface ProviderAdapter {
  readonly id: ApiProviderId;
  /** Name shown to users in messages, e.g. "Anthropic". */
  readonly label: string;
  /** Environment variable the AI SDK package falls back to when no key is given. */
  readonly apiKeyEnvVar: string | undefined;
  /** The package's default base URL (undefined: the user must give one). */
  readonly defaultBaseUrl: string | undefined;
  /** Reasoning may arrive inline in the answer as <think>…</think> (local servers). */
  readonly inlineThinkTags: boolean;
  /** Builds the AI SDK model for one call. */
  languageModel(spec: ModelSpec, connection: ProviderConnection): LanguageModel;
  /** The spec's thinking limit and effort in the provider's own parameters. */
  requestSettings(spec: ModelSpec): RequestSettings;
  /** Why the provider would reject these thinking settings, or undefined when it would not. */
  validateThinking(spec: ModelSpec): string | undefined;
  /** Extra hint for a 404, e.g. how to install a local model. */
  notFoundHint(model: string): string;
  /** The cost the provider itself reported, in USD. */
  providerCostUsd?(metadata: ProviderMetadata | undefined): number | undefined;
  /** Collects usage reported in raw chunks, so a cut stream still knows what was billed. */
  observeRawChunk?(raw: unknown, reported: ReportedUsage): void;
}
