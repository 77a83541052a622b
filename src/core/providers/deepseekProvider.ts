// DeepSeek thinking mode: `thinking:{type}` switches it, `reasoning_effort` has two levels
// (high, max) and max_tokens includes the chain of thought. Reasoning streams as
// `reasoning_content` (chatStream.ts).
import type { ModelSpec } from '../modelClient';
import { chatBody, chatCompletionsAdapter } from './chatCompletionsProvider';
import { wantsThinking } from './thinkingBudget';

/** DeepSeek's two levels: our low and medium are its default "high", our high its "max". */
function deepseekEffort(spec: ModelSpec): 'high' | 'max' {
  return spec.effort === 'high' ? 'max' : 'high';
}

export const deepseekAdapter = chatCompletionsAdapter('deepseek', {
  buildRequest(spec, call) {
    const thinking = wantsThinking(spec) ? { thinking: { type: 'enabled' }, reasoning_effort: deepseekEffort(spec) } : { thinking: { type: 'disabled' } };
    return { path: '/chat/completions', body: { ...chatBody(spec, call), ...thinking } };
  },
});
