// Turns whatever a provider call threw (AI SDK errors, fetch failures, error events inside a
// 200 stream, plain strings) into one ModelError with a kind the job runner can act on and a
// message the user can act on (errorMessages.ts). No message ever carries the API key.
import { APICallError, EmptyResponseBodyError, InvalidResponseDataError, JSONParseError, LoadAPIKeyError, NoOutputGeneratedError, TypeValidationError } from 'ai';
import * as z from 'zod';
import { ModelError, type ModelErrorKind } from '../modelError';
import type { ErrorContext } from './errorContext';
import { idleTimeoutMessage, messageFor, missingKeyMessage } from './errorMessages';
import { isRetryableStatus, retryAfterMs } from './retryPolicy';
import { redactApiKey } from './apiKeyRedaction';
import { StreamErrorLine } from './ndjsonLineGuard';

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

const textField = z.string();
const codeField = z.union([z.string(), z.number()]);
const statusField = z.number().int();

/** Reads {error:{…}}, {type:'error', error:{…}}, {error:'…'}, {message,type,code} and plain strings. */
export function providerErrorInfo(value: unknown, depth = 0): ProviderErrorInfo {
  if (typeof value === 'string') return { message: value };
  if (depth > 3 || typeof value !== 'object' || value === null) return {};
  const fields = value as Record<string, unknown>;
  const nested = 'error' in fields ? providerErrorInfo(fields.error, depth + 1) : {};
  // Field by field: providers mix in nulls and extra fields freely.
  const own: ProviderErrorInfo = {};
  const message = textField.safeParse(fields.message);
  if (message.success) own.message = message.data;
  const type = textField.safeParse(fields.type);
  if (type.success && type.data !== 'error') own.type = type.data;
  const code = codeField.safeParse(fields.code);
  if (code.success) {
    own.code = String(code.data);
    if (typeof code.data === 'number' && code.data >= 400 && code.data <= 599) own.status = code.data;
  }
  const status = statusField.safeParse(fields.statusCode ?? fields.status);
  if (status.success) own.status = status.data;
  return { ...own, ...definedOnly(nested) };
}

