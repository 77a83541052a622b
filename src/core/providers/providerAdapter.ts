// What differs between providers, and only that: the request body for one ModelSpec (thinking
// limits and effort in the provider's own parameters), how to check those settings before
// sending, and hints for its errors. Facts (label, key variable, default URL, wire format,
// capabilities) come from the catalog; reading the stream is the wire format's job
// (anthropicStream.ts, responsesStream.ts, chatStream.ts, ollamaStream.ts), and sending,
// retries, timeouts and error classes are shared (streamingModelClient.ts).
import type { ModelCall, ModelSpec, ProviderId } from '../modelClient';
import type { ProviderFacts, WireFormat } from './catalog';

export type ApiProviderId = Exclude<ProviderId, 'vscode-lm'>;
export type ApiWireFormat = Exclude<WireFormat, 'vscode-lm'>;

/** One HTTP request, before the base URL and the key are added. */
export interface WireRequest {
  /** Path under the base URL, e.g. "/messages". */
  path: string;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** How the key goes out: Anthropic's x-api-key, everyone else's bearer token. */
export type KeyHeader = 'x-api-key' | 'authorization';

/** Token counts a provider reported while streaming; undefined = not (yet) reported. */
export interface ReportedUsage {
  inputTokens?: number;
  cachedInputTokens?: number;
  cacheWriteTokens?: number;
  outputTokens?: number;
  reasoningTokens?: number;
  /** What the provider charged, in USD (OpenRouter `usage.cost`). */
  costUsd?: number;
}

export interface ProviderAdapter {
  readonly id: ApiProviderId;
  readonly facts: ProviderFacts;
  readonly wire: ApiWireFormat;
  readonly keyHeader: KeyHeader;
  /** The body of one streaming request for this call. */
  buildRequest(spec: ModelSpec, call: Pick<ModelCall, 'system' | 'prompt' | 'prefix'>): WireRequest;
  /** Why the provider would reject these thinking settings, or undefined when it would not. */
  validateThinking(spec: ModelSpec): string | undefined;
  /** Extra hint for a 404, e.g. how to install a local model. */
  notFoundHint(model: string): string;
  /** The base URL as given, adjusted to the API root the paths hang from (Ollama takes the server root too). */
  apiBase?(baseUrl: string): string;
}
