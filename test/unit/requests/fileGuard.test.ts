import * as assert from 'node:assert/strict';
import { refusalFor, utf8Length } from '../../../src/core/requests/fileGuard';
import { MemoryTextStore } from '../../../src/core/storage';
import { ReviewEngine, type EngineSettings } from '../../../src/core/reviewEngine';
import { ModelError } from '../../../src/core/modelError';
import { resolveTierSpecs } from '../../../src/core/routing/modelSettings';

describe('file guard', () => {
  it('counts UTF-8 bytes like Buffer.byteLength', () => {
    for (const s of ['', 'abc', 'é', '€uro', '😀 ok', 'a\u0000b', '\ud800 lone surrogate']) assert.equal(utf8Length(s), Buffer.byteLength(s, 'utf8'), JSON.stringify(s));
  });

  it('refuses binary and undecodable text, naming the line', () => {
    assert.match(refusalFor('a\nb\u0000c', 'a\nb\u0000c', 'bin.dat', 1000, 'X') ?? '', /bin\.dat looks like a binary file \(a NUL character on line 2\)/);
    assert.match(refusalFor('ok\n\n\uFFFD', 'ok', 'latin1.txt', 1000, 'X') ?? '', /latin1\.txt is not valid UTF-8 text \(undecodable bytes on line 3\)/);
  });

  it('refuses by the size of what would be sent, so a selection from a large file can go', () => {
    const big = 'x'.repeat(5000);
    assert.match(refusalFor(big, big, 'big.ts', 1000, '--max-file-bytes') ?? '', /big\.ts is 4\.9 KB, over the 1000 bytes limit .* raise --max-file-bytes\./);
    assert.equal(refusalFor(big, 'x'.repeat(10), 'big.ts', 1000, 'X'), undefined);
    assert.match(refusalFor(big, big.slice(0, 2000), 'big.ts', 1000, 'X') ?? '', /^The code to send from big\.ts is 2\.0 KB/);
  });

  it('is checked by the engine before planning, so nothing is sent', async () => {
    let clients = 0;
    const settings = (): EngineSettings => ({
      routing: { mode: 'auto', maxWaitSeconds: 3600, tiers: resolveTierSpecs({ provider: 'anthropic', models: {}, effort: 'medium', maxThinkingTokens: 1024 }) },
      budget: { dailyUsd: 0, monthlyUsd: 0, confirmAboveUsd: 0 },
      priceOverrides: {},
      concurrency: 1,
      cacheMaxBytes: 1e6,
      redactSecrets: true,
      maxFileBytes: 100,
      maxFileBytesName: 'deepReview.maxFileBytes',
    });
    const engine = await ReviewEngine.open({ store: new MemoryTextStore(), settings, warn: () => undefined, clientFor: () => { clients++; throw new Error('no'); } });
    const code = 'const a = 1;\n'.repeat(20);
    await assert.rejects(engine.plan({ kind: 'review', target: { type: 'file', filePath: 'a.ts', startLine: 1, endLine: 21, code } }, code), (err: unknown) => err instanceof ModelError && /deepReview\.maxFileBytes/.test(err.message));
    assert.equal(clients, 0);
    assert.equal(engine.jobs.list().length, 0);
  });
});
