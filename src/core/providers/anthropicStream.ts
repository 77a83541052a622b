// Anthropic Messages stream: message_start (input usage), content_block_delta (thinking_delta,
// text_delta), message_delta (stop_reason, cumulative output usage), message_stop; `ping` is a
// keep-alive; an `error` event can arrive inside the 200 response.
import type { FinishReason } from '../modelClient';
import type { ReportedUsage } from './providerAdapter';
import { field, num, parsePayload, type PayloadReader, type StreamSink } from './streamSink';

function finishReason(stop: unknown): FinishReason {
  switch (stop) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'refusal':
      return 'content-filter';
    default:
      return 'other';
  }
}

/** Total input = input + cache writes + cache reads; thinking is part of output_tokens. */
function usageOf(u: unknown): ReportedUsage {
  const out: ReportedUsage = {};
  const input = num(field(u, 'input_tokens'));
  if (input !== undefined) {
    const read = num(field(u, 'cache_read_input_tokens')) ?? 0;
    out.inputTokens = input + (num(field(u, 'cache_creation_input_tokens')) ?? 0) + read;
    out.cachedInputTokens = read;
  }
  const output = num(field(u, 'output_tokens'));
  if (output !== undefined) out.outputTokens = output;
  const thinking = num(field(field(u, 'output_tokens_details'), 'thinking_tokens'));
  if (thinking !== undefined) out.reasoningTokens = thinking;
  return out;
}

export function anthropicReader(sink: StreamSink): PayloadReader {
  let stop: FinishReason | undefined;
  return (data) => {
    const event = parsePayload(data, sink);
    if (!event) return true;
    switch (event.type) {
      case 'content_block_delta': {
        const delta = event.delta;
        const type = field(delta, 'type');
        if (type === 'thinking_delta') {
          const text = field(delta, 'thinking');
          if (typeof text === 'string') sink.reasoning(text);
        } else if (type === 'text_delta') {
          const text = field(delta, 'text');
          if (typeof text === 'string') sink.answer(text);
        }
        return true;
      }
      case 'ping':
        return false;
      case 'message_start':
        sink.usage(usageOf(field(event.message, 'usage')));
        return true;
      case 'message_delta': {
        sink.usage(usageOf(event.usage));
        const reason = field(event.delta, 'stop_reason');
        if (typeof reason === 'string') {
          stop = finishReason(reason);
          sink.finish(stop);
        }
        return true;
      }
      case 'message_stop':
        sink.finish(stop ?? 'other');
        return true;
      case 'error':
        sink.providerError(event);
        return true;
      default:
        return true;
    }
  };
}
