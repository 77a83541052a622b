// Batch request bodies mirror the streaming path's thinking and effort mapping (minus stream),
// and batch prices halve list prices without ever turning an unknown price into $0.
import * as assert from 'node:assert/strict';
import { anthropicMessagesBody, openaiResponsesBody } from '../../../src/core/batch/batchBodies';
import { batchCostOfUsage, batchWorstCase } from '../../../src/core/batch/batchPricing';
import type { ModelSpec } from '../../../src/core/modelClient';
import { batchPriceFactor } from '../../../src/core/cost/prices';
import { anthropicAdapter } from '../../../src/core/providers/anthropicProvider';
import { openaiAdapter } from '../../../src/core/providers/openaiProvider';

const PROMPT = { system: 'You are Deep Review.', prompt: 'Review this.' };
const spec = (over: Partial<ModelSpec>): ModelSpec => ({ provider: 'anthropic', model: 'claude-sonnet-4-5', reasoning: true, effort: 'medium', maxThinkingTokens: 16_000, maxAnswerTokens: 8192, ...over });

describe('batch request bodies', () => {
  it('Anthropic: budget thinking capped by effort, adaptive thinking with effort, off, and no thinking', () => {
    const budget = anthropicMessagesBody(spec({}), PROMPT);
    assert.deepEqual(budget.thinking, { type: 'enabled', budget_tokens: 8192 }, 'medium effort caps the 16k limit at 8k');
    assert.equal(budget.max_tokens, 8192 + 8192);
    assert.deepEqual(budget.system, [{ type: 'text', text: PROMPT.system, cache_control: { type: 'ephemeral' } }]);
    assert.deepEqual(budget.messages, [{ role: 'user', content: [{ type: 'text', text: PROMPT.prompt }] }]);
    assert.equal('stream' in budget, false);
    assert.equal('temperature' in budget, false);

    const adaptive = anthropicMessagesBody(spec({ model: 'claude-sonnet-5', effort: 'high' }), PROMPT);
    assert.deepEqual(adaptive.thinking, { type: 'adaptive', display: 'summarized' });
    assert.deepEqual(adaptive.output_config, { effort: 'high' });
    assert.equal(adaptive.max_tokens, 16_000 + 8192);

    assert.deepEqual(anthropicMessagesBody(spec({ model: 'claude-sonnet-5', maxThinkingTokens: 0 }), PROMPT).thinking, { type: 'disabled' });
    const alwaysOn = anthropicMessagesBody(spec({ model: 'claude-opus-5-5', maxThinkingTokens: 0 }), PROMPT);
    assert.equal(alwaysOn.thinking, undefined);
    assert.deepEqual(alwaysOn.output_config, { effort: 'low' });
    const old = anthropicMessagesBody(spec({ model: 'claude-3-5-sonnet-20241022' }), PROMPT);
    assert.equal(old.thinking, undefined);
    assert.equal(old.max_tokens, 8192);
  });

  it('OpenAI: reasoning with summaries, the lowest effort when off, none for non-reasoning models; store false', () => {
    const on = openaiResponsesBody(spec({ provider: 'openai', model: 'gpt-5', effort: 'high' }), PROMPT);
    assert.deepEqual(on.reasoning, { effort: 'high', summary: 'auto' });
    assert.equal(on.max_output_tokens, 16_000 + 8192);
    assert.equal(on.instructions, PROMPT.system);
    assert.deepEqual(on.input, [{ role: 'user', content: [{ type: 'input_text', text: PROMPT.prompt }] }]);
    assert.match(String(on.prompt_cache_key), /^deep-review-[0-9a-f]{32}$/);
    assert.equal(on.store, false);
    assert.equal('stream' in on, false);
    assert.deepEqual(openaiResponsesBody(spec({ provider: 'openai', model: 'gpt-5', maxThinkingTokens: 0 }), PROMPT).reasoning, { effort: 'minimal' });
    const plain = openaiResponsesBody(spec({ provider: 'openai', model: 'gpt-4.1' }), PROMPT);
    assert.equal(plain.reasoning, undefined);
    assert.equal(plain.max_output_tokens, 8192);
  });
});

