// What users read when a call fails: what happened, in the provider's words where it gave
// any, and what to do about it. The fix hints work in VS Code and on the command line alike.
import type { ModelErrorKind } from '../modelError';
import type { ErrorContext } from './errorContext';
import type { ApiProviderId } from './providerAdapter';

const SET_KEY_HINT = 'Run “Deep Review: Set API Key”';

function origin(baseUrl: string | undefined): string {
  if (!baseUrl) return 'its default address';
  try {
    const url = new URL(baseUrl);
    return `${url.protocol}//${url.host}`;
  } catch {
    return baseUrl;
  }
}

const LOCAL_PROVIDERS: ReadonlySet<ApiProviderId> = new Set(['ollama', 'openai-compatible']);

function keyHint(ctx: ErrorContext): string {
  const env = ctx.adapter.apiKeyEnvVar;
  return env ? `${SET_KEY_HINT} or set ${env}.` : `${SET_KEY_HINT} with the key your server expects.`;
}

function attemptsNote(attempts: number): string {
  return attempts > 1 ? ` after ${attempts} attempts` : '';
}

/** The message for one kind of failure: what happened, in the provider's words, and the fix. */
export function messageFor(kind: ModelErrorKind, ctx: ErrorContext, info: { status?: number; detail?: string; retryAfterMs?: number }): string {
  const { label } = ctx.adapter;
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
      return `${label} has no model ${model}${code}${said}. Check the model name in the Deep Review model settings and the base URL (${ctx.baseUrl ?? 'default'})${ctx.adapter.notFoundHint(ctx.model)}.`;
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
      const fix = LOCAL_PROVIDERS.has(ctx.adapter.id) ? 'Check that the server is running and the base URL is right.' : 'Check your network connection, proxy and the base URL.';
      const what = ctx.midStream ? `The connection to ${label} was cut mid-response` : `Could not reach ${label} at ${origin(ctx.baseUrl)}`;
      return `${what}${after}${said}. ${fix}`;
    }
    case 'stream-error':
      return `${label} reported an error mid-response${said}. Try again${/overload/i.test(info.detail ?? '') ? ' in a few minutes' : ''}.`;
    case 'malformed-stream':
      return `${label} sent a response Deep Review could not read${said}. Check that the base URL (${ctx.baseUrl ?? 'default'}) is the right address for ${label}.`;
    case 'cancelled':
      return `The ${label} request was cancelled.`;
    default:
      return `${label} request failed${said}.`;
  }
}

/** No key was given and the provider's environment variable is not set either. */
export function missingKeyMessage(ctx: ErrorContext): string {
  const env = ctx.adapter.apiKeyEnvVar;
  return `No ${ctx.adapter.label} API key is set. ${SET_KEY_HINT}${env ? ` or set ${env}` : ''}.`;
}

export function idleTimeoutMessage(ctx: ErrorContext, idleMs: number): string {
  const silence = idleMs >= 1000 ? `${Math.round(idleMs / 1000)} s` : `${idleMs} ms`;
  return `${ctx.adapter.label} sent nothing for ${silence}, so Deep Review stopped waiting. Try again, or raise the idle timeout (setting deepReview.network.idleTimeoutSeconds).`;
}
