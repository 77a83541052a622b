// The request bodies a batch carries: the same Messages / Responses requests the streaming
// path sends, minus `stream`. The thinking and effort mapping mirrors the streaming adapters
// (anthropicProvider.ts, openaiProvider.ts) rule for rule.
// TODO(lead): when the transport's request builders land, build these bodies with them
// (and drop this file) so a batch and a streamed job can never be asked differently.
import type { ModelSpec } from '../modelClient';
import { anthropicThinkingStyle } from '../providers/anthropicModels';
import { isOpenAIReasoningModel, openAIOffEffort } from '../providers/openaiModels';
import { thinkingBudgetTokens, wantsThinking } from '../providers/thinkingBudget';
import { anthropicPromptFields, responsesPromptFields } from '../providers/promptCaching';

export interface PromptParts {
  system: string;
  /** The stable blocks between system and prompt, with the streaming path's cache breakpoints. */
  prefix?: readonly string[];
  prompt: string;
}

/** A non-streaming Messages API request (`params` of one Anthropic batch request). */
export function anthropicMessagesBody(spec: ModelSpec, prompt: PromptParts): Record<string, unknown> {
  const base = { model: spec.model, ...anthropicPromptFields(prompt) };
  const thinking = wantsThinking(spec);
  const adaptiveOn = { max_tokens: spec.maxThinkingTokens + spec.maxAnswerTokens, thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: spec.effort } };
  switch (anthropicThinkingStyle(spec.model)) {
    case 'budget': {
      if (!thinking) return { ...base, max_tokens: spec.maxAnswerTokens };
      // max_tokens covers the thinking budget and the answer, as the streaming path sends it.
      const budget = thinkingBudgetTokens(spec);
      return { ...base, max_tokens: spec.maxAnswerTokens + budget, thinking: { type: 'enabled', budget_tokens: budget } };
    }
    case 'adaptive':
      return thinking ? { ...base, ...adaptiveOn } : { ...base, max_tokens: spec.maxAnswerTokens, thinking: { type: 'disabled' } };
    case 'always-adaptive':
      // Cannot be turned off: "off" becomes the least thinking the model allows.
      return thinking ? { ...base, ...adaptiveOn } : { ...base, max_tokens: spec.maxAnswerTokens, output_config: { effort: 'low' } };
    case 'none':
      return { ...base, max_tokens: spec.maxAnswerTokens };
  }
}

/** A non-streaming Responses API request (`body` of one OpenAI batch line). */
export function openaiResponsesBody(spec: ModelSpec, prompt: PromptParts): Record<string, unknown> {
  // store:false keeps reviewed code out of OpenAI's stored responses, as in the streaming path.
  const base = { model: spec.model, ...responsesPromptFields(prompt), store: false };
  if (!isOpenAIReasoningModel(spec.model)) return { ...base, max_output_tokens: spec.maxAnswerTokens };
  const reasoning = wantsThinking(spec) ? { effort: spec.effort, summary: 'auto' } : { effort: openAIOffEffort(spec.model) ?? 'low' };
  return { ...base, max_output_tokens: spec.maxThinkingTokens + spec.maxAnswerTokens, reasoning };
}
