// The rough edges a new user hit (issue 11's numbered list), at the unit level: each test pins
// the behaviour that was wrong. The panel's side is in test/webview, the editor's in
// test/integration/suite/roughEdges.test.ts.
import * as assert from 'node:assert/strict';
import { findingId, findingIndex } from '../../../src/core/results/findingIdentity';
import { checkFix } from '../../../src/core/results/fixApplication';
import { jobTitle, type JobRecord } from '../../../src/core/jobs/job';
import { jobToHtml } from '../../../src/core/jobs/jobReport';
import { CostLedger } from '../../../src/core/cost/ledger';
import type { ModelCall, ModelClient, ModelEvent } from '../../../src/core/modelClient';
import { resolveTierSpecs } from '../../../src/core/routing/modelSettings';
import { PROVIDER_CATALOG } from '../../../src/core/providers/catalog';
import { RequestInputError, rangeRequest, wholeFileRequest } from '../../../src/core/requests/rangeRequest';
import { ReviewEngine } from '../../../src/core/reviewEngine';
import { MemoryTextStore } from '../../../src/core/storage';
import { waitLine } from '../../../src/core/routing/waitDescription';
import { WaitEstimator } from '../../../src/core/routing/waitEstimate';
import { completionText, failureActions, failureText } from '../../../src/vscode/jobMessages';
import { reasoningSummary } from '../../../src/vscode/panelModel';
import { keyPrompt, setupSettings, setupSteps, startingValue, stepTitle } from '../../../src/vscode/providerSetupPlan';

function job(overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id: 'jtest001',
    request: { kind: 'review', target: { type: 'selection', filePath: 'src/cart.ts', languageId: 'typescript', startLine: 10, endLine: 10, code: 'x', contextBefore: '', contextAfter: '' }, options: {} },
    route: {
      tier: 'fast', provider: 'ollama', model: 'qwen3:4b', reasoning: false, effort: 'low', maxThinkingTokens: 0, maxAnswerTokens: 8192,
      complexity: { tier: 'simple', score: 1 }, reasons: ['simple'], expectedWait: { lowSeconds: 0.2, highSeconds: 0.4, reason: 'qwen3:4b answers directly, without thinking first' },
    },
    cacheKey: 'k', fileHash: 'h', status: 'succeeded', createdAt: 1, fromCache: false, reasoning: '', answer: '', warnings: [], retries: 0, dismissedFindings: [],
    ...overrides,
  };
}

