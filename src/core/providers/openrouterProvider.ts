// OpenRouter: one API in front of many providers. Reasoning is asked for with
// `reasoning.effort`, or with `reasoning.max_tokens` for upstreams that think in budgets
// (Anthropic, Gemini), and `usage:{include:true}` makes the final chunk carry `usage.cost`,
// what OpenRouter charged, which becomes Usage.providerCostUsd.
import { createOpenRouter, type OpenRouterChatSettings } from '@openrouter/ai-sdk-provider';
import type { ProviderMetadata } from 'ai';
import * as z from 'zod';
import type { ModelSpec } from '../modelClient';
import type { ProviderAdapter, RequestSettings } from './providerAdapter';
import { MIN_ANTHROPIC_BUDGET_TOKENS, thinkingBudgetTokens, thinkingPlusAnswerTokens, wantsThinking } from './thinkingBudget';

/** Upstreams whose own API takes a thinking budget rather than an effort. */
function takesBudget(model: string): boolean {
  return /^(anthropic|google)\//.test(model);
}

function reasoningSettings(spec: ModelSpec): OpenRouterChatSettings['reasoning'] {
  if (!spec.reasoning) return undefined;
  if (spec.maxThinkingTokens === 0) return { effort: 'none' };
  return takesBudget(spec.model) ? { max_tokens: thinkingBudgetTokens(spec) } : { effort: spec.effort };
}

const costSchema = z.object({ openrouter: z.object({ usage: z.object({ cost: z.number() }) }) });

export const openrouterAdapter: ProviderAdapter = {
  id: 'openrouter',
  label: 'OpenRouter',
  apiKeyEnvVar: 'OPENROUTER_API_KEY',
  defaultBaseUrl: 'https://openrouter.ai/api/v1',
  inlineThinkTags: false,

  languageModel(spec, connection) {
    // strict: send stream_options.include_usage so the final usage chunk arrives.
    const provider = createOpenRouter({ apiKey: connection.apiKey, baseURL: connection.baseUrl, fetch: connection.fetch, compatibility: 'strict' });
    const settings: OpenRouterChatSettings = { usage: { include: true } };
    const reasoning = reasoningSettings(spec);
    if (reasoning) settings.reasoning = reasoning;
    return provider.chat(spec.model, settings);
  },

  requestSettings(spec): RequestSettings {
    return { maxOutputTokens: thinkingPlusAnswerTokens(spec) };
  },

  validateThinking(spec) {
    if (wantsThinking(spec) && spec.model.startsWith('anthropic/') && spec.maxThinkingTokens < MIN_ANTHROPIC_BUDGET_TOKENS) {
      return `Anthropic models need a thinking budget of at least ${MIN_ANTHROPIC_BUDGET_TOKENS} tokens, but maxThinkingTokens is ${spec.maxThinkingTokens}. Set it to ${MIN_ANTHROPIC_BUDGET_TOKENS} or more, or to 0 to turn thinking off.`;
    }
    return undefined;
  },

  notFoundHint: () => ' (OpenRouter model ids look like “provider/model”, e.g. “deepseek/deepseek-r1”)',

  providerCostUsd(metadata: ProviderMetadata | undefined) {
    const parsed = costSchema.safeParse(metadata);
    return parsed.success ? parsed.data.openrouter.usage.cost : undefined;
  },
};
