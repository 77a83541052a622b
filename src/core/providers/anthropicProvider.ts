// Anthropic Messages API with extended thinking. Budget models get
// `thinking:{type:'enabled', budget_tokens}` with max_tokens = budget + answer; adaptive models
// (Opus 4.6+, Sonnet 5) get `thinking:{type:'adaptive'}` with `output_config.effort`.
// Temperature is never sent.
import type { ModelSpec } from '../modelClient';
import { PROVIDER_CATALOG } from './catalog';
import { anthropicMaxOutputTokens, anthropicThinkingStyle } from './anthropicModels';
import type { ProviderAdapter, WireRequest } from './providerAdapter';
import { anthropicPromptFields } from './promptCaching';
import { MIN_ANTHROPIC_BUDGET_TOKENS, thinkingBudgetTokens, wantsThinking } from './thinkingBudget';

/** max_tokens and the thinking fields of the body for this spec. */
export function anthropicThinkingFields(spec: ModelSpec): Record<string, unknown> {
  const thinking = wantsThinking(spec);
  switch (anthropicThinkingStyle(spec.model)) {
    case 'budget': {
      if (!thinking) return { max_tokens: spec.maxAnswerTokens };
      const budget = thinkingBudgetTokens(spec);
      return { max_tokens: budget + spec.maxAnswerTokens, thinking: { type: 'enabled', budget_tokens: budget } };
    }
    case 'adaptive':
      return thinking
        ? { max_tokens: spec.maxThinkingTokens + spec.maxAnswerTokens, thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: spec.effort } }
        : { max_tokens: spec.maxAnswerTokens, thinking: { type: 'disabled' } };
    case 'always-adaptive':
      // Cannot be turned off: "off" becomes the least thinking the model allows.
      return thinking
        ? { max_tokens: spec.maxThinkingTokens + spec.maxAnswerTokens, thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: spec.effort } }
        : { max_tokens: spec.maxAnswerTokens, output_config: { effort: 'low' } };
    case 'none':
      return { max_tokens: spec.maxAnswerTokens };
  }
}

export const anthropicAdapter: ProviderAdapter = {
  id: 'anthropic',
  facts: PROVIDER_CATALOG.anthropic,
  wire: 'anthropic-messages',
  keyHeader: 'x-api-key',

  buildRequest(spec, call): WireRequest {
    return {
      path: '/messages',
      headers: { 'anthropic-version': '2023-06-01' },
      body: { model: spec.model, ...anthropicThinkingFields(spec), ...anthropicPromptFields(call), stream: true },
    };
  },

  validateThinking(spec) {
    if (!wantsThinking(spec)) return undefined;
    const style = anthropicThinkingStyle(spec.model);
    if (style === 'none') {
      return `${spec.model} has no extended thinking. Set maxThinkingTokens to 0, or choose Claude 3.7 Sonnet or a Claude 4 model.`;
    }
    if (style === 'budget' && spec.maxThinkingTokens < MIN_ANTHROPIC_BUDGET_TOKENS) {
      return `Anthropic needs a thinking budget of at least ${MIN_ANTHROPIC_BUDGET_TOKENS} tokens, but maxThinkingTokens is ${spec.maxThinkingTokens}. Set it to ${MIN_ANTHROPIC_BUDGET_TOKENS} or more, or to 0 to turn thinking off.`;
    }
    const limit = anthropicMaxOutputTokens(spec.model);
    const budget = thinkingBudgetTokens(spec);
    if (style === 'budget' && limit !== undefined && budget >= limit) {
      return `The thinking budget (${budget} tokens) must be less than ${spec.model}'s output limit of ${limit} tokens. Lower maxThinkingTokens or the effort.`;
    }
    return undefined;
  },

  notFoundHint: () => '',
};
