// Sending one request: POST with redirects handled by hand (a redirect to another origin is never
// followed, so the key cannot travel there; same-origin hops are followed a few times), and a
// non-2xx answer read (bounded) into an HttpStatusError for the classifier.
import type { ModelError } from '../modelError';
import { buildModelError, HttpStatusError } from './errorClassifier';
import type { ErrorContext } from './errorContext';
import { crossOriginRedirectMessage, tooManyRedirectsMessage } from './errorMessages';

export const MAX_SAME_ORIGIN_REDIRECTS = 3;
/** Error bodies are short; a proxy's HTML error page is cut here. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

export function headersOf(response: Response): Record<string, string> {
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

/** Up to maxBytes more of a body as text; the rest is not read. */
export async function readRest(reader: ReadableStreamDefaultReader<Uint8Array>, decoder: TextDecoder, maxBytes: number): Promise<string> {
  let text = '';
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      text += decoder.decode(value, { stream: true });
      if (bytes >= maxBytes) break;
    }
  } catch {
    // What arrived is all there is to read.
  }
  return text;
}

/** Up to maxBytes of the body as text. */
export async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  try {
    return await readRest(reader, new TextDecoder(), maxBytes);
  } finally {
    void reader.cancel().catch(() => undefined);
  }
}

function redirectError(ctx: ErrorContext, message: string): ModelError {
  return buildModelError('config', ctx, { message, retryable: false });
}

/** POSTs `init` to `url`; resolves with a 2xx response, throws HttpStatusError or a ModelError. */
export async function send(fetchImpl: typeof fetch, url: string, init: RequestInit, ctx: ErrorContext): Promise<Response> {
  let target = url;
  for (let hop = 0; ; hop++) {
    const response = await fetchImpl(target, { ...init, redirect: 'manual' });
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location');
      void response.body?.cancel().catch(() => undefined);
      if (location === null) throw new HttpStatusError(response.status, headersOf(response), '');
      const next = new URL(location, target);
      if (next.origin !== new URL(target).origin) throw redirectError(ctx, crossOriginRedirectMessage(ctx, response.status, next.href));
      if (hop >= MAX_SAME_ORIGIN_REDIRECTS) throw redirectError(ctx, tooManyRedirectsMessage(ctx, MAX_SAME_ORIGIN_REDIRECTS));
      target = next.href;
      continue;
    }
    if (response.status < 200 || response.status >= 300) {
      throw new HttpStatusError(response.status, headersOf(response), await readBounded(response, MAX_ERROR_BODY_BYTES));
    }
    return response;
  }
}