describe('issue 11 rough edges (unit)', () => {
  describe('2: Choose Provider', () => {
    it('starts a new provider from its own defaults, never the old provider’s models or server URL', () => {
      const current = { provider: 'ollama', baseUrl: 'http://127.0.0.1:11434/api', models: { fast: 'qwen3:4b', capable: 'qwen3:8b', reasoning: 'qwen3:8b' } };
      const steps = setupSteps('anthropic');
      assert.equal(steps.some((s) => s.kind === 'baseUrl'), false, 'a hosted API is not asked for a server URL');
      const modelStep = steps.find((s) => s.kind === 'model' && s.tier === 'fast')!;
      assert.equal(startingValue(modelStep, 'anthropic', current), PROVIDER_CATALOG.anthropic.defaultModels.fast);
      const written = setupSettings('anthropic', { models: { fast: 'claude-haiku-4-5', capable: 'claude-sonnet-4-5', reasoning: 'claude-sonnet-4-5' }, effort: 'medium', maxThinkingTokens: 4096 });
      assert.equal(written.baseUrl, undefined, 'the old local server URL is removed');
      assert.ok('baseUrl' in written, 'and removal is written, not skipped');
      assert.equal(written['models.fast'], '', 'a default model follows the provider default');
    });

    it('numbers every step once, ending at N/N, for every provider', () => {
      for (const p of ['anthropic', 'ollama', 'openai-compatible', 'vscode-lm'] as const) {
        const steps = setupSteps(p);
        const titles = steps.map((s, i) => stepTitle(s.kind, i, steps));
        const numbers = titles.map((t) => /\((\d+)\/(\d+)\)/.exec(t)!.slice(1).map(Number));
        assert.deepEqual(numbers.map(([n]) => n), steps.map((_, i) => i + 2), `${p}: ${titles.join(' | ')}`);
        assert.ok(numbers.every(([, total]) => total === steps.length + 1));
      }
      assert.equal(setupSteps('ollama')[0]?.kind, 'baseUrl', 'a local server is asked for its URL');
    });
  });

  describe('6: panel state', () => {
    it('a "Send it?" confirmation is not kept as a warning on the job', async () => {
      const model: ModelClient = {
        async *stream(_call: ModelCall): AsyncIterable<ModelEvent> {
          yield { type: 'answer-delta', text: '{"summary":"ok","findings":[],"answer":"fine"}' };
          yield { type: 'finish', reason: 'stop' };
        },
      };
      const engine = await ReviewEngine.open({
        store: new MemoryTextStore(),
        warn: () => undefined,
        clientFor: () => model,
        settings: () => ({ routing: { mode: 'alwaysReasoning', maxWaitSeconds: 3600, tiers: resolveTierSpecs({ provider: 'anthropic', models: {}, effort: 'medium', maxThinkingTokens: 4096 }) }, budget: { dailyUsd: 0, monthlyUsd: 0, confirmAboveUsd: 0.000001 }, priceOverrides: {}, concurrency: 1, cacheMaxBytes: 1e6, redactSecrets: false }),
      });
      const plan = await engine.plan({ kind: 'review', target: { type: 'selection', filePath: 'a.ts', startLine: 1, endLine: 1, code: 'let a = 1;' } });
      assert.equal(plan.budget.allowed && plan.budget.needsConfirmation, true);
      const done = await engine.jobs.whenDone(engine.start(plan).jobId);
      assert.equal(done.warnings.some((w) => /Send it\?/.test(w)), false, done.warnings.join(' | '));
    });

    it('the reasoning’s one-line summary shows no raw markdown ticks', () => {
      assert.equal(reasoningSummary('**Tracing the loop bounds**\n\nThe loop runs while `i <= values.length`, so it reads past the end.'), 'Tracing the loop bounds: The loop runs while i <= values.length, so it reads past the end.');
    });

    it('an applied fix is success but not a "Helpful" answer', async () => {
      const ledger = await CostLedger.open(new MemoryTextStore(), { warn: () => undefined });
      await ledger.markSuccess('j1', 'fixApplied');
      assert.equal(ledger.isSuccessful('j1'), true);
      assert.equal(ledger.feedback('j1'), undefined);
      await ledger.markSuccess('j1', 'helpful');
      assert.equal(ledger.feedback('j1'), 'helpful');
      await ledger.markNotHelpful('j1');
      assert.equal(ledger.feedback('j1'), 'notHelpful');
    });
  });

  describe('7: unstructured answers', () => {
    it('are not announced as "0 findings"', () => {
      const text = completionText(job({ structured: false, result: { summary: '', findings: [], answer: 'prose' } }));
      assert.doesNotMatch(text, /0 findings|no findings/i);
      assert.match(text, /no structured findings/);
      assert.match(completionText(job({ structured: true, result: { summary: '', findings: [], answer: '' } })), /no findings/);
    });
  });

  describe('8: wait estimates', () => {
    it('never reads "0–0 s", and drops "without thinking" once the model is seen thinking', () => {
      const route = job().route;
      assert.doesNotMatch(waitLine(route), /0–0/);
      assert.match(waitLine(route), /^expect (about )?[1-9]/);
      assert.match(waitLine(route, 0), /without thinking first/);
      assert.doesNotMatch(waitLine(route, 59), /without thinking/);
    });
  });

  it('8: an estimate for a thinking job, from jobs that did not think, says why it is longer than they took', () => {
    const estimator = new WaitEstimator([1, 2, 3].map(() => ({ provider: 'ollama' as const, model: 'qwen3:8b', reasoning: false, inputTokens: 200, maxThinkingTokens: 0, durationMs: 1000 })));
    const spec = { provider: 'ollama' as const, model: 'qwen3:8b', reasoning: true, effort: 'medium' as const, maxThinkingTokens: 8192, maxAnswerTokens: 8192 };
    const e = estimator.estimate(spec, 200);
    assert.ok(e.lowSeconds > 1, 'it is longer than the 1 s jobs');
    assert.match(e.reason, /without thinking; thinking adds time/);
    assert.doesNotMatch(estimator.estimate({ ...spec, reasoning: false, maxThinkingTokens: 0 }, 200).reason, /thinking adds time/);
  });

  describe('9: labels', () => {
    it('read "cart.ts:10" and "Line 6 changed", never "10-10" or "6–6"', () => {
      assert.equal(jobTitle(job()), 'Review cart.ts:10');
      const target = { type: 'selection' as const, filePath: 'a.ts', languageId: 'ts', startLine: 6, endLine: 6, code: 'old', contextBefore: '', contextAfter: '' };
      const check = checkFix(target, { title: 't', severity: 'low', confidence: 1, startLine: 6, endLine: 6, explanation: '', suggestedFix: 'new' }, () => 'edited');
      assert.equal(check.ok, false);
      assert.match(check.ok ? '' : check.reason, /^Line 6 changed since the review/);
    });
  });

  describe('10: errors and ids', () => {
    it('offers Open Settings on connection errors and names the job', () => {
      assert.ok(failureActions('network').includes('Open Settings'));
      assert.ok(failureActions('timeout').includes('Open Settings'));
      assert.match(failureText(job({ status: 'failed', error: { kind: 'network', message: 'Could not connect.' } })), /job jtest001/);
      assert.match(completionText(job()), /job jtest001/);
    });

    it('starts each sentence of the key prompt with a capital', () => {
      const prompt = keyPrompt('openai-compatible');
      assert.doesNotMatch(prompt, /\. [a-z]/, prompt);
    });
  });

  describe('11: HTML export', () => {
    it('keeps the Reasoning <details> label and the whole reasoning', () => {
      const reasoning = 'First line of thought.\nSecond line: a < b && c > d.\nThird line.';
      const html = jobToHtml(job({ reasoning, result: { summary: 's', findings: [], answer: 'a' } }));
      assert.match(html, /<details open><summary>Reasoning<\/summary>/);
      assert.ok(html.includes('Third line.'), 'the reasoning is not cut to one line');
      assert.ok(html.includes('a &lt; b &amp;&amp; c &gt; d'), 'and stays escaped');
    });
  });

  describe('selection → request and finding identity live once in core', () => {
    it('builds a range request with context and refuses what is not there', () => {
      const file = { filePath: 'a.ts', languageId: 'typescript', text: 'one\r\ntwo\nthree\nfour' };
      const r = rangeRequest(file, { startLine: 2, endLine: 3 }, { contextLines: 1 });
      assert.equal(r.target.code, 'two\nthree');
      assert.equal(r.target.contextBefore, 'one');
      assert.equal(r.target.contextAfter, 'four');
      assert.throws(() => rangeRequest(file, { startLine: 2, endLine: 9 }, { contextLines: 0 }), RequestInputError);
      assert.throws(() => wholeFileRequest({ ...file, text: '  \n' }), RequestInputError);
      assert.equal(wholeFileRequest(file).target.endLine, 4);
    });

    it('round-trips finding ids and rejects anything else', () => {
      assert.equal(findingIndex(findingId(7)), 7);
      assert.equal(findingIndex('f'), undefined);
      assert.equal(findingIndex('x1'), undefined);
    });
  });
});
