import * as assert from 'node:assert/strict';
import { AnalysisCache, CACHE_INDEX_FILE, type CachedAnalysis } from '../../src/core/analysisCache';
import { MemoryTextStore } from '../../src/core/storage';

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

  it('recovers from a truncated or garbage index', async () => {
    for (const garbage of ['{"version":1,"entries":[{"key":', '\u0000\u0001binary', '[]', '{"version":1,"entries":[{"key":"nothex"}]}']) {
      const store = new MemoryTextStore();
      store.files.set(CACHE_INDEX_FILE, garbage);
      const warnings: string[] = [];
      const cache = await AnalysisCache.open(store, { maxBytes: 1e6, warn: (w) => warnings.push(w) });
      assert.equal(cache.size, 0);
      assert.equal(warnings.length, 1, `no warning for ${JSON.stringify(garbage)}`);
      await cache.put(analysis(key(7)));
      assert.equal((await cache.get(key(7)))?.key, key(7));
    }
  });

  it('clears everything', async () => {
    const store = new MemoryTextStore();
    const cache = await AnalysisCache.open(store, { maxBytes: 1e6, warn: () => undefined });
    await cache.put(analysis(key(1)));
    await cache.put(analysis(key(2), { filePath: 'b.ts' }));
    assert.equal(await cache.clear(), 2);
    assert.equal(cache.size, 0);
    assert.deepEqual([...store.files.keys()], [CACHE_INDEX_FILE]);
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
