// What users read when a call fails: what happened, in the provider's words where it gave
// any, and what to do about it. The fix hints work in VS Code and on the command line alike.
// The kinds and whether they are retryable are defined in ../modelError.ts.
import type { ModelErrorKind } from '../modelError';
import { providerName, type ErrorContext } from './errorContext';
import { maskUrlCredentials } from './urlCredentials';

const SET_KEY_HINT = 'Run “Deep Review: Set API Key”';

/** scheme://host of a URL, without credentials. */
export function originOf(baseUrl: string | undefined): string {
  if (!baseUrl) return 'its default address';
  try {
    const url = new URL(baseUrl);
    return `${url.protocol}//${url.host}`;
  } catch {
    return maskUrlCredentials(baseUrl);
  }
}

function baseUrlText(ctx: ErrorContext): string {
  return maskUrlCredentials(ctx.baseUrl) ?? 'default';
}

/** A server the user runs: no default address, or a default on this machine. */
function isLocal(ctx: ErrorContext): boolean {
  const base = ctx.adapter.facts.defaultBaseUrl;
  return base === undefined || /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])[:/]/.test(base);
}

function keyHint(ctx: ErrorContext): string {
  const env = ctx.adapter.facts.keyEnvVar;
  return env && ctx.adapter.facts.needsKey ? `${SET_KEY_HINT} or set ${env}.` : `${SET_KEY_HINT} with the key your server expects.`;
}

function attemptsNote(attempts: number): string {
  return attempts > 1 ? ` after ${attempts} attempts` : '';
}

function duration(ms: number): string {
  if (ms >= 120_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

/** The message for one kind of failure: what happened, in the provider's words, and the fix. */
export function messageFor(kind: ModelErrorKind, ctx: ErrorContext, info: { status?: number; detail?: string; retryAfterMs?: number }): string {
  const label = providerName(ctx);
  const code = info.status !== undefined ? ` (${info.status})` : '';
  const said = info.detail ? `: ${info.detail}` : '';
  const after = attemptsNote(ctx.attempts);
  const model = `“${ctx.model}”`;
  switch (kind) {
    case 'auth':
      return `${label} rejected the API key${code}${said}. ${keyHint(ctx)}`;
    case 'permission':
      return `${label} refused access to ${model}${code}${said}. Check that your API key's account, project and region may use this model.`;
    case 'not-found':
      return `${label} has no model ${model}${code}${said}. Check the model name in the Deep Review model settings and the base URL (${baseUrlText(ctx)})${ctx.adapter.notFoundHint(ctx.model)}.`;
    case 'context-too-long':
      return `The request is too long for ${model}${code}${said}. Review a smaller selection or fewer context lines, or choose a model with a larger context window.`;
    case 'bad-request':
      return `${label} rejected the request${code}${said}. Check the model name and the thinking settings (maxThinkingTokens, effort) for this model.`;
    case 'insufficient-credit':
      return `${label} reports insufficient credit or quota${code}${said}. Add credit or raise the quota in your ${label} account, or choose another provider.`;
    case 'rate-limit': {
      const wait = info.retryAfterMs !== undefined ? ` It asks to wait ${Math.ceil(info.retryAfterMs / 1000)} s.` : '';
      return `${label} rate limit reached${code}${after}${said}.${wait} Wait a minute and try again, or run fewer jobs at once.`;
    }
    case 'overloaded':
      return `${label} is overloaded${code}${after}${said}. Try again in a few minutes, or choose another model.`;
    case 'server':
      return `${label} had a server error${code}${after}${said}. Try again later.`;
    case 'timeout':
      return `${label} timed out${code}${after}${said}. Try again later.`;
    case 'network': {
      const fix = isLocal(ctx) ? 'Check that the server is running and the base URL is right.' : 'Check your network connection, proxy and the base URL.';
      const what = ctx.midStream ? `The connection to ${label} was cut mid-response` : `Could not reach ${label} at ${originOf(ctx.baseUrl)}`;
      return `${what}${after}${said}. ${fix}`;
    }
    case 'stream-error':
      return `${label} reported an error mid-response${said}. Try again${/overload/i.test(info.detail ?? '') ? ' in a few minutes' : ''}.`;
    case 'malformed-stream':
      return `${label} sent a response Deep Review could not read${said}. Check that the base URL (${baseUrlText(ctx)}) is the right address for ${label}.`;
    case 'cancelled':
      return `The ${label} request was cancelled.`;
    default:
      return `${label} request failed${said}.`;
  }
}

/** No key was given and the provider's environment variable is not set either. */
export function missingKeyMessage(ctx: ErrorContext): string {
  const env = ctx.adapter.facts.keyEnvVar;
  return `No ${providerName(ctx)} API key is set. ${SET_KEY_HINT}${env ? ` or set ${env}` : ''}.`;
}

export function idleTimeoutMessage(ctx: ErrorContext, idleMs: number): string {
  return `${providerName(ctx)} sent nothing for ${duration(idleMs)}, so Deep Review stopped waiting. Try again, or raise the idle timeout (setting deepReview.network.idleTimeoutSeconds).`;
}

export function deadlineMessage(ctx: ErrorContext, deadlineMs: number): string {
  return `${providerName(ctx)} did not finish within ${duration(deadlineMs)}, so Deep Review stopped the request. Try a smaller selection or less thinking, or raise the limit (setting deepReview.requestTimeoutSeconds, CLI --timeout).`;
}

export function crossOriginRedirectMessage(ctx: ErrorContext, status: number, location: string): string {
  return `${providerName(ctx)} at ${originOf(ctx.baseUrl)} answered with a redirect (${status}) to ${maskUrlCredentials(location)}, another address. Deep Review does not follow redirects to another address, so your API key was not sent there. If that address is right, set it as the base URL.`;
}

export function tooManyRedirectsMessage(ctx: ErrorContext, hops: number): string {
  return `${providerName(ctx)} at ${originOf(ctx.baseUrl)} redirected more than ${hops} times. Check the base URL (${baseUrlText(ctx)}).`;
}

export function notAnApiStreamMessage(ctx: ErrorContext, what: string): string {
  const example = ctx.adapter.facts.baseUrlExample;
  return `${baseUrlText(ctx)} answered with ${what} where a streamed ${providerName(ctx)} API response was expected. Check that the base URL is the API address${example ? `, e.g. ${example}` : ''}.`;
}

export function tooLargeMessage(ctx: ErrorContext, maxBytes: number): string {
  const size = maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / (1024 * 1024))} MB` : `${Math.round(maxBytes / 1024)} KB`;
  return `${providerName(ctx)} sent more than ${size} in one response, so Deep Review stopped reading. Check the base URL (${baseUrlText(ctx)}).`;
}

export function thinkingOverrunWarning(label: string, limit: number): string {
  return `${label} kept thinking far past the limit of ${limit.toLocaleString('en-US')} thinking tokens, so Deep Review stopped reading and kept what had arrived (billed as estimated). Raise maxThinkingTokens or lower the effort if the answer needs more.`;
}

export function urlCredentialsConflictMessage(ctx: ErrorContext): string {
  return `The ${providerName(ctx)} base URL carries a user name and password, and the API key goes in the same Authorization header. Remove the credentials from the base URL, or the API key.`;
}
