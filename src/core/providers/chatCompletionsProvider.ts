// Chat Completions providers. Any catalog entry with the chat-completions wire format gets this
// adapter as it is (OpenAI-compatible servers, xAI): system + user messages, max_tokens for
// thinking + answer (there is no standard thinking budget), `reasoning_effort` where the
// catalog says the server takes it, and usage in the last chunk. DeepSeek and OpenRouter add
// their own thinking parameters on top (deepseekProvider.ts, openrouterProvider.ts).
import type { ModelCall, ModelSpec } from '../modelClient';
import { PROVIDER_CATALOG } from './catalog';
import type { ApiProviderId, ProviderAdapter, WireRequest } from './providerAdapter';
import { chatUserText } from './promptCaching';
import { thinkingPlusAnswerTokens, wantsThinking } from './thinkingBudget';

/** The body every Chat Completions request shares. */
export function chatBody(spec: ModelSpec, call: Pick<ModelCall, 'system' | 'prompt' | 'prefix'>): Record<string, unknown> {
  return {
    model: spec.model,
    messages: [
      { role: 'system', content: call.system },
      { role: 'user', content: chatUserText(call) },
    ],
    max_tokens: thinkingPlusAnswerTokens(spec),
    stream: true,
    stream_options: { include_usage: true },
  };
}

const LOCAL_HINT = ', and that the server has this model loaded';

export function chatCompletionsAdapter(id: ApiProviderId, overrides: Partial<Pick<ProviderAdapter, 'buildRequest' | 'validateThinking' | 'notFoundHint'>> = {}): ProviderAdapter {
  const facts = PROVIDER_CATALOG[id];
  return {
    id,
    facts,
    wire: 'chat-completions',
    keyHeader: 'authorization',
    buildRequest(spec, call): WireRequest {
      const body = chatBody(spec, call);
      if (wantsThinking(spec) && facts.capabilities.reasoningEffort) body.reasoning_effort = spec.effort;
      return { path: '/chat/completions', body };
    },
    validateThinking: () => undefined,
    notFoundHint: () => (facts.defaultBaseUrl === undefined ? LOCAL_HINT : ''),
    ...overrides,
  };
}
