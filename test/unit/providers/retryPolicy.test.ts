import * as assert from 'node:assert/strict';
import { DEFAULT_RETRY_POLICY, abortableSleep, isRetryableStatus, retryAfterMs, retryDelayMs } from '../../../src/core/providers/retryPolicy';

describe('retry policy', () => {
  it('reads retry-after-ms, retry-after seconds and retry-after dates, in that order', () => {
    const now = () => Date.parse('2026-01-01T00:00:00Z');
    assert.equal(retryAfterMs({ 'retry-after-ms': '250.4', 'retry-after': '9' }), 251);
    assert.equal(retryAfterMs({ 'Retry-After': '2' }), 2000);
    assert.equal(retryAfterMs({ 'retry-after': '0.5' }), 500);
    assert.equal(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, now), 30_000);
    assert.equal(retryAfterMs({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, now), 0);
    assert.equal(retryAfterMs({ 'retry-after': 'soon' }), undefined);
    assert.equal(retryAfterMs({}), undefined);
    assert.equal(retryAfterMs(undefined), undefined);
  });

  it('retries timeouts, conflicts, rate limits and server faults only', () => {
    assert.deepEqual([400, 401, 403, 404, 408, 409, 413, 429, 500, 503, 529].filter(isRetryableStatus), [408, 409, 429, 500, 503, 529]);
  });

  it('doubles the backoff up to the cap, jitters it down, and takes a provider delay as given', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 500, maxDelayMs: 3000, random: () => 0 };
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, policy, undefined)), [500, 1000, 2000, 3000, 3000]);
    assert.equal(retryDelayMs(1, { ...policy, random: () => 1 }, undefined), 375);
    assert.equal(retryDelayMs(4, policy, 12_345), 12_345);
  });

  it('sleeps until the time is up, or rejects with the abort reason', async () => {
    await abortableSleep(1, new AbortController().signal);
    const controller = new AbortController();
    const pending = abortableSleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(pending, /stop/);
    await assert.rejects(abortableSleep(10, controller.signal), /stop/);
  });
});
