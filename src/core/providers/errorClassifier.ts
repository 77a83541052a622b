// Turns whatever a provider call failed with (an HTTP error status, a fetch failure, an error
// event inside a 200 stream, plain strings) into one ModelError with a kind the job runner can act
// on and a message the user can act on (errorMessages.ts). No message ever carries the API key
// or credentials from the base URL.
import { isAutoRetryable, ModelError, type ModelErrorKind } from '../modelError';
import { redactApiKey } from './apiKeyRedaction';
import type { ErrorContext } from './errorContext';
import { messageFor } from './errorMessages';
import { isRetryableStatus, retryAfterMs } from './retryPolicy';

/** A non-2xx response: its status, headers and (bounded) body text. */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: string,
  ) {
    super(`HTTP ${status}`);
  }
}

/** An error the provider reported inside a 200 stream (an event, a chunk or an NDJSON line). */
export class StreamEventError extends Error {
  override readonly name = 'StreamEventError';
  constructor(readonly providerError: unknown) {
    super(typeof providerError === 'string' ? providerError : JSON.stringify(providerError));
  }
}

/** What a provider said about a failure, from whichever error shape it used. */
interface ProviderErrorInfo {
  status?: number;
  type?: string;
  code?: string;
  message?: string;
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED']);
const NETWORK_MESSAGE = /fetch failed|terminated|socket hang up|other side closed|network|ECONNRESET|ECONNREFUSED|connection (was )?(reset|closed|refused)/i;
const CONTEXT_MESSAGE = /context (length|window)|context_length|too long|maximum context|too many (input )?tokens|exceeds? the (model'?s? )?(context|maximum)|prompt is too long|request too large|reduce the length/i;
const CREDIT_MESSAGE = /insufficient[_ ](quota|balance|credit|funds)|credit balance|billing|payment required|out of credits/i;

/** Reads {error:{…}}, {type:'error', error:{…}}, {error:'…'}, {message,type,code} and plain strings. */
export function providerErrorInfo(value: unknown, depth = 0): ProviderErrorInfo {
  if (typeof value === 'string') return { message: value };
  if (depth > 3 || typeof value !== 'object' || value === null) return {};
  const fields = value as Record<string, unknown>;
  const nested = 'error' in fields ? providerErrorInfo(fields.error, depth + 1) : {};
  // Field by field: providers mix in nulls and extra fields freely.
  const own: ProviderErrorInfo = {};
  if (typeof fields.message === 'string') own.message = fields.message;
  if (typeof fields.type === 'string' && fields.type !== 'error') own.type = fields.type;
  const code = fields.code;
  if (typeof code === 'string' || (typeof code === 'number' && Number.isFinite(code))) {
    own.code = String(code);
    if (typeof code === 'number' && code >= 400 && code <= 599) own.status = code;
  }
  const status = fields.statusCode ?? fields.status;
  if (typeof status === 'number' && Number.isInteger(status)) own.status = status;
  return { ...own, ...definedOnly(nested) };
}

function definedOnly(info: ProviderErrorInfo): ProviderErrorInfo {
  return Object.fromEntries(Object.entries(info).filter(([, v]) => v !== undefined));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function* causeChain(error: unknown): Generator<unknown> {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
    yield current;
    current = typeof current === 'object' && 'cause' in current ? (current as { cause: unknown }).cause : undefined;
  }
}

/** The first network-level failure in the cause chain, described briefly. */
export function networkFailure(error: unknown): string | undefined {
  let generic: string | undefined;
  for (const e of causeChain(error)) {
    if (typeof e !== 'object' || e === null) continue;
    const code = 'code' in e && typeof e.code === 'string' ? e.code : undefined;
    const message = e instanceof Error ? e.message : undefined;
    if (code && NETWORK_CODES.has(code)) return message && !message.includes(code) ? `${code} (${message})` : (message ?? code);
    if (message && NETWORK_MESSAGE.test(message)) generic ??= message;
  }
  return generic;
}

/** The kind a provider failure belongs to, from its HTTP status and its own error type/code. */
function kindOf(info: ProviderErrorInfo): ModelErrorKind {
  const { status } = info;
  const label = `${info.type ?? ''} ${info.code ?? ''}`.toLowerCase();
  const text = `${label} ${info.message ?? ''}`;
  if (status === 402 || CREDIT_MESSAGE.test(text)) return 'insufficient-credit';
  if (status === 401 || /authentication|invalid_api_key|unauthori[sz]ed/.test(label)) return 'auth';
  if (status === 403 || /permission/.test(label)) return 'permission';
  if (status === 413 || /request_too_large|context_length/.test(label)) return 'context-too-long';
  if ((status === 400 || status === 422 || status === undefined) && CONTEXT_MESSAGE.test(text)) return 'context-too-long';
  if (status === 404 || /not_found/.test(label)) return 'not-found';
  if (status === 429 || /rate_limit/.test(label)) return 'rate-limit';
  if (status === 529 || status === 503 || /overload/.test(text)) return 'overloaded';
  if (status === 408 || /timeout/.test(label)) return 'timeout';
  if ((status !== undefined && status >= 500) || /server_error|api_error|internal/.test(label)) return 'server';
  if (status !== undefined && status >= 400) return 'bad-request';
  return 'stream-error';
}

function tidy(detail: string | undefined, ctx: ErrorContext): string | undefined {
  if (!detail) return undefined;
  const oneLine = redactApiKey(detail, ctx.apiKey).replace(/\s+/g, ' ').trim().replace(/[.\s]+$/, '');
  if (!oneLine) return undefined;
  return oneLine.length > 300 ? `${oneLine.slice(0, 297)}…` : oneLine;
}

export function buildModelError(kind: ModelErrorKind, ctx: ErrorContext, info: { status?: number; detail?: string; retryAfterMs?: number; retryable: boolean; cause?: unknown; message?: string }): ModelError {
  const details: ModelError['details'] = { provider: ctx.adapter.id, attempts: ctx.attempts, retryable: info.retryable };
  if (info.cause !== undefined) details.cause = info.cause;
  if (info.status !== undefined) details.status = info.status;
  if (info.retryAfterMs !== undefined) details.retryAfterMs = info.retryAfterMs;
  return new ModelError(kind, redactApiKey(info.message ?? messageFor(kind, ctx, info), ctx.apiKey), details);
}

export function classifyProviderError(error: unknown, ctx: ErrorContext): ModelError {
  if (error instanceof ModelError) return error;

  if (error instanceof HttpStatusError) {
    const body = providerErrorInfo(parseJson(error.body) ?? (error.body.trim() || undefined));
    const info: ProviderErrorInfo = { ...body, status: error.status };
    const kind = kindOf(info);
    const wait = retryAfterMs(error.headers, ctx.now);
    // insufficient_quota arrives as 429 but waiting does not help.
    const retryable = kind !== 'insufficient-credit' && (isRetryableStatus(error.status) || isAutoRetryable(kind));
    return buildModelError(kind, ctx, { status: error.status, detail: tidy(info.message, ctx), retryAfterMs: wait, retryable, cause: error });
  }

  if (error instanceof StreamEventError) {
    const info = providerErrorInfo(error.providerError);
    const detail = tidy([info.type ?? info.code, info.message].filter(Boolean).join(': ') || error.message, ctx);
    return buildModelError('stream-error', { ...ctx, midStream: true }, { detail, retryable: isAutoRetryable(kindOf(info)), cause: error });
  }

  const failure = networkFailure(error);
  if (failure !== undefined) return buildModelError('network', ctx, { detail: tidy(failure, ctx), retryable: true, cause: error });

  // Anything else: a plain object or string from the provider, or an unexpected exception.
  const info = providerErrorInfo(error instanceof Error ? { message: error.message } : error);
  const underlying = kindOf(info);
  const detail = tidy([info.type ?? info.code, info.message].filter(Boolean).join(': ') || (error instanceof Error ? error.message : String(error)), ctx);
  if (ctx.midStream) return buildModelError('stream-error', ctx, { detail, retryable: isAutoRetryable(underlying), cause: error });
  return buildModelError(underlying, ctx, { status: info.status, detail, retryable: isAutoRetryable(underlying), cause: error });
}

/** The stream ended before the provider said it was complete. */
export function truncatedStreamError(ctx: ErrorContext, cause?: unknown): ModelError {
  return buildModelError('network', { ...ctx, midStream: true }, { detail: 'the stream ended before the response was complete', retryable: true, cause });
}

export function cancelledError(ctx: ErrorContext): ModelError {
  return buildModelError('cancelled', ctx, { retryable: false });
}
