// A local Ollama server through its native /api/chat (NDJSON). `think` separates reasoning
// into message.thinking; the answer limit is `options.num_predict` (Ollama ignores OpenAI-style
// max tokens). Ollama reports no thinking-token count, so reasoning tokens are estimated.
import { createOllama } from 'ollama-ai-provider-v2';
import type { ModelSpec } from '../modelClient';
import { withNdjsonLineGuard } from './ndjsonLineGuard';
import type { ProviderAdapter, RequestSettings } from './providerAdapter';
import { thinkingPlusAnswerTokens, wantsThinking } from './thinkingBudget';

/** GPT-OSS ignores a boolean `think` and takes only a level. */
function takesThinkLevel(model: string): boolean {
  return /(^|\/)gpt-oss/.test(model.toLowerCase());
}

/**
 * ollama-ai-provider-v2 only accepts a boolean `think`; for models that need a level, the
 * request body is rewritten on its way out so the effort reaches Ollama as `think: "high"` etc.
 */
function withThinkLevel(fetchImpl: typeof fetch, spec: ModelSpec): typeof fetch {
  if (!wantsThinking(spec) || !takesThinkLevel(spec.model)) return fetchImpl;
  return async (input, init) => {
    if (typeof init?.body !== 'string') return fetchImpl(input, init);
    const body: unknown = JSON.parse(init.body);
    if (typeof body !== 'object' || body === null || !('think' in body)) return fetchImpl(input, init);
    return fetchImpl(input, { ...init, body: JSON.stringify({ ...body, think: spec.effort }) });
  };
}

/** Accepts the server root (http://localhost:11434) as well as the API base (…/api). */
function apiBaseUrl(baseUrl: string | undefined): string | undefined {
  if (!baseUrl) return undefined;
  try {
    const url = new URL(baseUrl);
    return url.pathname === '/' || url.pathname === '' ? `${url.origin}/api` : baseUrl;
  } catch {
    return baseUrl;
  }
}

export const ollamaAdapter: ProviderAdapter = {
  id: 'ollama',
  label: 'Ollama',
  apiKeyEnvVar: undefined,
  defaultBaseUrl: 'http://127.0.0.1:11434/api',
  inlineThinkTags: false,

  languageModel(spec, connection) {
    // A key only matters behind an authenticating proxy or Ollama's hosted API.
    const headers = connection.apiKey ? { Authorization: `Bearer ${connection.apiKey}` } : undefined;
    return createOllama({ baseURL: apiBaseUrl(connection.baseUrl), fetch: withNdjsonLineGuard(withThinkLevel(connection.fetch, spec), connection.reportStreamFault), headers }).chat(spec.model);
  },

  requestSettings(spec): RequestSettings {
    return { providerOptions: { ollama: { think: wantsThinking(spec), options: { num_predict: thinkingPlusAnswerTokens(spec) } } } };
  },

  validateThinking: () => undefined,
  notFoundHint: (model) => `, or download it with “ollama pull ${model}”`,
};
