import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTextStore } from '../../../src/node/fileTextStore';

/** Tests of bugs reported but not yet fixed in src/: run them with DEEP_REVIEW_KNOWN_BUGS=1. */
const knownBug = it; // were known bugs, fixed in src/
const posix = process.platform !== 'win32';

describe('FileTextStore', () => {
  let root: string;
  let dir: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'deep-review-store-'));
    dir = join(root, 'store');
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  });

  const leftovers = () => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.tmp')) : []);

  it('reads undefined for a missing file, even before its directory exists', async () => {
    const store = new FileTextStore(dir);
    assert.equal(await store.read('nothing.json'), undefined);
    assert.equal(existsSync(dir), false, 'reading creates nothing');
  });

  it('writes, reads back and overwrites whole contents, creating the directory', async () => {
    const store = new FileTextStore(join(dir, 'nested', 'deeper'));
    await store.write('a.json', '{"v":1}');
    assert.equal(await store.read('a.json'), '{"v":1}');
    const unicode = 'naïve café — 𝄞 ✓\n'.repeat(1000);
    await store.write('a.json', unicode);
    assert.equal(await store.read('a.json'), unicode);
    await store.write('a.json', '');
    assert.equal(await store.read('a.json'), '', 'an empty file is empty text, not missing');
    assert.deepEqual(readdirSync(join(dir, 'nested', 'deeper')), ['a.json']);
  });

  it('appends, creating the file when missing', async () => {
    const store = new FileTextStore(dir);
    await store.append('log.jsonl', 'one\n');
    await store.append('log.jsonl', 'two\n');
    assert.equal(await store.read('log.jsonl'), 'one\ntwo\n');
    await store.write('log.jsonl', 'reset\n');
    await store.append('log.jsonl', 'three\n');
    assert.equal(await store.read('log.jsonl'), 'reset\nthree\n');
  });

  it('removes a file; removing a missing file is fine', async () => {
    const store = new FileTextStore(dir);
    await store.write('a.json', 'x');
    await store.remove('a.json');
    assert.equal(await store.read('a.json'), undefined);
    await store.remove('a.json');
    await store.remove('never-existed.json');
  });

  it('rejects names that are not flat file names, and touches nothing outside its directory', async () => {
    const store = new FileTextStore(dir);
    writeFileSync(join(root, 'outside.json'), 'secret');
    for (const name of ['', '../outside.json', 'sub/a.json', 'sub\\a.json', '/etc/passwd', 'a b.json', 'a\u0000.json', 'ü.json', 'a.json\n']) {
      await assert.rejects(store.read(name), /invalid storage name/, `read ${JSON.stringify(name)}`);
      await assert.rejects(store.write(name, 'x'), /invalid storage name/, `write ${JSON.stringify(name)}`);
      await assert.rejects(store.append(name, 'x'), /invalid storage name/, `append ${JSON.stringify(name)}`);
      await assert.rejects(store.remove(name), /invalid storage name/, `remove ${JSON.stringify(name)}`);
    }
    assert.equal(readFileSync(join(root, 'outside.json'), 'utf8'), 'secret');
    // write/append create the store's own directory before checking the name; nothing else appears.
    assert.deepEqual(readdirSync(root).filter((f) => f !== 'store'), ['outside.json']);
    assert.deepEqual(existsSync(dir) ? readdirSync(dir) : [], []);
  });

  it('accepts the names the core uses', async () => {
    const store = new FileTextStore(dir);
    for (const name of ['jobs.json', 'ledger.jsonl', 'analysis-cache-index.json', `analysis-${'ab12'.repeat(16)}.json`, 'jobs.unreadable-1700000000000.json', 'wait-history.json']) {
      await store.write(name, name);
      assert.equal(await store.read(name), name);
    }
  });

  knownBug('KNOWN BUG: rejects "." and ".." (they match /^[\\w.-]+$/ and resolve to the directory and its parent)', async () => {
    const store = new FileTextStore(dir);
    await store.write('a.json', 'x');
    for (const name of ['.', '..']) {
      await assert.rejects(store.read(name), /invalid storage name/, `read ${name}`);
      await assert.rejects(store.write(name, 'x'), /invalid storage name/, `write ${name}`);
      await assert.rejects(store.append(name, 'x'), /invalid storage name/, `append ${name}`);
      await assert.rejects(store.remove(name), /invalid storage name/, `remove ${name}`);
    }
    // write('..') today creates `<root>.<pid>.<hex>.tmp` beside the parent directory before failing.
    assert.deepEqual(readdirSync(root), ['store']);
  });

  (posix ? it : it.skip)('creates files readable by the owner only (0600) and its directory 0700', async () => {
    const store = new FileTextStore(dir);
    await store.write('secret.json', '{}');
    await store.append('ledger.jsonl', 'line\n');
    assert.equal(statSync(join(dir, 'secret.json')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'ledger.jsonl')).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    // A file that was world-readable before is replaced by an owner-only one on the next write.
    writeFileSync(join(dir, 'old.json'), 'x', { mode: 0o644 });
    await store.write('old.json', 'y');
    assert.equal(statSync(join(dir, 'old.json')).mode & 0o777, 0o600);
  });

  it('concurrent writes to one name end with exactly one complete content and no temp files', async () => {
    const store = new FileTextStore(dir);
    const contents = Array.from({ length: 24 }, (_, i) => `${String.fromCharCode(65 + i).repeat(64 * 1024 + i)}|${i}`);
    await Promise.all(contents.map((c) => store.write('race.json', c)));
    const final = await store.read('race.json');
    assert.ok(final !== undefined && contents.includes(final), `mixed content of ${final?.length} chars`);
    assert.deepEqual(leftovers(), []);
    assert.deepEqual(readdirSync(dir), ['race.json']);
  });

  it('concurrent writes from two store instances on one directory also end complete', async () => {
    const a = new FileTextStore(dir);
    const b = new FileTextStore(dir);
    const contents = Array.from({ length: 10 }, (_, i) => `${i}`.repeat(100_000));
    await Promise.all(contents.map((c, i) => (i % 2 ? a : b).write('shared.json', c)));
    assert.ok(contents.includes((await a.read('shared.json'))!));
    assert.deepEqual(leftovers(), []);
  });

  it('concurrent appends keep every line whole', async () => {
    const store = new FileTextStore(dir);
    const lines = Array.from({ length: 100 }, (_, i) => `${JSON.stringify({ i, pad: 'p'.repeat(200) })}\n`);
    await Promise.all(lines.map((l) => store.append('log.jsonl', l)));
    const read = (await store.read('log.jsonl'))!.split('\n').filter(Boolean);
    assert.equal(read.length, 100);
    assert.deepEqual(read.map((l) => (JSON.parse(l) as { i: number }).i).sort((x, y) => x - y), [...Array(100).keys()]);
  });

  it('reads concurrently with writes always see a whole old or new content', async () => {
    const store = new FileTextStore(dir);
    const a = 'a'.repeat(300_000);
    const b = 'b'.repeat(300_000);
    await store.write('flip.json', a);
    const seen = new Set<string>();
    const writes = Array.from({ length: 10 }, (_, i) => store.write('flip.json', i % 2 ? a : b));
    const reads = Array.from({ length: 30 }, async () => {
      const t = await store.read('flip.json');
      seen.add(t === a ? 'a' : t === b ? 'b' : `torn:${t?.length}`);
    });
    await Promise.all([...writes, ...reads]);
    assert.deepEqual([...seen].filter((s) => s.startsWith('torn')), []);
  });

  it('leaves no temp files after many writes', async () => {
    const store = new FileTextStore(dir);
    for (let i = 0; i < 50; i++) await store.write(`f${i % 5}.json`, `${i}`);
    assert.deepEqual(leftovers(), []);
    assert.equal(readdirSync(dir).length, 5);
  });

  it('reports other read errors instead of pretending the file is missing', async () => {
    const store = new FileTextStore(dir);
    await store.write('a.json', 'x');
    rmSync(join(dir, 'a.json'));
    mkdirSync(join(dir, 'a.json'));
    await assert.rejects(store.read('a.json'), (err: NodeJS.ErrnoException) => err.code === 'EISDIR');
  });

  it('lists files by prefix (not temp files, not lock directories), stats, renames and touches', async () => {
    const store = new FileTextStore(dir);
    assert.deepEqual(await store.list('job-'), [], 'a missing directory lists nothing');
    await store.write('job-1.json', 'one');
    await store.write('job-2.json', 'two!');
    await store.write('other.json', 'x');
    writeFileSync(join(dir, `job-3.json.${process.pid}.abcd1234.tmp`), 'half');
    mkdirSync(join(dir, 'job-4.lockable.lock'));
    assert.deepEqual((await store.list('job-')).sort(), ['job-1.json', 'job-2.json']);
    assert.equal((await store.stat('job-2.json'))?.size, 4);
    assert.equal(await store.stat('missing.json'), undefined);
    assert.equal(await store.stat('job-4.lockable.lock'), undefined, 'a directory is not a stored file');
    await store.rename('job-1.json', 'aside-1-job-1.json');
    assert.equal(await store.read('aside-1-job-1.json'), 'one');
    assert.equal(await store.read('job-1.json'), undefined);
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(join(dir, 'job-2.json'), old, old);
    await store.touch('job-2.json');
    assert.ok((await store.stat('job-2.json'))!.mtimeMs > Date.now() - 60_000, 'touched now');
    await store.touch('never.json');
    assert.equal(existsSync(join(dir, 'never.json')), false, 'touch creates nothing');
  });

  it('sweeps temp files and locks left by dead processes, and keeps those of live ones', async () => {
    const store = new FileTextStore(dir);
    await store.write('a.json', 'x');
    const deadPid = 2 ** 22 + 12345; // above pid_max on Linux: no such process
    writeFileSync(join(dir, `a.json.${deadPid}.00ff00ff.tmp`), 'left by a killed writer');
    writeFileSync(join(dir, `a.json.${process.pid}.00ff00ff.tmp`), 'a write of this process under way');
    mkdirSync(join(dir, 'dead.lockable.lock'));
    writeFileSync(join(dir, `dead.lockable.claim-${deadPid}-abcd`), '');
    mkdirSync(join(dir, 'live.lockable.lock'));
    writeFileSync(join(dir, `live.lockable.claim-${process.pid}-abcd`), '');
    assert.equal(await store.sweepTempFiles(), 2);
    assert.deepEqual(readdirSync(dir).sort(), ['a.json', `a.json.${process.pid}.00ff00ff.tmp`, `live.lockable.claim-${process.pid}-abcd`, 'live.lockable.lock']);
  });

  it('a lock whose holder was killed is taken over at once after the sweep', async () => {
    const store = new FileTextStore(dir);
    mkdirSync(dir, { recursive: true });
    mkdirSync(join(dir, 'wait-history.lockable.lock'));
    writeFileSync(join(dir, `wait-history.lockable.claim-${2 ** 22 + 7}-beef`), '');
    await store.sweepTempFiles();
    const order: string[] = [];
    await Promise.all([1, 2].map((n) => store.withLock('wait-history', async () => void order.push(`in${n}`, `out${n}`))));
    assert.ok(order.join() === 'in1,out1,in2,out2' || order.join() === 'in2,out2,in1,out1', order.join());
    assert.deepEqual(readdirSync(dir), [], 'no lock or claim left after use');
  });
});
