// OpenAI Responses stream, dispatched on the JSON `type`: reasoning summary (and raw reasoning)
// deltas, output text deltas, and response.completed / .incomplete / .failed with the usage.
import type { FinishReason } from '../modelClient';
import type { ReportedUsage } from './providerAdapter';
import { field, num, parsePayload, type JsonObject, type PayloadReader, type StreamSink } from './streamSink';
import { outputWithReasoning } from './usageNormalizer';

function usageOf(u: unknown): ReportedUsage {
  const out: ReportedUsage = {};
  const input = num(field(u, 'input_tokens'));
  if (input !== undefined) out.inputTokens = input;
  const details = field(u, 'input_tokens_details');
  const cached = num(field(details, 'cached_tokens'));
  if (cached !== undefined) out.cachedInputTokens = cached;
  const written = num(field(details, 'cache_write_tokens'));
  if (written !== undefined) out.cacheWriteTokens = written;
  const reasoning = num(field(field(u, 'output_tokens_details'), 'reasoning_tokens'));
  const output = outputWithReasoning(input, num(field(u, 'output_tokens')), reasoning, num(field(u, 'total_tokens')));
  if (output !== undefined) out.outputTokens = output;
  if (reasoning !== undefined) out.reasoningTokens = reasoning;
  return out;
}

function hasFunctionCall(response: unknown): boolean {
  const output = field(response, 'output');
  return Array.isArray(output) && output.some((item) => field(item, 'type') === 'function_call');
}

function finishReason(event: JsonObject, sawFunctionCall: boolean): FinishReason {
  const toolCall = sawFunctionCall || hasFunctionCall(event.response);
  if (event.type === 'response.completed') return toolCall ? 'other' : 'stop';
  const reason = field(field(event.response, 'incomplete_details'), 'reason');
  if (reason === 'max_output_tokens') return 'length';
  if (reason === 'content_filter') return 'content-filter';
  return 'other';
}

export function responsesReader(sink: StreamSink): PayloadReader {
  let sawFunctionCall = false;
  return (data) => {
    const event = parsePayload(data, sink);
    if (!event) return true;
    switch (event.type) {
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        if (typeof event.delta === 'string') sink.reasoning(event.delta);
        return true;
      case 'response.output_text.delta':
        if (typeof event.delta === 'string') sink.answer(event.delta);
        return true;
      case 'response.output_item.added':
        if (field(event.item, 'type') === 'function_call') sawFunctionCall = true;
        return true;
      case 'response.completed':
      case 'response.incomplete':
        sink.usage(usageOf(field(event.response, 'usage')));
        sink.finish(finishReason(event, sawFunctionCall));
        return true;
      case 'response.failed':
        sink.usage(usageOf(field(event.response, 'usage')));
        sink.providerError(field(event.response, 'error') ?? event);
        return true;
      case 'error':
        sink.providerError(event);
        return true;
      default:
        return true;
    }
  };
}
