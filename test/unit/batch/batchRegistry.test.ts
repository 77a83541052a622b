// The registry is the only record of paid work waiting at a provider: an unreadable file is kept
// aside (never overwritten unseen), unreadable entries are dropped with a warning, a submission
// cut short by a crash is closed on the next open, and finished history stays bounded.
import * as assert from 'node:assert/strict';
import { BATCH_REGISTRY_FILE, BatchRegistry } from '../../../src/core/batch/batchRegistry';
import { MemoryTextStore } from '../../../src/core/storage';
import { CODE, openHarness, request } from './batchHarness';

describe('batch registry', () => {
  it('keeps an unreadable registry aside and starts afresh with a warning', async () => {
    const store = new MemoryTextStore();
    await store.write(BATCH_REGISTRY_FILE, '{"version":1,"batches":[{"batchId":');
    const warnings: string[] = [];
    const data = await new BatchRegistry(store, (w) => warnings.push(w)).read();
    assert.deepEqual(data, { batches: [], jobs: [] });
    const aside = [...store.files.keys()].find((k) => k.startsWith('batch-jobs.unreadable-'));
    assert.ok(aside, 'the unreadable file was kept');
    assert.equal(store.files.get(aside), '{"version":1,"batches":[{"batchId":');
    assert.match(warnings[0] ?? '', /unreadable; it was kept as batch-jobs\.unreadable-\d+\.json/);
  });

  it('closes a submission a crashed process left behind, and keeps finished history bounded', async () => {
    const store = new MemoryTextStore();
    const h = await openHarness('anthropic', 'http://127.0.0.1:9/v1', store);
    const plan = await h.engine.plan(request(), CODE);
    const record = h.engine.newRecord(plan, Date.now() - 60 * 60_000);
    const finished = Array.from({ length: 205 }, (_, i) => ({ ...record, id: `old${i}`, status: 'succeeded' as const, finishedAt: i }));
    await h.batches.registry.update((d) => {
      d.jobs.push({ jobId: record.id, customId: record.id, provider: 'anthropic', baseUrl: 'http://127.0.0.1:9/v1', state: 'submitting', job: record, reservedUsd: 0.5, cancelRequested: false });
      for (const job of finished) d.jobs.push({ jobId: job.id, customId: job.id, provider: 'anthropic', baseUrl: 'x', state: 'finished', job, reservedUsd: null, cancelRequested: false });
    });
    const reopened = await openHarness('anthropic', 'http://127.0.0.1:9/v1', store);
    const entry = await reopened.batches.get(record.id);
    assert.equal(entry?.state, 'finished');
    assert.equal(entry?.job.status, 'failed');
    assert.match(entry?.job.error?.message ?? '', /Interrupted while being submitted to the batch API/);
    assert.equal(reopened.engine.jobs.get(record.id)?.status, 'failed', 'it shows in the job history');
    assert.equal(reopened.engine.committedSpend().todayUsd, 0, 'its reservation is released');
    const all = await reopened.batches.list();
    assert.equal(all.length, 200, 'finished history is bounded');
    assert.equal(all.some((e) => e.jobId === 'old0'), false, 'the oldest went first');
  });
});
