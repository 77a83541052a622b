// "Never pay twice for the same question": a cached answer from the same or a higher tier serves
// a request, with the answering tier shown; a route moved only by learned wait times (reasoning
// vs. its capable fallback) finds the answer it already paid for.
import * as assert from 'node:assert/strict';
import { assessComplexity } from '../../../src/core/routing/complexity';
import type { ModelTier, ReviewRequestInput } from '../../../src/core/requests/request';
import { reviewRequestSchema } from '../../../src/core/requests/request';
import { MemoryTextStore } from '../../../src/core/storage';
import { CODE, ScriptedModel, openEngine, settings } from '../../support/crashChild';

function request(instruction: string, forcedTier?: ModelTier): ReviewRequestInput {
  return { kind: 'review', instruction, target: { type: 'selection', filePath: 'src/avg.js', languageId: 'javascript', startLine: 1, endLine: 5, code: CODE }, options: forcedTier ? { forcedTier } : {} };
}

/** Complex enough that auto routing wants the reasoning tier (and may fall back on wait). */
const HARD = `Prove step by step there is no race condition or deadlock here, and analyze why. Notes: ${'the caller passes arrays from several workers; '.repeat(50)}`;

describe('Cache across tiers', () => {
  it('a higher tier answer serves a lower-tier request, and says which tier answered', async () => {
    const model = new ScriptedModel();
    const { engine } = await openEngine(new MemoryTextStore(), model, settings({ routing: { ...settings().routing, mode: 'auto' } }));
    const deep = await engine.jobs.whenDone((await engine.review(request('check the loop', 'reasoning'), CODE)).jobId);
    assert.equal(deep.status, 'succeeded');
    assert.equal(model.calls.length, 1);

    for (const tier of ['fast', 'capable'] as const) {
      const plan = await engine.plan(request('check the loop', tier), CODE);
      assert.equal(plan.route.tier, tier);
      assert.equal(plan.cached?.tier, 'reasoning', `a ${tier} request is served by the reasoning answer`);
      const started = engine.start(plan);
      assert.equal(started.fromCache, true);
      const job = await engine.jobs.whenDone(started.jobId);
      assert.equal(job.route.tier, 'reasoning', 'the job shows the tier that answered');
      assert.equal(job.route.escalationTier, undefined, 'nothing above reasoning to escalate to');
      assert.equal(job.route.model, deep.route.model);
      assert.ok(job.warnings.some((w) => /Answered from the cache by the reasoning tier/.test(w)), job.warnings.join('\n'));
    }
    assert.equal(model.calls.length, 1, 'no second payment');
  });

  it('a lower tier answer never serves a higher-tier request', async () => {
    const model = new ScriptedModel();
    const { engine } = await openEngine(new MemoryTextStore(), model, settings({ routing: { ...settings().routing, mode: 'auto' } }));
    await engine.jobs.whenDone((await engine.review(request('check the loop', 'fast'), CODE)).jobId);
    const up = await engine.plan(request('check the loop', 'capable'), CODE);
    assert.equal(up.cached, undefined);
    const escalation = await engine.plan(request('check the loop', 'reasoning'), CODE);
    assert.equal(escalation.cached, undefined, 'Re-run with Extended Thinking asks the reasoning model');
  });

  it('a route changed only by the learned wait estimate is the same question: no second request', async () => {
    const parsed = reviewRequestSchema.parse(request(HARD));
    assert.equal(assessComplexity(parsed).tier, 'complex', 'precondition: auto routing wants the reasoning tier');
    const model = new ScriptedModel();
    const s = settings({ routing: { ...settings().routing, mode: 'auto', maxWaitSeconds: 20 } });
    const { engine } = await openEngine(new MemoryTextStore(), model, s);

    // Without history the reasoning model is expected to take longer than 20 s: capable answers.
    const first = await engine.plan(request(HARD), CODE);
    assert.equal(first.route.tier, 'capable');
    const answered = await engine.jobs.whenDone(engine.start(first).jobId);
    assert.equal(answered.status, 'succeeded');
    assert.equal(model.calls.length, 1);

    // The reasoning model turns out to be quick: the learned estimate now routes to reasoning.
    const spec = s.routing.tiers.reasoning;
    for (let i = 0; i < 5; i++) engine.waits.record({ provider: spec.provider, model: spec.model, reasoning: true, inputTokens: 200, maxThinkingTokens: spec.maxThinkingTokens, durationMs: 2000 });
    const again = await engine.plan(request(HARD), CODE);
    assert.equal(again.route.tier, 'reasoning', 'precondition: the learned wait moved the route');
    assert.equal(again.cached?.tier, 'capable', 'the answer already paid for serves');
    const hit = engine.start(again);
    assert.equal(hit.fromCache, true);
    const job = await engine.jobs.whenDone(hit.jobId);
    assert.equal(job.route.tier, 'capable');
    assert.equal(job.route.escalationTier, 'reasoning', 'extended thinking is still offered');
    assert.equal(model.calls.length, 1, 'zero provider requests for the same question');

    // Asking explicitly for the reasoning tier (extended thinking) is a new question.
    const forced = await engine.plan(request(HARD, 'reasoning'), CODE);
    assert.equal(forced.cached, undefined);
  });
});
