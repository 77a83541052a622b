// Ollama's native /api/chat stream: one JSON object per line with message.thinking and
// message.content, a last line with done:true, done_reason and the counts (prompt_eval_count,
// eval_count), or a line {"error":"…"} when generation fails inside the 200 response.
import type { FinishReason } from '../modelClient';
import { field, num, parsePayload, type PayloadReader, type StreamSink } from './streamSink';

function finishReason(reason: unknown): FinishReason {
  return reason === 'stop' || reason === 'length' ? reason : reason === undefined ? 'stop' : 'other';
}

export function ollamaReader(sink: StreamSink): PayloadReader {
  return (line) => {
    const chunk = parsePayload(line, sink);
    if (!chunk) return true;
    if (chunk.error !== undefined && chunk.error !== null) {
      sink.providerError(chunk.error);
      return true;
    }
    const message = chunk.message;
    const thinking = field(message, 'thinking');
    if (typeof thinking === 'string') sink.reasoning(thinking);
    const content = field(message, 'content');
    if (typeof content === 'string') sink.answer(content);
    if (chunk.done === true) {
      const input = num(chunk.prompt_eval_count);
      const output = num(chunk.eval_count);
      sink.usage({ ...(input !== undefined ? { inputTokens: input } : {}), ...(output !== undefined ? { outputTokens: output } : {}) });
      sink.finish(finishReason(chunk.done_reason));
    }
    return true;
  };
}
