// A local Ollama server through its native /api/chat (NDJSON). `think` separates reasoning
// into message.thinking (GPT-OSS takes a level instead of a boolean); the output limit is
// `options.num_predict`. Ollama reports no thinking-token count, so reasoning tokens are estimated.
import { PROVIDER_CATALOG } from './catalog';
import { chatUserText } from './promptCaching';
import type { ProviderAdapter, WireRequest } from './providerAdapter';
import { thinkingPlusAnswerTokens, wantsThinking } from './thinkingBudget';

/** GPT-OSS ignores a boolean `think` and takes only a level. */
function takesThinkLevel(model: string): boolean {
  return /(^|\/)gpt-oss/.test(model.toLowerCase());
}

export const ollamaAdapter: ProviderAdapter = {
  id: 'ollama',
  facts: PROVIDER_CATALOG.ollama,
  wire: 'ollama-native',
  keyHeader: 'authorization',

  buildRequest(spec, call): WireRequest {
    const think = wantsThinking(spec) ? (takesThinkLevel(spec.model) ? spec.effort : true) : false;
    return {
      path: '/chat',
      body: {
        model: spec.model,
        messages: [
          { role: 'system', content: call.system },
          { role: 'user', content: chatUserText(call) },
        ],
        stream: true,
        think,
        options: { num_predict: thinkingPlusAnswerTokens(spec) },
      },
    };
  },

  validateThinking: () => undefined,
  notFoundHint: (model) => `, or download it with “ollama pull ${model}”`,

  /** Accepts the server root (http://localhost:11434) as well as the API base (…/api). */
  apiBase(baseUrl) {
    try {
      const url = new URL(baseUrl);
      return url.pathname === '/' || url.pathname === '' ? `${url.origin}/api` : baseUrl;
    } catch {
      return baseUrl;
    }
  },
};
