// The one error module: every kind of failure a model call can end in, whether trying again can
// help (automatically, or only when the user asks), and the ModelError that carries it. Provider
// messages are written in providers/errorMessages.ts from these kinds; retry timing lives in
// providers/retryPolicy.ts; nothing else decides what is retryable.

/**
 * retry: 'auto'   transient: the client sends the request again by itself (only before anything
 *                 streamed), and the user is offered Retry;
 *        'manual' trying again may help, but only when the user asks (Retry is offered);
 *        'never'  the same request fails the same way: something must change first.
 */
interface KindFacts {
  readonly retry: 'auto' | 'manual' | 'never';
  /** What went wrong, for surfaces that show the kind without the message. */
  readonly summary: string;
}

const KINDS = {
  auth: { retry: 'never', summary: 'The API key was rejected or is missing.' },
  permission: { retry: 'never', summary: 'The key may not use this model.' },
  'not-found': { retry: 'never', summary: 'The model or address does not exist.' },
  'rate-limit': { retry: 'auto', summary: 'The provider’s rate limit was reached.' },
  overloaded: { retry: 'auto', summary: 'The provider is overloaded.' },
  'context-too-long': { retry: 'never', summary: 'The request is too long for the model.' },
  'bad-request': { retry: 'never', summary: 'The provider rejected the request.' },
  'insufficient-credit': { retry: 'never', summary: 'The account has no credit or quota left.' },
  server: { retry: 'auto', summary: 'The provider had a server error.' },
  network: { retry: 'auto', summary: 'The connection failed or was cut.' },
  timeout: { retry: 'auto', summary: 'The provider took too long.' },
  cancelled: { retry: 'never', summary: 'The request was cancelled.' },
  'stream-error': { retry: 'manual', summary: 'The provider reported an error mid-response.' },
  'malformed-stream': { retry: 'manual', summary: 'The response could not be read.' },
  // Not failures of the model: refused before sending. Kept here so a job records one kind.
  budget: { retry: 'never', summary: 'A budget would be exceeded.' },
  config: { retry: 'never', summary: 'The settings cannot work as they are.' },
} as const satisfies Record<string, KindFacts>;

export type ModelErrorKind = keyof typeof KINDS;
export const MODEL_ERROR_KINDS = Object.keys(KINDS) as [ModelErrorKind, ...ModelErrorKind[]];

/** Kinds the client may retry by itself (the provider's word, e.g. a retryable error event, can still say no). */
export function isAutoRetryable(kind: ModelErrorKind): boolean {
  return KINDS[kind].retry === 'auto';
}

/** Kinds for which the user is offered Retry. */
export function isModelErrorKind(v: unknown): v is ModelErrorKind {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(KINDS, v);
}

export function offersRetry(kind: ModelErrorKind): boolean {
  return KINDS[kind].retry !== 'never';
}

export function kindSummary(kind: ModelErrorKind): string {
  return KINDS[kind].summary;
}

export class ModelError extends Error {
  override readonly name = 'ModelError';

  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    readonly details: {
      status?: number;
      retryable?: boolean;
      retryAfterMs?: number;
      provider?: string;
      attempts?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message);
  }
}

/**
 * Structural, not `instanceof`: the extension loads the providers from a separate bundle, whose
 * ModelError is a different class object than the engine's.
 */
export function isModelError(err: unknown): err is ModelError {
  if (err instanceof ModelError) return true;
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; kind?: unknown; details?: unknown };
  return e.name === 'ModelError' && typeof e.kind === 'string' && Object.prototype.hasOwnProperty.call(KINDS, e.kind) && typeof e.details === 'object' && e.details !== null;
}
