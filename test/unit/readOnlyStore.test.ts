// A read-only or full data folder: cached answers still answer, finished results still show,
// and what could not be saved is said once — not once per write.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ListableTextStore } from '../../src/core/storage';
import { FileTextStore } from '../../src/node/fileTextStore';
import { CODE, ScriptedModel, openEngine, request } from '../support/crashChild';

/** The real store for reading; every change fails as the disk would (EROFS or ENOSPC). */
function failingWrites(store: FileTextStore, code: 'EROFS' | 'ENOSPC'): ListableTextStore & { attempts: number } {
  const fail = async (): Promise<never> => {
    wrapper.attempts++;
    throw Object.assign(new Error(`${code}: simulated ${code === 'EROFS' ? 'read-only file system' : 'full disk'}`), { code });
  };
  const wrapper = {
    attempts: 0,
    read: (n: string) => store.read(n),
    list: (p: string) => store.list(p),
    stat: (n: string) => store.stat(n),
    write: fail,
    append: fail,
    remove: fail,
    rename: fail,
    touch: fail,
    create: fail,
    withLock: fail,
  };
  return wrapper;
}

describe('A read-only or full data folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'deep-review-readonly-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const code of ['EROFS', 'ENOSPC'] as const) {
    it(`${code}: cache hits answer, history shows, and each store says once what it could not save`, async () => {
      const first = await openEngine(new FileTextStore(dir), new ScriptedModel());
      const paid = await first.engine.jobs.whenDone((await first.engine.review(request('cached'), CODE)).jobId);
      assert.equal(paid.status, 'succeeded');
      await first.engine.flush();

      const store = failingWrites(new FileTextStore(dir), code);
      const model = new ScriptedModel();
      const { engine, warnings } = await openEngine(store, model);
      assert.equal(warnings.length, 0, `opening only reads: ${warnings.join('; ')}`);
      assert.equal(engine.jobs.get(paid.id)?.status, 'succeeded', 'finished results still show');
      for (let i = 0; i < 3; i++) {
        const hit = await engine.review(request('cached'), CODE);
        assert.equal(hit.fromCache, true);
        const job = await engine.jobs.whenDone(hit.jobId);
        assert.equal(job.status, 'succeeded');
        assert.equal(job.result?.findings[0]?.title, 'Loop reads values[length]');
      }
      // A new question still runs; its answer just is not kept.
      const fresh = await engine.jobs.whenDone((await engine.review(request('not cached'), CODE)).jobId);
      assert.equal(fresh.status, 'succeeded');
      await engine.flush();
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(model.calls.length, 1);
      assert.ok(store.attempts > 3, 'writes were attempted (and failed)');
      const said = (re: RegExp) => warnings.filter((w) => re.test(w)).length;
      assert.equal(said(/Could not save the job history/), 1, warnings.join('\n'));
      assert.equal(said(/Could not write the cost ledger/), 1, warnings.join('\n'));
      assert.equal(said(/Could not write the analysis cache/), 1, warnings.join('\n'));
      assert.equal(said(/Could not save the wait-time history/), 1, warnings.join('\n'));
      assert.equal(warnings.length, 4, warnings.join('\n'));
      assert.ok(warnings.every((w) => w.includes(code)), warnings.join('\n'));
    });
  }
});
