// OpenAI through the Responses API, the only OpenAI API that streams reasoning text (as
// summaries). max_output_tokens includes reasoning, so it gets thinking + answer; store:false
// keeps reviewed code out of OpenAI's stored responses.
import type { ModelSpec } from '../modelClient';
import { PROVIDER_CATALOG } from './catalog';
import { isOpenAIReasoningModel, openAIEffortProblem, openAIOffEffort } from './openaiModels';
import type { ProviderAdapter, WireRequest } from './providerAdapter';
import { responsesPromptFields } from './promptCaching';
import { wantsThinking } from './thinkingBudget';

/** The Responses API rejects max_output_tokens below 16. */
const MIN_OUTPUT_TOKENS = 16;

function reasoningField(spec: ModelSpec): Record<string, unknown> {
  if (wantsThinking(spec)) return { effort: spec.effort, summary: 'auto' };
  // A reasoning model asked not to think: the lowest effort it has (it may still think a little).
  return { effort: openAIOffEffort(spec.model) ?? 'low' };
}

export const openaiAdapter: ProviderAdapter = {
  id: 'openai',
  facts: PROVIDER_CATALOG.openai,
  wire: 'openai-responses',
  keyHeader: 'authorization',

  buildRequest(spec, call): WireRequest {
    const reasoning = isOpenAIReasoningModel(spec.model);
    const body: Record<string, unknown> = {
      model: spec.model,
      ...responsesPromptFields(call),
      max_output_tokens: reasoning ? spec.maxThinkingTokens + spec.maxAnswerTokens : spec.maxAnswerTokens,
      store: false,
      stream: true,
    };
    if (reasoning) body.reasoning = reasoningField(spec);
    return { path: '/responses', body };
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
