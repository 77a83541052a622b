import * as assert from 'node:assert/strict';
import { ModelError, isModelError } from '../../src/core/modelError';

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
