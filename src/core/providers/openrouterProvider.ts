// OpenRouter: one API in front of many providers. Reasoning is asked for with
// `reasoning.effort`, or with `reasoning.max_tokens` for upstreams that think in budgets
// (Anthropic, Gemini), and `usage:{include:true}` makes the final chunk carry `usage.cost`,
// what OpenRouter charged, which becomes Usage.providerCostUsd (chatStream.ts).
import type { ModelSpec } from '../modelClient';
import { chatBody, chatCompletionsAdapter } from './chatCompletionsProvider';
import { MIN_ANTHROPIC_BUDGET_TOKENS, thinkingBudgetTokens, wantsThinking } from './thinkingBudget';

/** Upstreams whose own API takes a thinking budget rather than an effort. */
function takesBudget(model: string): boolean {
  return /^(anthropic|google)\//.test(model);
}

function reasoningField(spec: ModelSpec): Record<string, unknown> | undefined {
  if (!spec.reasoning) return undefined;
  if (spec.maxThinkingTokens === 0) return { effort: 'none' };
  return takesBudget(spec.model) ? { max_tokens: thinkingBudgetTokens(spec) } : { effort: spec.effort };
}

export const openrouterAdapter = chatCompletionsAdapter('openrouter', {
  buildRequest(spec, call) {
    const body = { ...chatBody(spec, call), usage: { include: true } };
    const reasoning = reasoningField(spec);
    return { path: '/chat/completions', body: reasoning ? { ...body, reasoning } : body };
  },

  validateThinking(spec) {
    if (wantsThinking(spec) && spec.model.startsWith('anthropic/') && spec.maxThinkingTokens < MIN_ANTHROPIC_BUDGET_TOKENS) {
      return `Anthropic models need a thinking budget of at least ${MIN_ANTHROPIC_BUDGET_TOKENS} tokens, but maxThinkingTokens is ${spec.maxThinkingTokens}. Set it to ${MIN_ANTHROPIC_BUDGET_TOKENS} or more, or to 0 to turn thinking off.`;
    }
    return undefined;
  },

  notFoundHint: () => ' (OpenRouter model ids look like “provider/model”, e.g. “deepseek/deepseek-r1”)',
});
