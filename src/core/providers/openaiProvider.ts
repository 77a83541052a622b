// OpenAI through the Responses API, the only OpenAI API that streams reasoning text (as
// summaries). max_output_tokens includes reasoning, so it gets thinking + answer.
import { createOpenAI } from '@ai-sdk/openai';
import type { JSONValue } from 'ai';
import type { ModelSpec } from '../modelClient';
import { isOpenAIReasoningModel, openAIEffortProblem, openAIOffEffort } from './openaiModels';
import type { ProviderAdapter, RequestSettings } from './providerAdapter';
import { wantsThinking } from './thinkingBudget';

/** The Responses API rejects max_output_tokens below 16. */
const MIN_OUTPUT_TOKENS = 16;

function reasoningOptions(spec: ModelSpec): Record<string, JSONValue> {
  if (wantsThinking(spec)) return { reasoningEffort: spec.effort, reasoningSummary: 'auto', forceReasoning: true };
  // A reasoning model asked not to think: the lowest effort it has (it may still think a little).
  return { reasoningEffort: openAIOffEffort(spec.model) ?? 'low', forceReasoning: true };
}

export const openaiAdapter: ProviderAdapter = {
  id: 'openai',
  label: 'OpenAI',
  apiKeyEnvVar: 'OPENAI_API_KEY',
  defaultBaseUrl: 'https://api.openai.com/v1',
  inlineThinkTags: false,

  languageModel(spec, connection) {
    return createOpenAI({ apiKey: connection.apiKey, baseURL: connection.baseUrl, fetch: connection.fetch }).responses(spec.model);
  },

  requestSettings(spec): RequestSettings {
    // store:false keeps reviewed code out of OpenAI's stored responses.
    if (!isOpenAIReasoningModel(spec.model)) return { maxOutputTokens: spec.maxAnswerTokens, providerOptions: { openai: { store: false } } };
    return {
      maxOutputTokens: spec.maxThinkingTokens + spec.maxAnswerTokens,
      providerOptions: { openai: { store: false, ...reasoningOptions(spec) } },
    };
  },

  validateThinking(spec) {
    if (isOpenAIReasoningModel(spec.model) && wantsThinking(spec)) {
      const problem = openAIEffortProblem(spec.model, spec.effort);
      if (problem) return problem;
    }
    const max = isOpenAIReasoningModel(spec.model) ? spec.maxThinkingTokens + spec.maxAnswerTokens : spec.maxAnswerTokens;
    if (max < MIN_OUTPUT_TOKENS) return `OpenAI needs room for at least ${MIN_OUTPUT_TOKENS} output tokens, but thinking + answer allow ${max}. Raise maxAnswerTokens.`;
    return undefined;
  },

  notFoundHint: () => '',
};
