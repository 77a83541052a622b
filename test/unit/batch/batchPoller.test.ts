// The poller: nothing scheduled while nothing is pending, backoff between polls up to a cap,
// a failed poll retried later, and a submit during a poll never missed.
import * as assert from 'node:assert/strict';
import { BatchPoller } from '../../../src/core/batch/batchPoller';
import { ManualTimers } from './batchHarness';

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

describe('BatchPoller', () => {
  it('schedules nothing until kicked, backs off while pending, and stops when nothing is pending', async () => {
    const timers = new ManualTimers();
    let pending = 2;
    let polls = 0;
    const poller = new BatchPoller(
      async () => {
        polls++;
        return pending;
      },
      { timers, initialDelayMs: 1000, maxDelayMs: 5000, factor: 2 },
    );
    assert.equal(timers.pending.size, 0);
    poller.kick();
    assert.deepEqual(timers.delays(), [1000]);
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) {
      timers.fireAll();
      await settle();
      seen.push(...timers.delays());
    }
    assert.deepEqual(seen, [2000, 4000, 5000, 5000], 'doubling up to the cap');
    pending = 0;
    timers.fireAll();
    await settle();
    assert.equal(timers.pending.size, 0, 'no polling while nothing is pending');
    assert.equal(polls, 5);
    poller.kick();
    assert.deepEqual(timers.delays(), [1000], 'a new submit restarts the backoff');
  });

  it('retries a failed poll later, and re-polls soon when kicked during a poll', async () => {
    const timers = new ManualTimers();
    let release!: () => void;
    let mode: 'fail' | 'gate' = 'fail';
    const poller = new BatchPoller(
      async () => {
        if (mode === 'fail') throw new Error('network down');
        await new Promise<void>((r) => (release = r));
        return 0;
      },
      { timers, initialDelayMs: 1000, maxDelayMs: 60_000, factor: 3 },
    );
    poller.kick();
    timers.fireAll();
    await settle();
    assert.deepEqual(timers.delays(), [3000], 'a failed poll counts as still pending');
    mode = 'gate';
    timers.fireAll();
    await settle();
    poller.kick(); // a submit while that poll runs: it may have read the registry too early
    release();
    await settle();
    assert.deepEqual(timers.delays(), [1000], 'polled again soon although that poll found nothing pending');
  });
});
