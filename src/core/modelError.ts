// Every provider failure becomes a ModelError with a class and a message the user can act on.

export const MODEL_ERROR_KINDS = [
  'auth',
  'permission',
  'not-found',
  'rate-limit',
  'overloaded',
  'context-too-long',
  'bad-request',
  'insufficient-credit',
  'server',
  'network',
  'timeout',
  'cancelled',
  'stream-error',
  'malformed-stream',
  'budget',
  'config',
] as const;
export type ModelErrorKind = (typeof MODEL_ERROR_KINDS)[number];

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
  return e.name === 'ModelError' && typeof e.kind === 'string' && (MODEL_ERROR_KINDS as readonly string[]).includes(e.kind) && typeof e.details === 'object' && e.details !== null;
}
