// Thinking settings are checked before anything is sent: a value the provider would reject
// costs a round trip and, worse, reads as a provider failure. The message says what to change.
import type { ModelSpec } from '../modelClient';
import type { ReasoningEffort } from '../requests/request';
import { adapterFor } from './providerAdapters';

/** Plain values, not the zod schema: the providers bundle stays free of zod. */
const EFFORTS: readonly ReasoningEffort[] = ['low', 'medium', 'high'];

export function validateThinkingSettings(spec: ModelSpec): string | undefined {
  if (!Number.isInteger(spec.maxThinkingTokens) || spec.maxThinkingTokens < 0) {
    return `maxThinkingTokens must be a whole number of tokens, 0 or more (it is ${spec.maxThinkingTokens}).`;
  }
  if (!Number.isInteger(spec.maxAnswerTokens) || spec.maxAnswerTokens < 1) {
    return `maxAnswerTokens must be a whole number of tokens, 1 or more (it is ${spec.maxAnswerTokens}); thinking alone leaves no room for the answer.`;
  }
  if (!EFFORTS.includes(spec.effort)) {
    return `The reasoning effort must be low, medium or high (it is ${String(spec.effort)}).`;
  }
  return adapterFor(spec.provider)?.validateThinking(spec);
}
