// Cuts decoded response text into payloads: SSE events through eventsource-parser's callback API
// (comments such as `: keep-alive` are dropped there and never count as activity), or NDJSON lines.
// Both keep at most maxLineChars of an unfinished line.
import { createParser } from 'eventsource-parser';

export interface PayloadSplitter {
  feed(text: string): void;
  /** The body ended: a last NDJSON line without its newline still counts. */
  end(): void;
}

export function sseSplitter(onPayload: (data: string) => void, onOverflow: () => void, maxLineChars: number): PayloadSplitter {
  let overflowed = false;
  const parser = createParser({
    onEvent: (event) => onPayload(event.data),
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') {
        overflowed = true;
        onOverflow();
      }
    },
    maxBufferSize: maxLineChars,
  });
  return {
    feed(text) {
      if (!overflowed) parser.feed(text);
    },
    end: () => undefined,
  };
}

export function ndjsonSplitter(onPayload: (line: string) => void, onOverflow: () => void, maxLineChars: number): PayloadSplitter {
  let partial = '';
  let overflowed = false;
  const line = (text: string): void => {
    if (text.trim() !== '') onPayload(text);
  };
  return {
    feed(text) {
      if (overflowed) return;
      let start = 0;
      let newline = text.indexOf('\n');
      if (newline !== -1 && partial !== '') {
        line(partial + text.slice(0, newline));
        partial = '';
        start = newline + 1;
        newline = text.indexOf('\n', start);
      }
      while (newline !== -1) {
        line(text.slice(start, newline));
        start = newline + 1;
        newline = text.indexOf('\n', start);
      }
      partial += text.slice(start);
      if (partial.length > maxLineChars) {
        overflowed = true;
        partial = '';
        onOverflow();
      }
    },
    end() {
      if (!overflowed && partial !== '') line(partial);
      partial = '';
    },
  };
}
