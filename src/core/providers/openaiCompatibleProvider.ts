// Any OpenAI-compatible chat server (LM Studio, vLLM, llama.cpp, …). Reasoning arrives as
// `reasoning_content` / `reasoning` deltas (handled by @ai-sdk/openai-compatible) or inline as
// <think>…</think> in the answer text (split by the client). There is no standard thinking
// budget, so max_tokens bounds thinking + answer and the effort goes out as `reasoning_effort`.
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { ProviderAdapter, RequestSettings } from './providerAdapter';
import { thinkingPlusAnswerTokens, wantsThinking } from './thinkingBudget';

/** Key under which @ai-sdk/openai-compatible looks for our provider options. */
const OPTIONS_KEY = 'compatible';

export const openaiCompatibleAdapter: ProviderAdapter = {
  id: 'openai-compatible',
  label: 'OpenAI-compatible server',
  apiKeyEnvVar: undefined,
  defaultBaseUrl: undefined,
  inlineThinkTags: true,

  languageModel(spec, connection) {
    if (!connection.baseUrl) throw new Error('openai-compatible needs a base URL');
    return createOpenAICompatible({ name: OPTIONS_KEY, baseURL: connection.baseUrl, apiKey: connection.apiKey, fetch: connection.fetch, includeUsage: true }).chatModel(spec.model);
  },

  requestSettings(spec): RequestSettings {
    const settings: RequestSettings = { maxOutputTokens: thinkingPlusAnswerTokens(spec) };
    if (wantsThinking(spec)) settings.providerOptions = { [OPTIONS_KEY]: { reasoningEffort: spec.effort } };
    return settings;
  },

  validateThinking: () => undefined,
  notFoundHint: () => ', and that the server has this model loaded',
};
