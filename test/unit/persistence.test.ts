// Persistence on the real disk (FileTextStore in a tmp dir): a process killed mid-job, files
// left truncated or garbage, and writes that fail half-way.
//
// This bundle doubles as the child process that gets killed: run with CRASH_CHILD_ENV set it
// does the child's work (test/support/crashChild.ts) instead of declaring the suites.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fsModule from 'node:fs';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CACHE_INDEX_FILE } from '../../src/core/cache/analysisCache';
import { JOB_FILE_PREFIX, JOBS_FILE } from '../../src/core/jobs/jobStore';
import type { ListableTextStore } from '../../src/core/storage';
import { FileTextStore } from '../../src/node/fileTextStore';
import { rng } from '../support/seededRandom';
import {
  BIG_CODE,
  CODE,
  CRASH_CHILD_ENV,
  HANG_MARKER,
  READY_PREFIX,
  ScriptedModel,
  WRITER_FILE,
  openEngine,
  request,
  runCrashChild,
  writerContent,
  type CrashChildMode,
  type EngineChildReport,
  type WriterChildReport,
} from '../support/crashChild';

const LEDGER_FILE = 'ledger.jsonl';
const WAIT_FILE = 'wait-history.jsonl';

const childArg = process.env[CRASH_CHILD_ENV];
if (childArg !== undefined) {
  runCrashChild(childArg).catch((err: unknown) => {
    console.error('crash child failed:', err);
    process.exit(2);
  });
} else {
  describe('Persistence (FileTextStore)', function () {
    this.timeout(60_000);
    /** Tests of bugs reported but not yet fixed in src/: run them with DEEP_REVIEW_KNOWN_BUGS=1. */
    const knownBug = it; // were known bugs, fixed in src/
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'deep-review-persist-'));
    });
    afterEach(async () => {
      // Background writes (wait-time history) may still land while the dir is removed: retry.
      await new Promise((r) => setTimeout(r, 20));
      rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    });

    const tmpFiles = () => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

    /** Runs this bundle as a crash child, waits for its READY line, SIGKILLs it. */
    async function runChildAndKill<T>(mode: CrashChildMode, killDelayMs = 0): Promise<T> {
      const child = spawn(process.execPath, [__filename], {
        env: { ...process.env, [CRASH_CHILD_ENV]: JSON.stringify({ mode, dir }) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
      let ready = false;
      try {
        const report = await new Promise<T>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`the child printed no READY line within 45 s; stderr:\n${stderr}`)), 45_000);
          const check = () => {
            const line = stdout.split('\n').find((l) => l.startsWith(READY_PREFIX));
            if (!line) return;
            clearTimeout(timer);
            ready = true;
            resolve(JSON.parse(line.slice(READY_PREFIX.length)) as T);
          };
          child.stdout.on('data', check);
          void exited.then(({ code, signal }) => {
            clearTimeout(timer);
            reject(new Error(`the child exited (${code ?? signal}) before READY; stderr:\n${stderr}`));
          });
        });
        if (killDelayMs > 0) await new Promise((r) => setTimeout(r, killDelayMs));
        return report;
      } finally {
        child.kill('SIGKILL');
        const { code, signal } = await exited;
        if (ready && signal !== 'SIGKILL') assert.fail(`the child ended by itself (${code ?? signal}) instead of being killed; stderr:\n${stderr}`);
      }
    }

    describe('a process killed in the middle of a job', () => {
      it('brings the job back as interrupted and re-runnable; ledger, history, cache and wait times survive', async () => {
        const report = await runChildAndKill<EngineChildReport>('engine');
        assert.deepEqual(report.warnings, []);

        const model = new ScriptedModel();
        const { engine, warnings } = await openEngine(new FileTextStore(dir), model);
        assert.deepEqual(warnings, [], 'nothing written before the kill was torn');

        const hung = engine.jobs.get(report.hungJobId);
        assert.equal(hung?.status, 'interrupted');
        assert.match(hung?.error?.message ?? '', /Interrupted/);
        assert.equal(hung?.request.instruction, `${HANG_MARKER} never answers`, 'the request is kept so it can be re-run');
        const finished = engine.jobs.get(report.finishedJobId);
        assert.equal(finished?.status, 'succeeded');
        assert.equal(finished?.result?.findings[0]?.title, 'Loop reads values[length]');

        // Ledger: the finished job's spend is there; the killed job never reported any, so its
        // reservation (its worst case, written before sending) still counts after the restart.
        const records = engine.ledger.records();
        assert.deepEqual(
          records.map((r) => [r.jobId, r.outcome]),
          [
            [report.finishedJobId, 'succeeded'],
            [report.hungJobId, 'unfinished'],
          ],
        );
        const held = records.find((r) => r.outcome === 'unfinished');
        assert.ok(held?.costUsd, 'the killed job holds its worst case');
        assert.ok(engine.ledger.spent().todayUsd >= held.costUsd, 'and it counts against the budget after the restart');
        // Wait-time history and analysis cache.
        assert.equal(engine.waits.samples().length, 1);
        await engine.cache.whenScanned();
        assert.equal(engine.cache.size, 1);
        const again = await engine.review(request('finish this one'), CODE);
        assert.equal(again.fromCache, true);
        assert.equal((await engine.jobs.whenDone(again.jobId)).status, 'succeeded');
        assert.equal(model.calls.length, 0, 'the cached answer needed no model call');

        // Re-run the interrupted job.
        const plan = await engine.planRerun(report.hungJobId, CODE);
        assert.equal(plan.cached, undefined, 'a re-run never answers from the cache');
        const started = engine.start(plan);
        assert.equal(started.fromCache, false);
        const rerun = await engine.jobs.whenDone(started.jobId);
        assert.equal(rerun.status, 'succeeded');
        assert.equal(rerun.parentJobId, report.hungJobId);
        assert.equal(model.calls.length, 1);
        await engine.flush();
        // The cache hit's ledger line is appended in the background; let it land.
        for (let i = 0; !readFileSync(join(dir, LEDGER_FILE), 'utf8').includes(again.jobId); i++) {
          if (i > 500) assert.fail('the cache hit was never written to the ledger');
          await new Promise((r) => setTimeout(r, 10));
        }

        // And all of it is on disk for the next start.
        const third = await openEngine(new FileTextStore(dir), new ScriptedModel());
        assert.deepEqual(third.warnings, []);
        assert.equal(third.engine.jobs.get(report.hungJobId)?.status, 'interrupted');
        assert.equal(third.engine.jobs.get(rerun.id)?.status, 'succeeded');
        assert.deepEqual(new Set(third.engine.ledger.records().map((r) => r.jobId)), new Set([report.finishedJobId, report.hungJobId, again.jobId, rerun.id]));
        await third.engine.cache.whenScanned();
        assert.equal(third.engine.cache.size, 2);
        assert.deepEqual(tmpFiles(), []);
      });

      it('kill -9 at 40 random points of a busy engine: no corruption, no stray temp files or locks', async function () {
        this.timeout(180_000);
        const rand = rng(40);
        for (let run = 0; run < 40; run++) {
          await runChildAndKill<{ pid: number }>('churn', Math.floor(rand() * 400));
          const store = new FileTextStore(dir);
          const { engine, warnings } = await openEngine(store, new ScriptedModel());
          await store.sweep();
          await engine.cache.whenScanned();
          assert.deepEqual(warnings, [], `run ${run}: nothing torn at open`);
          assert.deepEqual(readdirSync(dir).filter((f) => /\.(tmp|lock)$|\.claim-/.test(f) || f.startsWith('aside-')), [], `run ${run}: leftovers`);
          // Every entry and record on disk reads back whole.
          for (const f of readdirSync(dir).filter((n) => /^analysis-[0-9a-f]+\.json$/.test(n))) {
            assert.ok(await engine.cache.get(f.slice('analysis-'.length, -'.json'.length)), `run ${run}: ${f}`);
          }
          for (const job of engine.jobs.list().filter((j) => j.textRefs)) {
            assert.equal((await engine.jobs.fullRequest(job.id))?.target.code, BIG_CODE, `run ${run}: ${job.id} lost its text`);
          }
          assert.deepEqual(warnings, [], `run ${run}: nothing torn when read`);
          // A question the killed child was asking is not left claimed: the open sweeps its claim.
          for (let i = 0; readdirSync(dir).some((f) => f.startsWith('inflight-')); i++) {
            if (i > 200) assert.fail(`run ${run}: claims left: ${readdirSync(dir).filter((f) => f.startsWith('inflight-')).join(', ')}`);
            await new Promise((r) => setTimeout(r, 5));
          }
          await engine.flush();
        }
      });

      it('a file being rewritten when the process dies holds the old or the new content, never a mix', async () => {
        await runChildAndKill<WriterChildReport>('writer', Math.floor(Math.random() * 30));
        const text = await new FileTextStore(dir).read(WRITER_FILE);
        assert.ok(text === writerContent(0) || text === writerContent(1), `torn content: ${text?.length} chars, ends ${JSON.stringify(text?.slice(-8))}`);
        // The store keeps working after the crash (a temp file of the killed write may remain).
        await new FileTextStore(dir).write(WRITER_FILE, 'after');
        assert.equal(await new FileTextStore(dir).read(WRITER_FILE), 'after');
      });
    });

    describe('truncated or garbage files', () => {
      /** Runs one job to completion on the dir and returns its id. */
      async function populate(instruction = 'first'): Promise<string> {
        const { engine, warnings } = await openEngine(new FileTextStore(dir), new ScriptedModel());
        const job = await engine.jobs.whenDone((await engine.review(request(instruction), CODE)).jobId);
        assert.equal(job.status, 'succeeded');
        await engine.flush();
        await waitForFile(WAIT_FILE);
        assert.deepEqual(warnings, []);
        return job.id;
      }

      async function waitForFile(name: string): Promise<void> {
        for (let i = 0; !fsModule.existsSync(join(dir, name)); i++) {
          if (i > 500) assert.fail(`${name} was never written`);
          await new Promise((r) => setTimeout(r, 10));
        }
      }

      /** Opens an engine and checks a new job still runs and is persisted. */
      async function openAndRunOne(instruction: string) {
        const model = new ScriptedModel();
        const opened = await openEngine(new FileTextStore(dir), model);
        const job = await opened.engine.jobs.whenDone((await opened.engine.review(request(instruction), CODE)).jobId);
        assert.equal(job.status, 'succeeded', job.error?.message);
        await opened.engine.flush();
        return { ...opened, job, model };
      }

      it('skips a torn last ledger line with a warning; the next record starts on its own line', async () => {
        const first = await populate();
        const full = readFileSync(join(dir, LEDGER_FILE), 'utf8');
        writeFileSync(join(dir, LEDGER_FILE), `${full}{"type":"job","jobId":"torn","at":17`);
        const { engine, warnings, job } = await openAndRunOne('second');
        assert.equal(warnings.length, 1, warnings.join('\n'));
        // Line 1 is the first job's reservation, line 2 its record, line 3 the torn one.
        assert.match(warnings[0]!, /ledger\.jsonl: skipped 1 unreadable line \(line 3\)/);
        assert.deepEqual(
          engine.ledger.records().map((r) => r.jobId),
          [first, job.id],
        );
        const reopened = await openEngine(new FileTextStore(dir), new ScriptedModel());
        assert.deepEqual(
          reopened.engine.ledger.records().map((r) => r.jobId),
          [first, job.id],
          'the record written after the torn line is readable',
        );
        assert.equal(reopened.warnings.length, 1, 'only the torn line is still skipped');
      });

      it('survives a ledger that is entirely garbage (binary, empty lines, wrong shapes)', async () => {
        writeFileSync(join(dir, LEDGER_FILE), '\u0000\u0001\u00ff garbage\n\n{"type":"job"}\n[1,2,3]\nnull\n{"type":"outcome","jobId":"x","at":-1,"mark":"helpful"}');
        const { engine, warnings, job } = await openAndRunOne('after garbage');
        assert.equal(warnings.length, 1, warnings.join('\n'));
        assert.match(warnings[0]!, /skipped 5 unreadable lines/);
        assert.deepEqual(
          engine.ledger.records().map((r) => r.jobId),
          [job.id],
        );
        const reopened = await openEngine(new FileTextStore(dir), new ScriptedModel());
        assert.deepEqual(
          reopened.engine.ledger.records().map((r) => r.jobId),
          [job.id],
        );
      });

      const jobFiles = () => readdirSync(dir).filter((f) => f.startsWith(JOB_FILE_PREFIX));
      /** The job history as an earlier version stored it: one jobs.json, no per-job files. */
      function asLegacyHistory(extra: unknown[] = []): string {
        const jobs = jobFiles().map((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { job: unknown }).job);
        for (const f of jobFiles()) rmSync(join(dir, f));
        return JSON.stringify({ version: 1, jobs: [...jobs, ...extra] });
      }

      it('migrates a jobs.json of an earlier version to per-job files, once', async () => {
        const first = await populate();
        writeFileSync(join(dir, JOBS_FILE), asLegacyHistory());
        const { engine, warnings, job } = await openAndRunOne('after migration');
        assert.deepEqual(warnings, []);
        assert.deepEqual(new Set(engine.jobs.list().map((j) => j.id)), new Set([first, job.id]));
        assert.equal(fsModule.existsSync(join(dir, JOBS_FILE)), false, 'the old file is gone once migrated');
        assert.equal(jobFiles().length, 2);
        const reopened = await openEngine(new FileTextStore(dir), new ScriptedModel());
        assert.deepEqual(reopened.warnings, []);
        assert.equal(reopened.engine.jobs.list().length, 2);
      });

      it('keeps an unreadable jobs.json (earlier version) aside with a warning and starts a new history', async () => {
        await populate();
        const valid = asLegacyHistory();
        const variants = ['', valid.slice(0, Math.floor(valid.length / 2)), '\u0000\u0000\u0000\u0000', '[]', '{"version":2,"jobs":[]}', 'null'];
        for (const [i, garbage] of variants.entries()) {
          writeFileSync(join(dir, JOBS_FILE), garbage);
          for (const f of [...readdirSync(dir).filter((n) => n.startsWith('jobs.unreadable-')), ...jobFiles()]) rmSync(join(dir, f));
          const { engine, warnings, job } = await openAndRunOne(`after broken history ${i}`);
          const historyWarnings = warnings.filter((w) => /job history/.test(w));
          assert.equal(historyWarnings.length, 1, `variant ${i}: ${warnings.join('\n')}`);
          const aside = /kept as (jobs\.unreadable-\d+\.json)/.exec(historyWarnings[0]!)?.[1];
          assert.ok(aside, historyWarnings[0]);
          assert.equal(readFileSync(join(dir, aside), 'utf8'), garbage, 'the unreadable file is kept, not lost');
          assert.deepEqual(
            engine.jobs.list().map((j) => j.id),
            [job.id],
          );
          const reopened = await openEngine(new FileTextStore(dir), new ScriptedModel());
          assert.deepEqual(reopened.warnings, [], `variant ${i}`);
          assert.equal(reopened.engine.jobs.get(job.id)?.status, 'succeeded');
        }
      });

      it('drops unreadable job records but keeps the readable ones', async () => {
        const first = await populate();
        writeFileSync(join(dir, JOBS_FILE), asLegacyHistory([{ id: 'broken', status: 'running' }, 42, null]));
        const { engine, warnings } = await openAndRunOne('second');
        assert.deepEqual(warnings, ['Dropped 3 unreadable job record(s) from the history.']);
        assert.equal(engine.jobs.get(first)?.status, 'succeeded');
        assert.equal(engine.jobs.list().length, 2);
      });

      it('moves an unreadable per-job file aside, names it, and keeps the other jobs', async () => {
        const first = await populate('first');
        const second = await populate('second');
        const broken = jobFiles().find((f) => f.endsWith(`-${second}.json`));
        assert.ok(broken);
        const torn = readFileSync(join(dir, broken), 'utf8').slice(0, 40);
        writeFileSync(join(dir, broken), torn);
        const { engine, warnings } = await openEngine(new FileTextStore(dir), new ScriptedModel());
        assert.equal(warnings.length, 1, warnings.join('\n'));
        assert.match(warnings[0]!, new RegExp(`1 job history record\\(s\\) were unreadable and were moved aside \\(aside-\\d+-${broken.replace(/[.]/g, '\\.')}\\)`));
        assert.deepEqual(engine.jobs.list().map((j) => j.id), [first]);
        const aside = readdirSync(dir).find((f) => f.startsWith('aside-') && f.endsWith(broken));
        assert.equal(readFileSync(join(dir, aside!), 'utf8'), torn, 'kept for the user, not deleted');
        assert.deepEqual((await openEngine(new FileTextStore(dir), new ScriptedModel())).warnings, []);
      });

      it('an analysis cache index left by an earlier version (even garbage) hides nothing and is removed', async () => {
        await populate();
        for (const [i, garbage] of ['', '\u0000binary\u0001', '{"version":1}', '{"version":1,"entries":[]}'].entries()) {
          writeFileSync(join(dir, CACHE_INDEX_FILE), garbage);
          const model = new ScriptedModel();
          const { engine, warnings } = await openEngine(new FileTextStore(dir), model);
          const hit = await engine.review(request('first'), CODE);
          assert.equal(hit.fromCache, true, `variant ${i}: the entry file answers without any index`);
          await engine.cache.whenScanned();
          await engine.flush();
          assert.deepEqual(warnings, [], `variant ${i}`);
          assert.equal(engine.cache.size, 1);
          assert.equal(fsModule.existsSync(join(dir, CACHE_INDEX_FILE)), false, `variant ${i}: the old index is gone`);
          assert.equal(model.calls.length, 0);
        }
      });

      it('drops a truncated, garbage or missing cache entry with a warning and analyses again', async () => {
        await populate();
        const entry = readdirSync(dir).find((f) => /^analysis-[0-9a-f]+\.json$/.test(f));
        assert.ok(entry);
        const valid = readFileSync(join(dir, entry), 'utf8');
        for (const [i, garbage] of [valid.slice(0, valid.length >> 1), '', 'garbage', JSON.stringify({ ...JSON.parse(valid), key: 'f'.repeat(64) }), undefined].entries()) {
          if (garbage === undefined) rmSync(join(dir, entry));
          else writeFileSync(join(dir, entry), garbage);
          const model = new ScriptedModel();
          const { engine, warnings } = await openEngine(new FileTextStore(dir), model);
          assert.deepEqual(warnings, [], 'no entry is read at open');
          const redo = await engine.review(request('first'), CODE);
          assert.equal(redo.fromCache, false, `variant ${i}`);
          if (garbage === undefined) {
            assert.deepEqual(warnings, [], 'a missing entry is simply not cached');
          } else {
            assert.equal(warnings.length, 1, `variant ${i}: ${warnings.join('\n')}`);
            assert.match(warnings[0]!, /Dropped a corrupted analysis cache entry for src\/avg\.js/);
          }
          assert.equal((await engine.jobs.whenDone(redo.jobId)).status, 'succeeded');
          assert.equal(model.calls.length, 1);
          await engine.flush();
          assert.equal(readFileSync(join(dir, entry), 'utf8').length > 0, true, 'rewritten by the new analysis');
          const again = await engine.review(request('first'), CODE);
          assert.equal(again.fromCache, true);
          await engine.flush();
        }
      });

      it('a 1 GB file in the data folder is detected before reading, moved aside and named; the rest keeps working', async () => {
        const first = await populate();
        const jobFile = jobFiles()[0]!;
        const entry = readdirSync(dir).find((f) => /^analysis-[0-9a-f]+\.json$/.test(f))!;
        // Sparse files: 1 GB by size, nothing on the disk. Reading any whole would fail ("Invalid string length").
        for (const name of [JOBS_FILE, jobFile, WAIT_FILE, entry]) {
          writeFileSync(join(dir, name), "", { flag: "a" });
          fsModule.truncateSync(join(dir, name), 1024 ** 3);
        }
        const model = new ScriptedModel();
        const { engine, warnings } = await openEngine(new FileTextStore(dir), model);
        const hit = await engine.review(request('first'), CODE);
        assert.equal(hit.fromCache, false, 'the oversized entry is not an answer');
        const done = await engine.jobs.whenDone(hit.jobId);
        assert.equal(done.status, 'succeeded', 'the rest keeps working');
        await engine.flush();
        for (const name of [JOBS_FILE, jobFile, WAIT_FILE, entry]) {
          const said = warnings.filter((w) => w.includes(` ${name} is 1.0 GB, over the `) && /moved aside as aside-\d+-/.test(w));
          assert.equal(said.length, 1, `${name}:\n${warnings.join('\n')}`);
          assert.ok(readdirSync(dir).some((f) => f.startsWith('aside-') && f.endsWith(name)), `${name} moved aside`);
        }
        assert.equal(engine.jobs.get(first), undefined, 'the oversized record is set aside, not read');
        const reopened = await openEngine(new FileTextStore(dir), new ScriptedModel());
        assert.deepEqual(reopened.warnings, [], 'said once: the files are out of the way');
        assert.equal((await reopened.engine.review(request('first'), CODE)).fromCache, true);
      });

      it('resets an unreadable wait-time history with a warning', async () => {
        await populate();
        writeFileSync(join(dir, WAIT_FILE), '{"version":1,"samples":[{"provider":"nope"');
        const { engine, warnings } = await openAndRunOne('second');
        assert.equal(warnings.length, 1, warnings.join('\n'));
        assert.match(warnings[0]!, /wait-time history was unreadable/);
        assert.ok(engine.waits.samples().length >= 1, 'the new job was recorded');
      });

      it('opens with every file garbage at once, warns for each, and works on', async () => {
        await populate();
        for (const f of readdirSync(dir)) writeFileSync(join(dir, f), '\u0000{"garbage');
        const { warnings, job, model } = await openAndRunOne('everything broken');
        assert.ok(warnings.some((w) => /job history record\(s\) were unreadable and were moved aside/.test(w)), warnings.join('\n'));
        assert.ok(warnings.some((w) => /Cost ledger/.test(w)));
        assert.ok(warnings.some((w) => /wait-time history was unreadable/.test(w)));
        assert.equal(model.calls.length, 1);
        await waitForFile(WAIT_FILE);
        const reopened = await openEngine(new FileTextStore(dir), new ScriptedModel());
        assert.equal(reopened.engine.jobs.get(job.id)?.status, 'succeeded');
        assert.equal(reopened.engine.ledger.records().length, 1);
        // The new answer and the garbage entry of the first (dropped with a warning when asked).
        await reopened.engine.cache.whenScanned();
        assert.equal(reopened.engine.cache.size, 2);
        assert.equal((await reopened.engine.review(request('everything broken'), CODE)).fromCache, true);
        // Only the ledger's torn line is still skipped (the ledger is append-only, never rewritten).
        assert.ok(
          reopened.warnings.every((w) => /Cost ledger/.test(w)),
          reopened.warnings.join('\n'),
        );
      });
    });

    describe('atomic writes', () => {
      const promises = fsModule.promises as unknown as Record<string, unknown>;
      let restore: Array<() => void> = [];
      afterEach(() => {
        for (const r of restore.reverse()) r();
        restore = [];
      });
      /** Replaces fs.promises[name] (as FileTextStore calls it) until the test ends. */
      function patch(name: 'rename' | 'open' | 'appendFile', replacement: (original: (...args: any[]) => Promise<any>) => (...args: any[]) => Promise<any>): void {
        const original = promises[name] as (...args: any[]) => Promise<any>;
        promises[name] = replacement(original);
        restore.push(() => (promises[name] = original));
      }

      it('a write whose rename fails (target is a directory) rejects, leaves the directory as it was and no temp file', async () => {
        const store = new FileTextStore(dir);
        mkdirSync(join(dir, JOBS_FILE));
        writeFileSync(join(dir, JOBS_FILE, 'inside'), 'keep me');
        await assert.rejects(store.write(JOBS_FILE, '{"version":1,"jobs":[]}'));
        assert.equal(readFileSync(join(dir, JOBS_FILE, 'inside'), 'utf8'), 'keep me');
        assert.deepEqual(tmpFiles(), []);
      });

      it('a write that fails at the rename keeps the old content intact, no temp file, and the next write works', async () => {
        const store = new FileTextStore(dir);
        await store.write('state.json', 'old content');
        patch('rename', (original) => {
          let failures = 1;
          return async (...args) => {
            if (failures-- > 0) throw Object.assign(new Error('EIO: simulated rename failure'), { code: 'EIO' });
            return original(...args);
          };
        });
        await assert.rejects(store.write('state.json', 'new content'), /simulated rename failure/);
        assert.equal(await store.read('state.json'), 'old content');
        assert.deepEqual(tmpFiles(), []);
        await store.write('state.json', 'newer content');
        assert.equal(await store.read('state.json'), 'newer content');
        assert.deepEqual(tmpFiles(), []);
      });

      /** Makes writes through FileHandle.writeFile write half the text, then fail like a full disk. */
      function diskFullWhileWriting(): void {
        patch('open', (original) => async (...args) => {
          const handle = await original(...args);
          const realWrite = handle.writeFile.bind(handle) as (data: string, enc: string) => Promise<void>;
          handle.writeFile = async (data: string, enc: string) => {
            await realWrite(data.slice(0, data.length >> 1), enc);
            throw Object.assign(new Error('ENOSPC: simulated full disk'), { code: 'ENOSPC' });
          };
          return handle;
        });
      }

      it('a write that fails half-way through the data keeps the old content intact', async () => {
        const store = new FileTextStore(dir);
        await store.write('state.json', 'old content');
        diskFullWhileWriting();
        await assert.rejects(store.write('state.json', 'x'.repeat(100_000)), /ENOSPC/);
        assert.equal(await store.read('state.json'), 'old content');
      });

      knownBug('KNOWN BUG: a write that fails half-way through the data leaves no temp file behind', async () => {
        const store = new FileTextStore(dir);
        await store.write('state.json', 'old content');
        diskFullWhileWriting();
        await assert.rejects(store.write('state.json', 'x'.repeat(100_000)), /ENOSPC/);
        assert.deepEqual(tmpFiles(), [], 'FileTextStore.write removes the temp file only when the rename fails, not when writeFile/sync fail');
      });

      it('an engine whose every whole-file write fails still finishes the job, with warnings, and leaves no temp files', async () => {
        patch('rename', () => async () => {
          throw Object.assign(new Error('EROFS: simulated read-only file system'), { code: 'EROFS' });
        });
        const { engine, warnings } = await openEngine(new FileTextStore(dir), new ScriptedModel());
        const job = await engine.jobs.whenDone((await engine.review(request('read-only'), CODE)).jobId);
        assert.equal(job.status, 'succeeded');
        await engine.flush();
        assert.ok(warnings.some((w) => /Could not save the job history: EROFS/.test(w)), warnings.join('\n'));
        assert.ok(warnings.some((w) => /Could not write the analysis cache: EROFS/.test(w)), warnings.join('\n'));
        assert.equal(warnings.filter((w) => /Could not save the job history/.test(w)).length, 1, 'said once, not per state change');
        assert.equal(engine.ledger.records().length, 1, 'the ledger appends, so it still records the spend');
        assert.deepEqual(tmpFiles(), []);
        assert.deepEqual(
          readdirSync(dir).filter((f) => f !== LEDGER_FILE && f !== WAIT_FILE),
          [],
          'nothing half-written is left (only the append-only logs were written)',
        );
      });

      /** A FileTextStore whose appends fail (a full disk hits the ledger). */
      function failingAppendStore(): ListableTextStore {
        const store = new FileTextStore(dir);
        return {
          list: (p) => store.list(p),
          stat: (n) => store.stat(n),
          rename: (a, b) => store.rename(a, b),
          touch: (n) => store.touch(n),
          create: (n, t) => store.create(n, t),
          read: (n) => store.read(n),
          write: (n, t) => store.write(n, t),
          remove: (n) => store.remove(n),
          withLock: (n, f) => store.withLock(n, f),
          append: async () => {
            throw Object.assign(new Error('ENOSPC: simulated full disk'), { code: 'ENOSPC' });
          },
        };
      }

      knownBug('KNOWN BUG: a ledger append that fails does not turn a finished, paid-for answer into a failed job', async () => {
        const { engine } = await openEngine(failingAppendStore(), new ScriptedModel());
        const job = await engine.jobs.whenDone((await engine.review(request('ledger full'), CODE)).jobId);
        await engine.flush();
        // Today: status 'failed', error "Internal error: ENOSPC…", the answer is not cached.
        assert.equal(job.status, 'succeeded', `${job.status}: ${job.error?.message}`);
        assert.equal(engine.ledger.records().length, 1, 'the spend still counts in memory');
      });

      knownBug('KNOWN BUG: a ledger append that fails on a cache hit causes no unhandled promise rejection', async () => {
        const { engine } = await openEngine(new FileTextStore(dir), new ScriptedModel());
        await engine.jobs.whenDone((await engine.review(request('cached'), CODE)).jobId);
        await engine.flush();
        const failing = await openEngine(failingAppendStore(), new ScriptedModel());
        const saved = process.listeners('unhandledRejection');
        process.removeAllListeners('unhandledRejection');
        const unhandled: unknown[] = [];
        process.on('unhandledRejection', (reason) => unhandled.push(reason));
        try {
          const hit = await failing.engine.review(request('cached'), CODE);
          assert.equal(hit.fromCache, true);
          for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 5));
        } finally {
          process.removeAllListeners('unhandledRejection');
          for (const l of saved) process.on('unhandledRejection', l);
        }
        // ReviewEngine.start: `void this.ledger.append(...)` has no .catch.
        assert.deepEqual(
          unhandled.map((r) => String(r)),
          [],
        );
      });
    });
  });
}
