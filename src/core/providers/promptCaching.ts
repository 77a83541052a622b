// Prompt caching on the wire: the stable part of a call (system prompt, then the prefix blocks
// — guidelines, definitions) always goes first and in the same order, the per-request prompt
// last. Anthropic caches only up to blocks marked with cache_control (at most 4 breakpoints);
// OpenAI caches long prefixes by itself and routes requests with the same prompt_cache_key to
// the same cache; Chat Completions servers (DeepSeek) cache whatever prefix repeats.
import type { ModelCall } from '../modelClient';
import { hashText } from '../cache/contentHash';

export type PromptCall = Pick<ModelCall, 'system' | 'prompt' | 'prefix'>;

/** Anthropic's own limit on cache_control breakpoints per request. */
export const MAX_ANTHROPIC_BREAKPOINTS = 4;
const EPHEMERAL = { type: 'ephemeral' } as const;

/** `system` and `messages` of a Messages request, with breakpoints on the stable prefix. */
export function anthropicPromptFields(call: PromptCall): { system: unknown[]; messages: unknown[] } {
  const prefix = call.prefix ?? [];
  // The system block takes one breakpoint; the prefix blocks closest to the prompt get the rest
  // (a breakpoint caches everything before it, so the last one matters most).
  const firstMarked = Math.max(0, prefix.length - (MAX_ANTHROPIC_BREAKPOINTS - 1));
  const content = [
    ...prefix.map((text, i) => (i >= firstMarked ? { type: 'text', text, cache_control: EPHEMERAL } : { type: 'text', text })),
    { type: 'text', text: call.prompt },
  ];
  return { system: [{ type: 'text', text: call.system, cache_control: EPHEMERAL }], messages: [{ role: 'user', content }] };
}

/**
 * The prompt_cache_key: a hash of the stable prefix, so requests sharing it share a cache and
 * no user text goes out in clear beyond the prompt itself.
 */
export function promptCacheKey(call: PromptCall): string {
  return `deep-review-${hashText([call.system, ...(call.prefix ?? [])].join('\u0000')).slice(0, 32)}`;
}

/** `instructions`, `input` and `prompt_cache_key` of a Responses request. */
export function responsesPromptFields(call: PromptCall): { instructions: string; input: unknown[]; prompt_cache_key: string } {
  const content = [...(call.prefix ?? []), call.prompt].map((text) => ({ type: 'input_text', text }));
  return { instructions: call.system, input: [{ role: 'user', content }], prompt_cache_key: promptCacheKey(call) };
}

/** The user message of a Chat Completions request: the prefix blocks, then the prompt. */
export function chatUserText(call: PromptCall): string {
  return [...(call.prefix ?? []), call.prompt].join('\n\n');
}
