// Anthropic Messages API with extended thinking. Budget models get
// `thinking:{type:'enabled', budget_tokens}` and the AI SDK adds the budget to maxOutputTokens,
// so max_tokens = thinking + answer; adaptive models (Opus 4.6+, Sonnet 5) get
// `thinking:{type:'adaptive'}` with `output_config.effort`. Temperature is never sent.
import { createAnthropic } from '@ai-sdk/anthropic';
import type { JSONValue } from 'ai';
import * as z from 'zod';
import type { ModelSpec } from '../modelClient';
import { anthropicMaxOutputTokens, anthropicThinkingStyle } from './anthropicModels';
import type { ProviderAdapter, ReportedUsage, RequestSettings } from './providerAdapter';
import { MIN_ANTHROPIC_BUDGET_TOKENS, thinkingBudgetTokens, wantsThinking } from './thinkingBudget';

function anthropicOptions(spec: ModelSpec): { maxOutputTokens: number; options: Record<string, JSONValue> } {
  const style = anthropicThinkingStyle(spec.model);
  const thinking = wantsThinking(spec);
  switch (style) {
    case 'budget':
      return thinking
        ? { maxOutputTokens: spec.maxAnswerTokens, options: { thinking: { type: 'enabled', budgetTokens: thinkingBudgetTokens(spec) } } }
        : { maxOutputTokens: spec.maxAnswerTokens, options: {} };
    case 'adaptive':
      return thinking
        ? { maxOutputTokens: spec.maxThinkingTokens + spec.maxAnswerTokens, options: { thinking: { type: 'adaptive', display: 'summarized' }, effort: spec.effort } }
        : { maxOutputTokens: spec.maxAnswerTokens, options: { thinking: { type: 'disabled' } } };
    case 'always-adaptive':
      // Cannot be turned off: "off" becomes the least thinking the model allows.
      return thinking
        ? { maxOutputTokens: spec.maxThinkingTokens + spec.maxAnswerTokens, options: { thinking: { type: 'adaptive', display: 'summarized' }, effort: spec.effort } }
        : { maxOutputTokens: spec.maxAnswerTokens, options: { effort: 'low' } };
    case 'none':
      return { maxOutputTokens: spec.maxAnswerTokens, options: {} };
  }
}

const usageSchema = z.object({
  input_tokens: z.number().optional(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
  output_tokens: z.number().optional(),
  output_tokens_details: z.object({ thinking_tokens: z.number().nullish() }).nullish(),
});
const rawChunkSchema = z.union([
  z.object({ type: z.literal('message_start'), message: z.object({ usage: usageSchema }) }),
  z.object({ type: z.literal('message_delta'), usage: usageSchema }),
]);

/** message_start carries input usage and message_delta cumulative output usage. */
function observeRawChunk(raw: unknown, reported: ReportedUsage): void {
  // Only two event types carry usage; skip the thousands of deltas before validating anything.
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  if (type !== 'message_start' && type !== 'message_delta') return;
  const chunk = rawChunkSchema.safeParse(raw);
  if (!chunk.success) return;
  const usage = chunk.data.type === 'message_start' ? chunk.data.message.usage : chunk.data.usage;
  if (usage.input_tokens !== undefined) {
    const cacheRead = usage.cache_read_input_tokens ?? 0;
    reported.inputTokens = usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + cacheRead;
    reported.cachedInputTokens = cacheRead;
  }
  if (usage.output_tokens !== undefined) reported.outputTokens = usage.output_tokens;
  const thinking = usage.output_tokens_details?.thinking_tokens;
  if (thinking !== undefined && thinking !== null) reported.reasoningTokens = thinking;
}

export const anthropicAdapter: ProviderAdapter = {
  id: 'anthropic',
  label: 'Anthropic',
  apiKeyEnvVar: 'ANTHROPIC_API_KEY',
  defaultBaseUrl: 'https://api.anthropic.com/v1',
  inlineThinkTags: false,

  languageModel(spec, connection) {
    return createAnthropic({ apiKey: connection.apiKey, baseURL: connection.baseUrl, fetch: connection.fetch })(spec.model);
  },

  requestSettings(spec): RequestSettings {
    const { maxOutputTokens, options } = anthropicOptions(spec);
    return { maxOutputTokens, providerOptions: { anthropic: options } };
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
  observeRawChunk,
};
