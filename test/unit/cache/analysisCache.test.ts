import * as assert from 'node:assert/strict';
import { AnalysisCache, CACHE_INDEX_FILE, type CachedAnalysis } from '../../../src/core/cache/analysisCache';
import { MemoryTextStore } from '../../../src/core/storage';

function analysis(key: string, overrides: Partial<CachedAnalysis> = {}): CachedAnalysis {
  return {
    key,
    filePath: 'src/a.ts',
    fileHash: 'h1',
    createdAt: 1000,
    kind: 'review',
    startLine: 1,
    endLine: 10,
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    tier: 'reasoning',
    result: { summary: 's', findings: [], answer: 'a' },
    structured: true,
    warnings: [],
    reasoning: 'r',
    usage: { inputTokens: 10, cachedInputTokens: 0, outputTokens: 20, reasoningTokens: 5, estimated: false },
    costUsd: 0.01,
    durationMs: 1000,
    jobId: 'j1',
    ...overrides,
  };
}

const key = (n: number) => n.toString(16).padStart(64, '0');

describe('AnalysisCache', () => {
  it('stores, finds again after reopening, and reports fresh / stale / none per file', async () => {
    const store = new MemoryTextStore();
    const warnings: string[] = [];
    const cache = await AnalysisCache.open(store, { maxBytes: 1e6, warn: (w) => warnings.push(w) });
    await cache.put(analysis(key(1)));
    const reopened = await AnalysisCache.open(store, { maxBytes: 1e6, warn: (w) => warnings.push(w) });
    assert.equal((await reopened.get(key(1)))?.result.answer, 'a');
    assert.equal(reopened.fileStatus('src/a.ts', 'h1').state, 'fresh');
    assert.equal(reopened.fileStatus('src/a.ts', 'h2').state, 'stale');
    assert.equal(reopened.fileStatus('src/b.ts', 'h1').state, 'none');
    assert.deepEqual(warnings, []);
  });

  it('evicts the least recently used entries beyond the size limit', async () => {
    const store = new MemoryTextStore();
    let t = 0;
    const size = Buffer.byteLength(JSON.stringify(analysis(key(1))));
    const cache = await AnalysisCache.open(store, { maxBytes: size * 2 + 10, warn: () => undefined, now: () => ++t });
    await cache.put(analysis(key(1)));
    await cache.put(analysis(key(2)));
    await cache.get(key(1)); // 1 is now more recent than 2
    await cache.put(analysis(key(3)));
    assert.equal(cache.has(key(1)), true);
    assert.equal(cache.has(key(2)), false);
    assert.equal(cache.has(key(3)), true);
    assert.equal(store.files.has(`analysis-${key(2)}.json`), false);
    assert.ok(cache.totalBytes <= size * 2 + 10);
  });

  it('drops a corrupted entry with a warning and answers "not cached"', async () => {
    const store = new MemoryTextStore();
    const warnings: string[] = [];
    const cache = await AnalysisCache.open(store, { maxBytes: 1e6, warn: (w) => warnings.push(w) });
    await cache.put(analysis(key(1)));
    store.files.set(`analysis-${key(1)}.json`, '{"key": "truncat');
    assert.equal(await cache.get(key(1)), undefined);
    assert.equal(cache.has(key(1)), false);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /corrupted/);
  });

  it('a leftover index of an earlier version (even garbage) is removed and hides nothing', async () => {
    for (const garbage of ['{"version":1,"entries":[{"key":', '\u0000\u0001binary', '[]']) {
      const store = new MemoryTextStore();
      const first = await AnalysisCache.open(store, { maxBytes: 1e6, warn: () => undefined });
      await first.put(analysis(key(7)));
      store.files.set(CACHE_INDEX_FILE, garbage);
      const warnings: string[] = [];
      const cache = await AnalysisCache.open(store, { maxBytes: 1e6, warn: (w) => warnings.push(w) });
      assert.equal((await cache.get(key(7)))?.key, key(7));
      await cache.whenScanned();
      assert.equal(cache.size, 1);
      assert.equal(store.files.has(CACHE_INDEX_FILE), false);
      assert.deepEqual(warnings, []);
    }
  });

  it('clears everything, entries of other processes included, and leaves no orphans', async () => {
    const store = new MemoryTextStore();
    const cache = await AnalysisCache.open(store, { maxBytes: 1e6, warn: () => undefined });
    const other = await AnalysisCache.open(store, { maxBytes: 1e6, warn: () => undefined });
    await cache.put(analysis(key(1)));
    await other.put(analysis(key(2), { filePath: 'b.ts' }));
    assert.equal(await cache.clear(), 2);
    assert.equal(cache.size, 0);
    assert.deepEqual([...store.files.keys()], []);
    assert.equal(cache.fileStatus('src/a.ts', 'h1').state, 'none');
  });

  it('a put writes only its own files, however large the cache (no global index rewritten)', async () => {
    const store = new MemoryTextStore();
    const written: string[] = [];
    const write = store.write.bind(store);
    store.write = async (n, t) => {
      written.push(n);
      await write(n, t);
    };
    const cache = await AnalysisCache.open(store, { maxBytes: 1e9, warn: () => undefined });
    for (let i = 1; i <= 300; i++) await cache.put(analysis(key(i), { filePath: `src/f${i % 10}.ts`, createdAt: i }));
    written.length = 0;
    await cache.put(analysis(key(999), { filePath: 'src/new.ts' }));
    await cache.flush();
    assert.deepEqual(written.map((n) => n.replace(/[0-9a-f]{32,}/, 'H')), ['analysis-H.json', 'cachefile-H.json']);
  });

  it('sees entries another process stored, at once, without reopening', async () => {
    const store = new MemoryTextStore();
    const a = await AnalysisCache.open(store, { maxBytes: 1e6, warn: () => undefined });
    const b = await AnalysisCache.open(store, { maxBytes: 1e6, warn: () => undefined });
    await a.put(analysis(key(3)));
    assert.equal((await b.get(key(3)))?.key, key(3));
    assert.equal(b.has(key(3)), true);
  });

  it('learns sizes in the background and evicts the least recently used beyond the limit on reopen', async () => {
    let t = 1000;
    const store = new MemoryTextStore(() => t);
    const size = Buffer.byteLength(JSON.stringify(analysis(key(1))));
    const big = await AnalysisCache.open(store, { maxBytes: 1e9, warn: () => undefined, now: () => t });
    for (let i = 1; i <= 10; i++) {
      t += 1000;
      await big.put(analysis(key(i)));
    }
    const small = await AnalysisCache.open(store, { maxBytes: size * 4, warn: () => undefined, now: () => t });
    await small.whenScanned();
    await small.flush();
    const left = [...store.files.keys()].filter((n) => n.startsWith('analysis-')).sort();
    assert.ok(left.length <= 4 && left.length >= 3, left.join(', '));
    assert.deepEqual(left, left.filter((n) => ['7', '8', '9', 'a'].some((d) => n === `analysis-${key(parseInt(d, 16))}.json`)), 'the newest stay');
  });

  it('moves an entry file over the size limit aside unread, and names it', async () => {
    const store = new MemoryTextStore();
    const warnings: string[] = [];
    const cache = await AnalysisCache.open(store, { maxBytes: 1e9, warn: (w) => warnings.push(w) });
    store.files.set(`analysis-${key(5)}.json`, 'x'.repeat(17 * 1024 * 1024));
    assert.equal(await cache.get(key(5)), undefined);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, new RegExp(`analysis-${key(5)}\\.json is 17\\.0 MB, over the 16\\.0 MB limit; it was moved aside as aside-\\d+-analysis-${key(5)}\\.json`));
    assert.equal(store.files.has(`analysis-${key(5)}.json`), false);
  });

  it('refuses an entry larger than the whole limit without evicting others', async () => {
    const store = new MemoryTextStore();
    const warnings: string[] = [];
    const cache = await AnalysisCache.open(store, { maxBytes: 2000, warn: (w) => warnings.push(w) });
    await cache.put(analysis(key(1)));
    await cache.put(analysis(key(2), { reasoning: 'x'.repeat(5000) }));
    assert.equal(cache.has(key(1)), true);
    assert.equal(cache.has(key(2)), false);
    assert.equal(warnings.length, 1);
  });
});
