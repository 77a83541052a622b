import * as assert from 'node:assert/strict';
import { missingModelMessage, parseModelRef, resolveTierSpecs } from '../../../src/core/routing/modelSettings';

describe('model settings', () => {
  it('uses provider defaults and thinks only on the reasoning tier', () => {
    const specs = resolveTierSpecs({ provider: 'anthropic', models: {}, effort: 'high', maxThinkingTokens: 4096 });
    assert.equal(specs.fast.model, 'claude-haiku-4-5');
    assert.equal(specs.reasoning.model, 'claude-sonnet-4-5');
    assert.equal(specs.reasoning.reasoning, true);
    assert.equal(specs.reasoning.maxThinkingTokens, 4096);
    assert.equal(specs.reasoning.effort, 'high');
    assert.equal(specs.capable.reasoning, false);
    assert.equal(specs.capable.maxThinkingTokens, 0);
  });

  it('mixes providers with provider:model and keeps the base URL on its own provider', () => {
    const specs = resolveTierSpecs({ provider: 'ollama', baseUrl: 'http://127.0.0.1:11434/api', models: { reasoning: 'anthropic:claude-sonnet-4-5', fast: 'qwen3:0.6b' }, effort: 'medium', maxThinkingTokens: 2048 });
    assert.deepEqual([specs.reasoning.provider, specs.reasoning.model, specs.reasoning.baseUrl], ['anthropic', 'claude-sonnet-4-5', undefined]);
    assert.deepEqual([specs.fast.provider, specs.fast.model, specs.fast.baseUrl], ['ollama', 'qwen3:0.6b', 'http://127.0.0.1:11434/api']);
  });

  it('does not mistake a model tag for a provider prefix', () => {
    assert.deepEqual(parseModelRef('qwen3:8b', 'ollama'), { provider: 'ollama', model: 'qwen3:8b' });
    assert.deepEqual(parseModelRef('openrouter:openai/gpt-5', 'openai'), { provider: 'openrouter', model: 'openai/gpt-5' });
  });

  it('turns thinking off when the limit is 0', () => {
    const specs = resolveTierSpecs({ provider: 'openai', models: {}, effort: 'medium', maxThinkingTokens: 0 });
    assert.equal(specs.reasoning.reasoning, false);
  });

  it('names the tiers that have no model', () => {
    const specs = resolveTierSpecs({ provider: 'openai-compatible', baseUrl: 'http://localhost:1234/v1', models: { reasoning: 'qwq' }, effort: 'medium', maxThinkingTokens: 1024 });
    assert.match(missingModelMessage(specs) ?? '', /fast, capable tiers.*deepReview\.models\.fast/);
    assert.equal(missingModelMessage(resolveTierSpecs({ provider: 'openai', models: {}, effort: 'low', maxThinkingTokens: 0 })), undefined);
  });
});
