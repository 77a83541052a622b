// The job history's size follows what matters: a large reviewed text is stored once by content,
// each job keeps a reference and a bounded excerpt, and history is bounded in bytes.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashText } from '../../../src/core/cache/contentHash';
import type { JobRecord } from '../../../src/core/jobs/job';
import { BLOB_PREFIX, JOB_FILE_PREFIX, JobStore } from '../../../src/core/jobs/jobStore';
import { MemoryTextStore } from '../../../src/core/storage';
import { FileTextStore } from '../../../src/node/fileTextStore';
import { ScriptedModel, openEngine } from '../../support/crashChild';

/** About 1 MB of JavaScript, 20 000 lines, distinct per `seed`. */
function megabyteFile(seed: number): string {
  return Array.from({ length: 20_000 }, (_, i) => `const value${i} = compute(${seed}, ${i}); // padding to about fifty chars`).join('\n');
}

const fileRequest = (text: string, instruction: string) => ({ kind: 'review' as const, instruction, target: { type: 'file' as const, filePath: 'src/big.js', languageId: 'javascript', startLine: 1, endLine: text.split('\n').length, code: text } });

function dirBytes(dir: string, skip: (name: string) => boolean): number {
  return readdirSync(dir)
    .filter((f) => !skip(f))
    .reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

describe('Job history size', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'deep-review-jobsize-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reviewing a 1 MB file 5 times grows the data folder by less than 3 MB beyond the cache entries', async () => {
    const text = megabyteFile(1);
    assert.ok(text.length > 1_000_000);
    const { engine, warnings } = await openEngine(new FileTextStore(dir), new ScriptedModel());
    const ids: string[] = [];
    // Five different questions (five paid jobs, five cache entries), then the first again (a hit).
    for (const instruction of ['one', 'two', 'three', 'four', 'five', 'one']) {
      const job = await engine.jobs.whenDone((await engine.review(fileRequest(text, instruction), text)).jobId);
      assert.equal(job.status, 'succeeded');
      ids.push(job.id);
    }
    await engine.flush();
    const isCacheEntry = (f: string) => /^analysis-[0-9a-f]+\.json$/.test(f);
    const grown = dirBytes(dir, isCacheEntry);
    assert.ok(grown < 3 * 1024 * 1024, `the data folder grew ${(grown / 1024 / 1024).toFixed(2)} MB beyond the cache entries`);
    assert.equal(readdirSync(dir).filter((f) => f.startsWith(BLOB_PREFIX)).length, 1, 'the text is stored once');
    assert.equal(readdirSync(dir).filter((f) => f.startsWith(JOB_FILE_PREFIX)).length, 6);
    assert.deepEqual(warnings, []);

    // A later session restores the full text for a re-run, from the one stored copy.
    const reopened = await openEngine(new FileTextStore(dir), new ScriptedModel());
    const loaded = reopened.engine.jobs.get(ids[0]!)!;
    assert.ok(loaded.request.target.code.length < 200_000, 'history holds an excerpt');
    assert.deepEqual(loaded.textRefs?.code, { hash: hashText(text), chars: text.length });
    assert.equal((await reopened.engine.jobs.fullRequest(ids[0]!))?.target.code, text);
    const rerun = await reopened.engine.planRerun(ids[0]!, text);
    assert.equal(rerun.request.target.code, text);
  });

  it('the excerpt keeps the lines of the findings, at their line numbers, so fix checks still work', async () => {
    const store = new MemoryTextStore();
    const text = megabyteFile(2);
    const job = makeJob(text, [{ startLine: 12_345, endLine: 12_346 }]);
    const jobs = new JobStore(store, () => undefined);
    await jobs.save(job);
    const [loaded] = await new JobStore(store, () => undefined).load();
    const lines = loaded!.request.target.code.split('\n');
    const original = text.split('\n');
    assert.equal(lines.length, original.length, 'same line count: line numbers map');
    assert.equal(lines[12_344], original[12_344]);
    assert.equal(lines[12_345], original[12_345]);
    assert.equal(lines[5_000], '', 'other lines are not kept');
    assert.ok(loaded!.request.target.code.length < 150_000);
  });

  it('bounds the stored history in bytes, counting each stored text once', async () => {
    const store = new MemoryTextStore();
    const jobs = new JobStore(store, () => undefined, 100, 3 * 1024 * 1024);
    for (let i = 0; i < 6; i++) await jobs.save(makeJob(megabyteFile(10 + i), [], 1000 + i));
    await jobs.compact();
    const kept = [...store.files.keys()].filter((k) => k.startsWith(JOB_FILE_PREFIX)).sort();
    assert.equal(kept.length, 2, kept.join(', '));
    const loaded = await new JobStore(store, () => undefined).load();
    assert.deepEqual(loaded.map((j) => j.createdAt), [1004, 1005], 'the newest stay');
    await jobs.save(makeJob(megabyteFile(15), [], 1006));
    await jobs.compact();
    assert.equal([...store.files.keys()].filter((k) => k.startsWith(JOB_FILE_PREFIX)).length, 3, 'the same text again costs no bytes');
  });
});

let seq = 0;
function makeJob(code: string, findings: Array<{ startLine: number; endLine: number }>, createdAt = 1000 + seq): JobRecord {
  seq++;
  const lines = code.split('\n').length;
  return {
    id: `j${seq}`,
    request: { kind: 'review', target: { type: 'file', filePath: 'big.js', languageId: 'javascript', startLine: 1, endLine: lines, code, contextBefore: '', contextAfter: '' }, options: {} },
    route: { tier: 'capable', provider: 'openai', model: 'm', reasoning: false, effort: 'medium', maxThinkingTokens: 0, maxAnswerTokens: 4000, complexity: { tier: 'medium', score: 3 }, reasons: [], expectedWait: { lowSeconds: 1, highSeconds: 2, reason: 'r' } },
    cacheKey: `k${seq}`,
    fileHash: 'h',
    status: 'succeeded',
    createdAt,
    fromCache: false,
    reasoning: '',
    answer: '',
    result: { summary: 's', answer: 'a', findings: findings.map((f) => ({ title: 't', severity: 'high', confidence: 0.9, explanation: 'e', ...f })) },
    warnings: [],
    retries: 0,
    dismissedFindings: [],
  };
}