describe('batch request bodies: prompt caching', () => {
  const withPrefix = { system: 'You are Deep Review.', prefix: ['Review guidelines: be strict.', 'Definition of f: …'], prompt: 'Review this.' };

  it('Anthropic batch requests carry the streaming path\'s cache breakpoints on the stable prefix', () => {
    const body = anthropicMessagesBody(spec({}), withPrefix);
    assert.deepEqual(body.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Review guidelines: be strict.', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'Definition of f: …', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'Review this.' },
        ],
      },
    ]);
  });

  it('OpenAI batch requests carry the same prompt_cache_key for the same prefix, whatever the prompt', () => {
    const a = openaiResponsesBody(spec({ provider: 'openai', model: 'gpt-5' }), withPrefix);
    const b = openaiResponsesBody(spec({ provider: 'openai', model: 'gpt-5' }), { ...withPrefix, prompt: 'Something else.' });
    const c = openaiResponsesBody(spec({ provider: 'openai', model: 'gpt-5' }), { ...withPrefix, prefix: ['Other guidelines.'] });
    assert.equal(a.prompt_cache_key, b.prompt_cache_key);
    assert.notEqual(a.prompt_cache_key, c.prompt_cache_key);
  });
});

describe('batch bodies come from the streaming request builders', () => {
  it('equal the streamed request minus stream, for every thinking style', () => {
    const cases: [typeof anthropicAdapter, ModelSpec][] = [
      [anthropicAdapter, spec({})],
      [anthropicAdapter, spec({ model: 'claude-sonnet-5', maxThinkingTokens: 0 })],
      [anthropicAdapter, spec({ model: 'claude-opus-5-5', effort: 'high' })],
      [openaiAdapter, spec({ provider: 'openai', model: 'gpt-5', effort: 'low' })],
      [openaiAdapter, spec({ provider: 'openai', model: 'gpt-4.1' })],
    ];
    for (const [adapter, s] of cases) {
      const streamed = adapter.buildRequest(s, PROMPT).body;
      assert.equal(streamed.stream, true, 'the streaming builder asks for a stream');
      const batch = adapter.id === 'anthropic' ? anthropicMessagesBody(s, PROMPT) : openaiResponsesBody(s, PROMPT);
      const { stream: _s, ...expected } = streamed;
      assert.deepEqual(batch, expected, `${s.model}: batch body is the streamed body without stream`);
    }
  });
});

describe('batch prices', () => {
  it('the factor lives with the prices, per provider, only where the catalog says it batches', () => {
    assert.equal(batchPriceFactor('anthropic'), 0.5);
    assert.equal(batchPriceFactor('openai'), 0.5);
    assert.equal(batchPriceFactor('deepseek'), undefined);
    assert.equal(batchPriceFactor('ollama'), undefined);
  });

  const usage = { inputTokens: 1_000_000, cachedInputTokens: 200_000, outputTokens: 100_000, reasoningTokens: 50_000, estimated: false };

  it('halves the list price, cached input included, and reports the list price beside it', () => {
    const cost = batchCostOfUsage('anthropic', usage, 'claude-sonnet-4-5');
    const list = (800_000 * 3 + 200_000 * 0.3 + 100_000 * 15) / 1e6;
    assert.ok(Math.abs((cost.listUsd ?? 0) - list) < 1e-9);
    assert.ok(Math.abs((cost.usd ?? 0) - list / 2) < 1e-9);
    assert.equal(cost.source, 'table');
  });

  it('keeps an unknown price unknown, and a provider-reported cost as billed', () => {
    assert.deepEqual(batchCostOfUsage('openai', usage, 'some-local-model'), { usd: null, source: 'unknown', listUsd: null });
    assert.equal(batchCostOfUsage('anthropic', { ...usage, providerCostUsd: 0.42 }, 'claude-sonnet-4-5').usd, 0.42);
    assert.equal(batchWorstCase('openai', { inputTokens: 10, maxOutputTokens: 10, usd: null }).usd, null);
    assert.equal(batchWorstCase('anthropic', { inputTokens: 10, maxOutputTokens: 10, usd: 0.5 }).usd, 0.25);
  });
});
