// ollama-ai-provider-v2 silently drops NDJSON lines it cannot validate (with a console
// warning), and that includes Ollama's own mid-stream failure line {"error":"…"}: a crashed
// generation would look like a short, successful answer. This guard sits between fetch and the
// package: valid lines pass through unchanged; at an error line, an unreadable line or a failed
// read it ends the body cleanly and reports the fault on the side. (Erroring the body instead
// would make the package discard lines it had already read but not yet delivered.)
import { JSONParseError } from 'ai';

/** A provider's error line inside a 200 stream. */
export class StreamErrorLine extends Error {
  override readonly name = 'StreamErrorLine';

  constructor(readonly providerError: unknown) {
    super(typeof providerError === 'string' ? providerError : JSON.stringify(providerError));
  }
}

function problemIn(line: string): Error | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (cause) {
    return new JSONParseError({ text: trimmed, cause });
  }
  if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) return new StreamErrorLine((parsed as { error: unknown }).error);
  return undefined;
}

/** The body with its lines checked; ends at the first problem, which goes to onFault. */
function guardLines(body: ReadableStream<Uint8Array>, onFault: (error: Error) => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let partial = '';
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (err) {
        onFault(err instanceof Error ? err : new Error(String(err)));
        controller.close();
        return;
      }
      const { done, value } = chunk;
      const text = done ? partial + decoder.decode() : partial + decoder.decode(value, { stream: true });
      const lines = text.split('\n');
      partial = done ? '' : (lines.pop() ?? '');
      let passed = '';
      let failure: Error | undefined;
      for (const [i, line] of lines.entries()) {
        failure = problemIn(line);
        if (failure) break;
        // The last piece of a finished body had no newline of its own.
        passed += done && i === lines.length - 1 ? line : `${line}\n`;
      }
      if (passed) controller.enqueue(encoder.encode(passed));
      if (failure) {
        onFault(failure);
        controller.close();
        void reader.cancel().catch(() => undefined);
      } else if (done) {
        controller.close();
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/** fetch whose successful NDJSON bodies end at an error line, an unreadable line or a failed read, reported to onFault. */
export function withNdjsonLineGuard(fetchImpl: typeof fetch, onFault: (error: Error) => void): typeof fetch {
  return async (input, init) => {
    const response = await fetchImpl(input, init);
    if (!response.ok || !response.body) return response;
    return new Response(guardLines(response.body, onFault), { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
