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

/** The input counts as last reported: message_delta may repeat only some of message_start's. */
interface InputCounts {
  input?: number;
  read?: number;
  write?: number;
}

/**
 * Total input = input + cache writes + cache reads (input_tokens excludes both); thinking is
 * part of output_tokens.
 */
function usageOf(u: unknown, seen: InputCounts): ReportedUsage {
  const out: ReportedUsage = {};
  seen.input = num(field(u, 'input_tokens')) ?? seen.input;
  seen.read = num(field(u, 'cache_read_input_tokens')) ?? seen.read;
  seen.write = num(field(u, 'cache_creation_input_tokens')) ?? seen.write;
  if (seen.input !== undefined) {
    out.inputTokens = seen.input + (seen.write ?? 0) + (seen.read ?? 0);
    out.cachedInputTokens = seen.read ?? 0;
    out.cacheWriteTokens = seen.write ?? 0;
  }
  const output = num(field(u, 'output_tokens'));
  if (output !== undefined) out.outputTokens = output;
  const thinking = num(field(field(u, 'output_tokens_details'), 'thinking_tokens'));
  if (thinking !== undefined) out.reasoningTokens = thinking;
  return out;
}

export function anthropicReader(sink: StreamSink): PayloadReader {
  let stop: FinishReason | undefined;
  const seen: InputCounts = {};
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
        sink.usage(usageOf(field(event.message, 'usage'), seen));
        return true;
      case 'message_delta': {
        sink.usage(usageOf(event.usage, seen));
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
