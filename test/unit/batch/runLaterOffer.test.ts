// When the confirm step offers "Run Later (Half Price)": only for providers with a batch API,
// in the budget confirmation for any entry point, and for long or reasoning-tier reviews of a
// selection or file while the user has confirmations on; with the batch price beside the list price.
import * as assert from 'node:assert/strict';
import { LONG_WAIT_SECONDS, runLaterOffer, type RunLaterPlanFacts } from '../../../src/core/batch/runLaterOffer';
import type { ProviderId } from '../../../src/core/modelClient';
import type { ModelTier } from '../../../src/core/requests/request';

const worstCase = { inputTokens: 1000, maxOutputTokens: 1000, usd: 0.8 };
function plan(over: { provider?: ProviderId; tier?: ModelTier; highSeconds?: number; needsConfirmation?: boolean; cached?: boolean; allowed?: boolean } = {}): RunLaterPlanFacts {
  const budget: RunLaterPlanFacts['budget'] = over.allowed === false
    ? { allowed: false, worstCase, limit: 'daily', message: 'over the daily budget' }
    : { allowed: true, worstCase, needsConfirmation: over.needsConfirmation ?? false };
  return {
    route: { tier: over.tier ?? 'capable', model: { provider: over.provider ?? 'anthropic' }, expectedWait: { highSeconds: over.highSeconds ?? 20 } },
    budget,
    cached: over.cached ? {} : undefined,
  };
}
const selection = { offerForLongWaits: true, confirmAboveUsd: 0.5 };
const other = { offerForLongWaits: false, confirmAboveUsd: 0.5 };

describe('run later offer', () => {
  it('joins the budget confirmation for every entry point, with the half price beside the list price', () => {
    assert.deepEqual(runLaterOffer(plan({ needsConfirmation: true }), other), { reason: 'confirmation', batchUsd: 0.4, listUsd: 0.8 });
    assert.deepEqual(runLaterOffer(plan({ provider: 'openai', needsConfirmation: true }), selection), { reason: 'confirmation', batchUsd: 0.4, listUsd: 0.8 });
  });

  it('is offered for a reasoning-tier or long review of a selection or file, not for a quick one or other entry points', () => {
    assert.equal(runLaterOffer(plan({ tier: 'reasoning' }), selection)?.reason, 'reasoning');
    assert.equal(runLaterOffer(plan({ highSeconds: LONG_WAIT_SECONDS }), selection)?.reason, 'long-wait');
    assert.equal(runLaterOffer(plan({ highSeconds: LONG_WAIT_SECONDS - 1 }), selection), undefined);
    assert.equal(runLaterOffer(plan({ tier: 'reasoning' }), other), undefined);
  });

  it('asks nothing when the user turned confirmations off (threshold 0)', () => {
    assert.equal(runLaterOffer(plan({ tier: 'reasoning' }), { offerForLongWaits: true, confirmAboveUsd: 0 }), undefined);
  });

  it('is never offered for providers without a batch API, cache hits or refused plans', () => {
    for (const provider of ['deepseek', 'openrouter', 'ollama', 'vscode-lm'] as ProviderId[]) {
      assert.equal(runLaterOffer(plan({ provider, tier: 'reasoning', needsConfirmation: true }), selection), undefined, provider);
    }
    assert.equal(runLaterOffer(plan({ tier: 'reasoning', cached: true }), selection), undefined);
    assert.equal(runLaterOffer(plan({ tier: 'reasoning', allowed: false }), selection), undefined);
  });

  it('offers a request the budget refuses at the list price when it fits at the batch price, not when it does not', () => {
    const refused = plan({ allowed: false });
    const limits = (dailyUsd: number) => ({ spent: { todayUsd: 0.1, monthUsd: 0.1 }, limits: { dailyUsd, monthlyUsd: 0, confirmAboveUsd: 0 } });
    // Worst case $0.80 now, $0.40 at half price; $0.10 spent today.
    assert.deepEqual(runLaterOffer(refused, { ...other, budget: limits(0.6) }), { reason: 'over-budget', batchUsd: 0.4, listUsd: 0.8 });
    assert.equal(runLaterOffer(refused, { ...other, budget: limits(0.45) }), undefined, '$0.10 + $0.40 is over $0.45');
    assert.equal(runLaterOffer(plan({ allowed: false, provider: 'deepseek' }), { ...other, budget: limits(100) }), undefined);
  });

  it('keeps an unknown price unknown', () => {
    const unpriced = plan({ needsConfirmation: true });
    unpriced.budget.worstCase = { ...worstCase, usd: null };
    assert.deepEqual(runLaterOffer(unpriced, selection), { reason: 'confirmation', batchUsd: null, listUsd: null });
  });
});
