import * as assert from 'node:assert/strict';
import type { JobEvent, JobRecord } from '../../../src/core/jobs/job';
import { JobManager, type JobWork } from '../../../src/core/jobs/jobManager';
import { JOB_FILE_PREFIX, JOBS_FILE, JobStore } from '../../../src/core/jobs/jobStore';
import { MemoryTextStore } from '../../../src/core/storage';
import { jobRecord } from '../../support/records';

let seq = 0;
function record(overrides: Partial<JobRecord> = {}): JobRecord {
  seq++;
  const base = jobRecord();
  return jobRecord({
    id: `job-${seq}`,
    route: { ...base.route, tier: 'capable', provider: 'openai', model: 'gpt-5-mini', reasoning: false, maxThinkingTokens: 0, complexity: { tier: 'medium', score: 3 }, expectedWait: { lowSeconds: 1, highSeconds: 3, reason: 'fast' } },
    cacheKey: `key-${seq}`,
    status: 'queued',
    createdAt: seq,
    ...overrides,
  });
}

/** Work that waits until the test releases it, or aborts with the signal. */
function gatedWork() {
  const gates = new Map<string, () => void>();
  const started: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const work: JobWork = (job, { signal, emit }) =>
    new Promise((resolve) => {
      started.push(job.id);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      emit({ type: 'reasoning', text: `thinking about ${job.id}` });
      const end = (status: 'succeeded' | 'cancelled') => {
        inFlight--;
        resolve({ status, answer: status === 'succeeded' ? 'done' : '' });
      };
      gates.set(job.id, () => end('succeeded'));
      signal.addEventListener('abort', () => end('cancelled'));
    });
  return { work, gates, started, max: () => maxInFlight };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('JobManager', () => {
  it('returns a job id at once and runs jobs with bounded concurrency', async () => {
    const g = gatedWork();
    const m = new JobManager(new JobStore(new MemoryTextStore(), () => undefined), g.work, { concurrency: 2 });
    const ids = [1, 2, 3, 4].map(() => m.submit(record()).jobId);
    await tick();
    assert.equal(g.started.length, 2);
    assert.equal(m.get(ids[2]!)?.status, 'queued');
    g.gates.get(ids[0]!)!();
    await m.whenDone(ids[0]!);
    await tick();
    assert.equal(g.started.length, 3);
    for (const id of ids.slice(1)) {
      await tick();
      g.gates.get(id)?.();
    }
    await Promise.all(ids.map((id) => m.whenDone(id).then((j) => (j.status === 'queued' ? undefined : j))));
    for (const id of ids) assert.equal(m.get(id)?.status, 'succeeded');
    assert.equal(g.max(), 2);
  });

  it('streams events to subscribers and reports state changes', async () => {
    const g = gatedWork();
    const m = new JobManager(new JobStore(new MemoryTextStore(), () => undefined), g.work, { concurrency: 1 });
    const job = record();
    const events: JobEvent[] = [];
    m.submit(job);
    m.subscribe(job.id, (e) => events.push(e));
    await tick();
    g.gates.get(job.id)!();
    await m.whenDone(job.id);
    assert.ok(events.some((e) => e.type === 'reasoning' && e.text.includes(job.id)), JSON.stringify(events.map((e) => e.type)));
    assert.ok(events.some((e) => e.type === 'state' && e.status === 'running'));
    assert.ok(events.some((e) => e.type === 'phase' && e.phase === 'done'));
  });

  it('cancels a queued job at once and aborts a running one', async () => {
    const g = gatedWork();
    const m = new JobManager(new JobStore(new MemoryTextStore(), () => undefined), g.work, { concurrency: 1 });
    const running = m.submit(record()).jobId;
    const queued = m.submit(record()).jobId;
    await tick();
    assert.equal(m.cancel(queued), true);
    assert.equal(m.get(queued)?.status, 'cancelled');
    assert.equal(m.cancel(running), true);
    const done = await m.whenDone(running);
    assert.equal(done.status, 'cancelled');
    assert.deepEqual(g.started, [running], 'the cancelled queued job never started');
    assert.equal(m.cancel(running), false, 'a finished job cannot be cancelled again');
  });

  it('joins identical requests in flight: one run, several listeners', async () => {
    const g = gatedWork();
    const m = new JobManager(new JobStore(new MemoryTextStore(), () => undefined), g.work, { concurrency: 4 });
    const results = Array.from({ length: 20 }, () => m.submit(record({ cacheKey: 'same-question' })));
    const first = results[0]!.jobId;
    assert.ok(results.every((r) => r.jobId === first));
    assert.equal(results.filter((r) => r.joined).length, 19);
    await tick();
    g.gates.get(first)!();
    await m.whenDone(first);
    assert.equal(g.started.length, 1);
  });

  it('persists every state change and brings running jobs back as interrupted', async () => {
    const store = new MemoryTextStore();
    const g = gatedWork();
    const m = new JobManager(new JobStore(store, () => undefined), g.work, { concurrency: 1 });
    const running = m.submit(record()).jobId;
    const queued = m.submit(record()).jobId;
    await tick();
    await m.flush();
    // The process dies here: nothing is finished. A new manager loads the same store.
    const warnings: string[] = [];
    const history = await new JobStore(store, (w) => warnings.push(w)).load();
    const byId = new Map(history.map((j) => [j.id, j]));
    assert.equal(byId.get(running)?.status, 'interrupted');
    assert.equal(byId.get(queued)?.status, 'interrupted');
    assert.equal(byId.get(running)?.request.target.filePath, 'a.ts', 'the request survives, so it can be re-run');
    assert.match(byId.get(running)?.error?.message ?? '', /Re-run/);
    // On disk each job keeps its own file; `interrupted` is decided at load, not written back,
    // because the process running it may be another window that is still alive.
    const files = [...store.files.keys()].filter((k) => k.startsWith(JOB_FILE_PREFIX));
    assert.equal(files.length, 2, files.join(', '));
    assert.deepEqual(warnings, []);
  });

  it('keeps an unreadable history file aside instead of losing it', async () => {
    const store = new MemoryTextStore();
    store.files.set(JOBS_FILE, '{"version":1,"jobs":[{"id":"x"');
    const warnings: string[] = [];
    const jobs = await new JobStore(store, (w) => warnings.push(w)).load();
    assert.deepEqual(jobs, []);
    assert.equal(warnings.length, 1);
    const aside = [...store.files.keys()].find((k) => k.startsWith('jobs.unreadable-'));
    assert.ok(aside);
    assert.equal(store.files.get(aside), '{"version":1,"jobs":[{"id":"x"');
  });

  it('bounds the stored history', async () => {
    const store = new MemoryTextStore();
    const jobStore = new JobStore(store, () => undefined, 5);
    for (const job of Array.from({ length: 12 }, () => record({ status: 'succeeded' }))) void jobStore.save(job);
    await jobStore.flush();
    const loaded = await jobStore.load();
    await jobStore.whenMaintained();
    assert.equal([...store.files.keys()].filter((k) => k.startsWith(JOB_FILE_PREFIX)).length, 5, 'older job files are pruned');
    assert.equal(loaded.length, 5);
    assert.deepEqual(
      loaded.map((j) => j.createdAt),
      [...loaded.map((j) => j.createdAt)].sort((a, b) => a - b),
    );
  });

  it('a listener that throws does not break the job or other listeners', async () => {
    const g = gatedWork();
    const m = new JobManager(new JobStore(new MemoryTextStore(), () => undefined), g.work, { concurrency: 1 });
    const job = record();
    m.submit(job);
    const seen: string[] = [];
    const original = console.error;
    console.error = () => undefined;
    try {
      m.subscribe(job.id, () => {
        throw new Error('bad listener');
      });
      m.subscribe(job.id, (e) => seen.push(e.type));
      await tick();
      g.gates.get(job.id)!();
      assert.equal((await m.whenDone(job.id)).status, 'succeeded');
    } finally {
      console.error = original;
    }
    assert.ok(seen.includes('reasoning'));
  });

  it('a work function that throws still ends the job as failed', async () => {
    const m = new JobManager(new JobStore(new MemoryTextStore(), () => undefined), async () => {
      throw new Error('boom');
    }, { concurrency: 1 });
    const { jobId } = m.submit(record());
    const done = await m.whenDone(jobId);
    assert.equal(done.status, 'failed');
    assert.match(done.error?.message ?? '', /boom/);
  });
});
