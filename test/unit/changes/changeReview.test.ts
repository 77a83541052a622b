import * as assert from 'node:assert/strict';
import { ChangeSetRefusedError, planChangeReview, runChangeReview, type ChangeReviewOptions, type ChangeSource } from '../../../src/core/changes/changeReview';
import { parseUnifiedDiff } from '../../../src/core/changes/unifiedDiff';
import { assembleContext } from '../../../src/core/context/reviewContext';
import type { ModelCall, ModelClient, ModelEvent } from '../../../src/core/modelClient';
import { resolveTierSpecs } from '../../../src/core/routing/modelSettings';
import { ReviewEngine, type EngineSettings } from '../../../src/core/reviewEngine';
import { MemoryTextStore } from '../../../src/core/storage';

const AWS_KEY_ID = ['AKIA', 'Z7QW3RT5YU8IO2PA'].join('');

/** Answers every call with findings on lines 2, 3 and 5, and records the prompts. */
class FakeModel implements ModelClient {
  prompts: string[] = [];
  async *stream(call: ModelCall): AsyncIterable<ModelEvent> {
    this.prompts.push([...(call.prefix ?? []), call.prompt].join('\n\n'));
    const answer = JSON.stringify({
      summary: 's',
      findings: [2, 3, 5].map((l) => ({ title: `line ${l}`, severity: 'low', confidence: 0.5, startLine: l, endLine: l, explanation: 'e' })),
      answer: 'a',
    });
    yield { type: 'answer-delta', text: answer };
    yield { type: 'usage', usage: { inputTokens: 100, cachedInputTokens: 0, outputTokens: 50, reasoningTokens: 0, estimated: false } };
    yield { type: 'finish', reason: 'stop' };
  }
}

function settings(): EngineSettings {
  return {
    routing: { mode: 'alwaysReasoning', maxWaitSeconds: 3600, tiers: resolveTierSpecs({ provider: 'anthropic', models: {}, effort: 'medium', maxThinkingTokens: 4096 }) },
    budget: { dailyUsd: 5, monthlyUsd: 50, confirmAboveUsd: 0 },
    priceOverrides: {},
    concurrency: 2,
    cacheMaxBytes: 10_000_000,
    redactSecrets: true,
  };
}

const lines = (name: string, changed: Record<number, string> = {}) => Array.from({ length: 8 }, (_, i) => changed[i + 1] ?? `${name} line ${i + 1}`).join('\n');

/** Lines 2 and 4 changed in each file: line 5 is in the target span but unchanged. */
function diffFor(path: string, tag: string): string {
  return [`diff --git a/${path} b/${path}`, `--- a/${path}`, `+++ b/${path}`, '@@ -2,3 +2,3 @@', `-${path} old 2`, `+${tag} 2`, ` ${path} line 3`, `-${path} old 4`, `+${tag} 4`, ''].join('\n');
}

function source(texts: Record<string, string>, tags: Record<string, string>): ChangeSource {
  const diff = Object.keys(texts).map((p) => diffFor(p, tags[p]!)).join('') + 'diff --git a/gone.ts b/gone.ts\ndeleted file mode 100644\n--- a/gone.ts\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n';
  return { description: 'uncommitted changes', files: parseUnifiedDiff(diff), readNew: async (p) => texts[p] };
}

function options(budget = { dailyUsd: 5, monthlyUsd: 50, confirmAboveUsd: 0 }): ChangeReviewOptions {
  return {
    contextLines: 1,
    budget,
    redactSecrets: true,
    languageOf: () => 'typescript',
    contextFor: () => assembleContext([{ kind: 'guidelines', path: 'AGENTS.md', startLine: 1, endLine: 1, text: 'Clamp scores.', tokens: 0 }], { maxTokens: 1000, redact: true }),
  };
}