function definedOnly(info: ProviderErrorInfo): ProviderErrorInfo {
  return Object.fromEntries(Object.entries(info).filter(([, v]) => v !== undefined));
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
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
function networkFailure(error: unknown): string | undefined {
  for (const e of causeChain(error)) {
    if (typeof e !== 'object' || e === null) continue;
    const code = 'code' in e && typeof e.code === 'string' ? e.code : undefined;
    const message = e instanceof Error ? e.message : undefined;
    if (code && NETWORK_CODES.has(code)) return message && !message.includes(code) ? `${code} (${message})` : (message ?? code);
    if (message && NETWORK_MESSAGE.test(message) && !APICallError.isInstance(e)) return message;
  }
  return undefined;
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

function isRetryableKind(kind: ModelErrorKind): boolean {
  return kind === 'rate-limit' || kind === 'overloaded' || kind === 'server' || kind === 'timeout' || kind === 'network';
}

function tidy(detail: string | undefined, ctx: ErrorContext): string | undefined {
  if (!detail) return undefined;
  const oneLine = redactApiKey(detail, ctx.apiKey).replace(/\s+/g, ' ').trim().replace(/[.\s]+$/, '');
  if (!oneLine) return undefined;
  return oneLine.length > 300 ? `${oneLine.slice(0, 297)}…` : oneLine;
}

function build(kind: ModelErrorKind, ctx: ErrorContext, info: { status?: number; detail?: string; retryAfterMs?: number; retryable: boolean; cause: unknown }): ModelError {
  const details: ModelError['details'] = { provider: ctx.adapter.id, attempts: ctx.attempts, retryable: info.retryable, cause: info.cause };
  if (info.status !== undefined) details.status = info.status;
  if (info.retryAfterMs !== undefined) details.retryAfterMs = info.retryAfterMs;
  return new ModelError(kind, redactApiKey(messageFor(kind, ctx, info), ctx.apiKey), details);
}

export function classifyProviderError(error: unknown, ctx: ErrorContext): ModelError {
  if (error instanceof ModelError) return error;

  if (LoadAPIKeyError.isInstance(error)) {
    return new ModelError('auth', missingKeyMessage(ctx), { provider: ctx.adapter.id, attempts: ctx.attempts, retryable: false });
  }

  if (APICallError.isInstance(error)) {
    if (error.statusCode === undefined) {
      const failure = networkFailure(error.cause) ?? error.message;
      return build('network', ctx, { detail: tidy(failure, ctx), retryable: true, cause: error });
    }
    if (error.statusCode >= 200 && error.statusCode < 300) {
      // A 200 whose body failed while being read: a cut connection or an unreadable stream.
      const failure = networkFailure(error.cause);
      if (failure !== undefined) return build('network', { ...ctx, midStream: true }, { detail: tidy(failure, ctx), retryable: true, cause: error });
      const reason = error.cause instanceof Error ? error.cause.message : error.message;
      return build('malformed-stream', ctx, { detail: tidy(reason, ctx), retryable: false, cause: error });
    }
    const body = providerErrorInfo(parseJson(error.responseBody) ?? error.data);
    const info: ProviderErrorInfo = { ...body, status: error.statusCode, message: body.message ?? error.message };
    const kind = kindOf(info);
    const wait = retryAfterMs(error.responseHeaders, ctx.now);
    // insufficient_quota arrives as 429 but waiting does not help.
    const retryable = kind !== 'insufficient-credit' && (isRetryableStatus(error.statusCode) || isRetryableKind(kind));
    return build(kind, ctx, { status: error.statusCode, detail: tidy(info.message, ctx), retryAfterMs: wait, retryable, cause: error });
  }

  // The body ended cleanly but without the provider's end marker (a proxy closing early).
  if (NoOutputGeneratedError.isInstance(error) || (InvalidResponseDataError.isInstance(error) && /ended without a finish/i.test(error.message))) {
    return truncatedStreamError(ctx, error);
  }

  if (JSONParseError.isInstance(error) || TypeValidationError.isInstance(error) || InvalidResponseDataError.isInstance(error) || EmptyResponseBodyError.isInstance(error)) {
    const detail = JSONParseError.isInstance(error) ? `unreadable chunk ${JSON.stringify(error.text.slice(0, 80))}` : error.message.split('\n')[0];
    return build('malformed-stream', ctx, { detail: tidy(detail, ctx), retryable: false, cause: error });
  }

  if (error instanceof StreamErrorLine) {
    const info = providerErrorInfo(error.providerError);
    return build('stream-error', { ...ctx, midStream: true }, { detail: tidy(info.message ?? error.message, ctx), retryable: isRetryableKind(kindOf(info)), cause: error });
  }

  const failure = networkFailure(error);
  if (failure !== undefined) return build('network', ctx, { detail: tidy(failure, ctx), retryable: true, cause: error });

  // An error event inside a 200 stream: a plain object or string from the provider.
  const info = providerErrorInfo(error instanceof Error ? { message: error.message } : error);
  const underlying = kindOf(info);
  const detail = tidy([info.type ?? info.code, info.message].filter(Boolean).join(': ') || (error instanceof Error ? error.message : String(error)), ctx);
  if (ctx.midStream) return build('stream-error', ctx, { detail, retryable: isRetryableKind(underlying), cause: error });
  return build(underlying, ctx, { status: info.status, detail, retryable: isRetryableKind(underlying), cause: error });
}

/** The stream ended before the provider said it was complete. */
export function truncatedStreamError(ctx: ErrorContext, cause?: unknown): ModelError {
  return build('network', { ...ctx, midStream: true }, { detail: 'the stream ended before the response was complete', retryable: true, cause });
}

/** The idle timeout fired: the provider sent nothing for idleMs. */
export function idleTimeoutError(ctx: ErrorContext, idleMs: number): ModelError {
  return new ModelError('timeout', idleTimeoutMessage(ctx, idleMs), { provider: ctx.adapter.id, attempts: ctx.attempts, retryable: false });
}

export function cancelledError(ctx: ErrorContext): ModelError {
  return new ModelError('cancelled', messageFor('cancelled', ctx, {}), { provider: ctx.adapter.id, attempts: ctx.attempts, retryable: false });
}
