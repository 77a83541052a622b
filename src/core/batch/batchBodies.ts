// The request bodies a batch carries: exactly what the streaming path's request builders
// (anthropicProvider.ts, openaiProvider.ts) send, minus `stream`, so a batch and a streamed job
// can never be asked differently (thinking, effort, store:false, anything added later).
import type { ModelSpec } from '../modelClient';
import { anthropicAdapter } from '../providers/anthropicProvider';
import { openaiAdapter } from '../providers/openaiProvider';
import type { ProviderAdapter } from '../providers/providerAdapter';
import type { BatchProviderId } from './batchTypes';

export interface PromptParts {
  system: string;
  /** The stable blocks between system and prompt, with the streaming path's cache breakpoints. */
  prefix?: readonly string[];
  prompt: string;
}

const ADAPTERS: Record<BatchProviderId, ProviderAdapter> = { anthropic: anthropicAdapter, openai: openaiAdapter };

/** The body of one batch request: the provider's streaming request without `stream`. */
export function batchRequestBody(provider: BatchProviderId, spec: ModelSpec, prompt: PromptParts): Record<string, unknown> {
  const { stream: _stream, ...body } = ADAPTERS[provider].buildRequest(spec, prompt).body;
  return body;
}

/** A non-streaming Messages API request (`params` of one Anthropic batch request). */
export const anthropicMessagesBody = (spec: ModelSpec, prompt: PromptParts) => batchRequestBody('anthropic', spec, prompt);

/** A non-streaming Responses API request (`body` of one OpenAI batch line). */
export const openaiResponsesBody = (spec: ModelSpec, prompt: PromptParts) => batchRequestBody('openai', spec, prompt);
