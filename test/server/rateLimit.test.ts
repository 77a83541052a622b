// The per-member rate limiter (no database): a token bucket refilled continuously.
import * as assert from 'node:assert/strict';
import { RateLimiter } from '../../src/server/rateLimit';

describe('RateLimiter', () => {
  it('allows perMinute requests at once, then refills one every 60/perMinute seconds', () => {
    let now = 0;
    const limiter = new RateLimiter(3, () => now);
    assert.deepEqual([1, 2, 3, 4].map(() => limiter.take('alice')), [true, true, true, false]);
    now += 19_999;
    assert.equal(limiter.take('alice'), false);
    now += 1;
    assert.equal(limiter.take('alice'), true);
    assert.equal(limiter.take('alice'), false);
  });

  it('keeps members apart', () => {
    const limiter = new RateLimiter(1, () => 0);
    assert.equal(limiter.take('alice'), true);
    assert.equal(limiter.take('alice'), false);
    assert.equal(limiter.take('bob'), true);
  });

  it('0 turns the limit off', () => {
    const limiter = new RateLimiter(0, () => 0);
    for (let i = 0; i < 1000; i++) assert.equal(limiter.take('alice'), true);
  });
});
