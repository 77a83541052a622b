import * as assert from 'node:assert/strict';
import { MODEL_ERROR_KINDS, ModelError, isAutoRetryable, isModelError, kindSummary, offersRetry } from '../../src/core/modelError';

describe('isModelError', () => {
  it('recognises a ModelError made by another bundle copy of the class', () => {
    // The extension loads the providers from dist/providers.js: same shape, different class.
    class ForeignModelError extends Error {
      override readonly name = 'ModelError';
      constructor(
        readonly kind: string,
        message: string,
        readonly details: Record<string, unknown> = {},
      ) {
        super(message);
      }
    }
    assert.equal(isModelError(new ModelError('auth', 'bad key')), true);
    assert.equal(isModelError(new ForeignModelError('auth', 'bad key', { status: 401 })), true);
    assert.equal(isModelError(new ForeignModelError('not-a-kind', 'x')), false);
    assert.equal(isModelError(new Error('plain')), false);
    assert.equal(isModelError({ name: 'ModelError', kind: 'auth' }), false);
    assert.equal(isModelError(null), false);
  });
});

describe('error kinds: retryable defined once', () => {
  it('retries transient failures by itself and offers Retry for those and unreadable or failed streams', () => {
    assert.deepEqual(MODEL_ERROR_KINDS.filter(isAutoRetryable), ['rate-limit', 'overloaded', 'server', 'network', 'timeout']);
    assert.deepEqual(MODEL_ERROR_KINDS.filter(offersRetry), ['rate-limit', 'overloaded', 'server', 'network', 'timeout', 'stream-error', 'malformed-stream']);
    for (const kind of MODEL_ERROR_KINDS) assert.ok(kindSummary(kind).endsWith('.'), kind);
  });
});
