// DeepSeek thinking mode: `thinking:{type}` switches it, `reasoning_effort` has two levels
// (high, max) and max_tokens includes the chain of thought. Reasoning streams as
// `reasoning_content`, which @ai-sdk/deepseek turns into reasoning parts.
import { createDeepSeek } from '@ai-sdk/deepseek';
import type { JSONValue } from 'ai';
import type { ModelSpec } from '../modelClient';
import type { ProviderAdapter, RequestSettings } from './providerAdapter';
import { thinkingPlusAnswerTokens, wantsThinking } from './thinkingBudget';

/** DeepSeek's two levels: our low and medium are its default "high", our high its "max". */
function deepseekEffort(spec: ModelSpec): 'high' | 'max' {
  return spec.effort === 'high' ? 'max' : 'high';
}

export const deepseekAdapter: ProviderAdapter = {
  id: 'deepseek',
  label: 'DeepSeek',
  apiKeyEnvVar: 'DEEPSEEK_API_KEY',
  defaultBaseUrl: 'https://api.deepseek.com',
  inlineThinkTags: false,

  languageModel(spec, connection) {
    return createDeepSeek({ apiKey: connection.apiKey, baseURL: connection.baseUrl, fetch: connection.fetch })(spec.model);
  },

  requestSettings(spec): RequestSettings {
    const options: Record<string, JSONValue> = wantsThinking(spec) ? { thinking: { type: 'enabled' }, reasoningEffort: deepseekEffort(spec) } : { thinking: { type: 'disabled' } };
    return { maxOutputTokens: thinkingPlusAnswerTokens(spec), providerOptions: { deepseek: options } };
  },

  validateThinking: () => undefined,
  notFoundHint: () => '',
};