describe('change-set review (engine orchestration)', () => {
  it('one analysis per file, progress per file, findings kept only on changed lines, skipped files listed', async () => {
    const model = new FakeModel();
    const engine = await ReviewEngine.open({ store: new MemoryTextStore(), settings, warn: () => undefined, clientFor: () => model });
    const texts = { 'a.ts': lines('a', { 2: 'a new 2', 4: 'a new 4' }), 'b.ts': lines('b', { 2: 'b new 2', 4: `const key = "${AWS_KEY_ID}"` }) };
    const set = await planChangeReview(engine, source(texts, { 'a.ts': 'a new', 'b.ts': 'b new' }), options());
    assert.deepEqual(set.skipped, [{ filePath: 'gone.ts', skipped: 'deleted' }]);
    assert.deepEqual(set.files.map((f) => [f.filePath, f.plan.request.target.startLine, f.plan.request.target.endLine]), [
      ['a.ts', 2, 4],
      ['b.ts', 2, 4],
    ]);
    assert.ok(set.budget.allowed);
    const progress: string[] = [];
    const result = await runChangeReview(engine, set, (p) => progress.push(`${p.done}/${p.total}`));
    assert.deepEqual(progress, ['0/2', '1/2', '2/2']);
    assert.equal(model.prompts.length, 2);
    for (const f of result.files) {
      assert.equal(f.status, 'succeeded');
      assert.deepEqual(f.findings.map((x) => x.startLine), [2], 'line 2 changed; line 3 unchanged; line 5 outside the target');
      assert.equal(f.droppedOutsideChange, 1, 'the finding on unchanged line 3 is dropped and counted');
      const job = engine.jobs.get(f.jobId)!;
      assert.deepEqual(job.dismissedFindings, [1], 'the editor and the panel leave the dropped finding out');
      assert.match(job.warnings.join(' '), /Dropped 1 finding on unchanged lines/);
    }
    const bPrompt = model.prompts.find((p) => p.includes('b new 2'))!;
    assert.doesNotMatch(bPrompt, new RegExp(AWS_KEY_ID), 'the diff sent with the change is redacted too');
    assert.match(bPrompt, /Review guidelines \(AGENTS\.md:1\)/);

    // Edit b.ts only: a.ts comes from the cache, b.ts is paid again.
    const edited = { ...texts, 'b.ts': lines('b', { 2: 'b newer 2', 4: 'b new 4' }) };
    const again = await planChangeReview(engine, source(edited, { 'a.ts': 'a new', 'b.ts': 'b newer' }), options());
    assert.deepEqual(again.files.map((f) => f.plan.cached !== undefined), [true, false]);
    const second = await runChangeReview(engine, again);
    assert.equal(model.prompts.length, 3);
    assert.deepEqual(second.files.map((f) => f.fromCache), [true, false]);
  });

  it('checks the whole set against the budget before sending and names the files', async () => {
    const model = new FakeModel();
    const engine = await ReviewEngine.open({ store: new MemoryTextStore(), settings, warn: () => undefined, clientFor: () => model });
    const texts = { 'a.ts': lines('a', { 2: 'a new 2', 4: 'a new 4' }), 'b.ts': lines('b', { 2: 'b new 2', 4: 'b new 4' }) };
    const one = await planChangeReview(engine, source(texts, { 'a.ts': 'a new', 'b.ts': 'b new' }), options());
    const perFile = one.files[0]!.plan.budget.worstCase.usd!;
    // Room for one file, not for both.
    const tight = await planChangeReview(engine, source(texts, { 'a.ts': 'a new', 'b.ts': 'b new' }), options({ dailyUsd: perFile * 1.5, monthlyUsd: 50, confirmAboveUsd: 0 }));
    assert.ok(tight.files.every((f) => f.plan.budget.allowed), 'each file alone would fit');
    assert.equal(tight.budget.allowed, false);
    assert.match(tight.budget.message!, /^Refused before sending: reviewing these 2 changed files could cost up to/);
    assert.match(tight.budget.message!, /It would take: a\.ts \(up to \$[\d.]+\), b\.ts \(up to \$[\d.]+\)\.$/);
    await assert.rejects(runChangeReview(engine, tight), ChangeSetRefusedError);
    assert.equal(model.prompts.length, 0, 'nothing was sent');
  });

  it('reviews at most maxFiles files, keeps the diff order, and gives context searches a shared deadline', async () => {
    const model = new FakeModel();
    const engine = await ReviewEngine.open({ store: new MemoryTextStore(), settings, warn: () => undefined, clientFor: () => model });
    const names = ['c.ts', 'a.ts', 'b.ts'];
    const texts = Object.fromEntries(names.map((n) => [n, lines(n[0]!, { 2: `${n} new 2`, 4: `${n} new 4` })]));
    const deadlines: number[] = [];
    const opts = options();
    const set = await planChangeReview(engine, source(texts, Object.fromEntries(names.map((n) => [n, `${n} new`]))), {
      ...opts,
      limits: { maxFileBytes: 1 << 20, maxTargetLines: 100, maxFiles: 2 },
      contextTimeMs: 5000,
      contextFor: (f) => (deadlines.push(f.deadline), opts.contextFor(f)),
    });
    assert.deepEqual(set.files.map((f) => f.filePath), ['c.ts', 'a.ts'], 'the order of the diff');
    assert.deepEqual(set.skipped, [
      { filePath: 'b.ts', skipped: 'beyond the first 2 files of one change review' },
      { filePath: 'gone.ts', skipped: 'deleted' },
    ]);
    assert.equal(new Set(deadlines).size, 1, 'one deadline for the whole set');
    assert.ok(deadlines[0]! > Date.now() && deadlines[0]! <= Date.now() + 5000);
  });
});
