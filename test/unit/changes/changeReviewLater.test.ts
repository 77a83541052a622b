// Review Changes run later at half price (src/core/changes/changeReviewLater.ts) against the local
// batch server: the whole set goes out as one batch; the set's worst case is checked at the batch
// price before anything is sent (a refusal sends nothing); a provider without a batch API is
// named; a finished file's findings on unchanged lines are set aside.
import * as assert from 'node:assert/strict';
import { ChangeSetRefusedError, type ChangeSetPlan } from '../../../src/core/changes/changeReview';
import { changeSetLaterProblem, dismissFindingsOutsideChange, submitChangeReviewLater } from '../../../src/core/changes/changeReviewLater';
import type { JobRecord } from '../../../src/core/jobs/job';
import type { ReviewPlan } from '../../../src/core/reviewEngine';
import { BatchServer } from '../../support/batchServer';
import { CODE, openHarness, request, type Harness } from '../batch/batchHarness';

async function changeSet(h: Harness, names: string[]): Promise<ChangeSetPlan> {
  const files = await Promise.all(
    names.map(async (name) => {
      const plan = await h.engine.plan({ ...request(name), target: { ...request().target, filePath: `src/${name}.ts` } }, CODE);
      return { filePath: `src/${name}.ts`, plan, changed: [{ startLine: 3, endLine: 3 }], context: { pieces: [], tokens: 0, notices: [] } };
    }),
  );
  return { description: 'uncommitted changes', files, skipped: [{ filePath: 'old.txt', skipped: 'deleted' }], budget: files[0]!.plan.budget };
}

const budget = (dailyUsd: number) => ({ dailyUsd, monthlyUsd: 0, confirmAboveUsd: 0 });
const listWorst = (set: ChangeSetPlan) => set.files.reduce((sum, f) => sum + f.plan.budget.worstCase.usd!, 0);

describe('Review Changes, run later at half price', () => {
  let server: BatchServer;
  beforeEach(async () => {
    server = await BatchServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  it('sends the whole set as one batch, at half the list worst case', async () => {
    const h = await openHarness('anthropic', server.apiBase);
    const set = await changeSet(h, ['a', 'b', 'c']);
    // A daily limit the set exceeds at the list price but fits at the batch price.
    const result = await submitChangeReviewLater(h.engine, h.batches, set, budget(listWorst(set) * 0.6), { immediate: true });
    assert.equal(server.batches.size, 1, 'one batch for the whole set');
    const batch = server.onlyBatch();
    assert.deepEqual(batch.requests.map((r) => r.customId).sort(), result.files.map((f) => f.jobId).sort());
    assert.deepEqual(result.files.map((f) => [f.filePath, f.status, f.batchId]), set.files.map((f) => [f.filePath, 'submitted', batch.id]));
    assert.deepEqual(result.skipped, set.skipped);
    assert.ok(Math.abs(result.maxCostUsd! - listWorst(set) / 2) < 1e-9);
    assert.ok(Math.abs(result.listMaxCostUsd! - listWorst(set)) < 1e-9);
  });

  it('refuses a set over the budget at the batch price before sending anything', async () => {
    const h = await openHarness('openai', server.apiBase);
    const set = await changeSet(h, ['a', 'b']);
    // Each file alone would fit; the set does not.
    await assert.rejects(submitChangeReviewLater(h.engine, h.batches, set, budget(listWorst(set) * 0.4), { immediate: true }), (err: unknown) => err instanceof ChangeSetRefusedError && /running these 2 changed files later at half price/.test(err.message));
    assert.equal(server.batches.size, 0, 'nothing sent');
    assert.deepEqual((await h.batches.registry.read()).jobs, [], 'nothing queued');
  });

  it('names a provider without a batch API', async () => {
    const h = await openHarness('anthropic', server.apiBase);
    const set = await changeSet(h, ['a']);
    const local: ReviewPlan = { ...set.files[0]!.plan, route: { ...set.files[0]!.plan.route, model: { ...set.files[0]!.plan.route.model, provider: 'ollama' } } };
    const mixed = { ...set, files: [...set.files, { ...set.files[0]!, filePath: 'src/local.ts', plan: local }] };
    assert.equal(changeSetLaterProblem(set), undefined);
    assert.match(changeSetLaterProblem(mixed) ?? '', /^Ollama.* has no batch API/);
    await assert.rejects(submitChangeReviewLater(h.engine, h.batches, mixed, budget(0)), ChangeSetRefusedError);
    assert.equal(server.batches.size, 0);
  });

  it('sets aside a finished file’s findings on unchanged lines, and only for change reviews', () => {
    const finding = (line: number) => ({ title: `line ${line}`, severity: 'medium' as const, confidence: 0.8, startLine: line, endLine: line, explanation: '' });
    const job = {
      id: 'j1', status: 'succeeded', dismissedFindings: [], warnings: [],
      request: { change: { description: 'uncommitted changes', changedRanges: [{ startLine: 3, endLine: 4 }], diff: '' } },
      result: { summary: '', answer: '', findings: [finding(3), finding(6), finding(4)] },
    } as unknown as JobRecord;
    const out = dismissFindingsOutsideChange(job);
    assert.deepEqual(out.dismissedFindings, [1]);
    assert.match(out.warnings.at(-1) ?? '', /Dropped 1 finding on unchanged lines/);
    assert.equal(out.result?.findings.length, 3, 'the whole answer is kept (the cache holds it)');
    const plain = { ...job, request: {} } as unknown as JobRecord;
    assert.equal(dismissFindingsOutsideChange(plain), plain);
  });
});
