// Chat Completions stream (DeepSeek, OpenRouter, xAI, any OpenAI-compatible server): chunks with
// choices[0].delta.{reasoning_content | reasoning, content} and finish_reason, a last chunk with
// usage (OpenRouter adds its cost), `data: [DONE]`, and `data: {"error":…}` for a failure
// inside the 200 response. SSE comments (`: OPENROUTER PROCESSING`) never reach this reader.
import type { FinishReason } from '../modelClient';
import type { ReportedUsage } from './providerAdapter';
import { field, num, parsePayload, type PayloadReader, type StreamSink } from './streamSink';
import { outputWithReasoning } from './usageNormalizer';

function finishReason(reason: unknown): FinishReason {
  switch (reason) {
    case 'stop':
    case 'length':
      return reason;
    case 'content_filter':
      return 'content-filter';
    case 'error':
      return 'error';
    default:
      return 'other';
  }
}

function usageOf(u: unknown, reportsCost: boolean): ReportedUsage {
  const out: ReportedUsage = {};
  const input = num(field(u, 'prompt_tokens'));
  if (input !== undefined) out.inputTokens = input;
  // OpenAI-style details first; DeepSeek reports its hits beside them (prompt_cache_hit_tokens,
  // with prompt_tokens = hits + misses), some DeepSeek-compatible servers only there.
  const details = field(u, 'prompt_tokens_details');
  const cached = num(field(details, 'cached_tokens')) ?? num(field(u, 'prompt_cache_hit_tokens'));
  if (cached !== undefined) out.cachedInputTokens = cached;
  const written = num(field(details, 'cache_write_tokens'));
  if (written !== undefined) out.cacheWriteTokens = written;
  const reasoning = num(field(field(u, 'completion_tokens_details'), 'reasoning_tokens'));
  const output = outputWithReasoning(input, num(field(u, 'completion_tokens')), reasoning, num(field(u, 'total_tokens')));
  if (output !== undefined) out.outputTokens = output;
  if (reasoning !== undefined) out.reasoningTokens = reasoning;
  const cost = reportsCost ? num(field(u, 'cost')) : undefined;
  if (cost !== undefined) out.costUsd = cost;
  return out;
}

export function chatReader(sink: StreamSink, options: { reportsCost: boolean }): PayloadReader {
  let finished = false;
  return (data) => {
    if (data === '[DONE]') {
      if (!finished) sink.finish('other');
      finished = true;
      return true;
    }
    const chunk = parsePayload(data, sink);
    if (!chunk) return true;
    if (chunk.error !== undefined && chunk.error !== null) {
      sink.providerError(chunk.error);
      return true;
    }
    const choices = chunk.choices;
    const choice = Array.isArray(choices) ? (choices[0] as unknown) : undefined;
    const delta = field(choice, 'delta');
    if (delta !== undefined) {
      const reasoning = field(delta, 'reasoning_content') ?? field(delta, 'reasoning');
      if (typeof reasoning === 'string') sink.reasoning(reasoning);
      const content = field(delta, 'content');
      if (typeof content === 'string') sink.answer(content);
    }
    const usage = chunk.usage;
    if (usage !== undefined && usage !== null) sink.usage(usageOf(usage, options.reportsCost));
    const reason = field(choice, 'finish_reason');
    if (typeof reason === 'string') {
      finished = true;
      sink.finish(finishReason(reason));
    }
    return true;
  };
}
