import * as assert from 'node:assert/strict';
import type { ModelSpec, ProviderId } from '../../../src/core/modelClient';
import { anthropicThinkingStyle } from '../../../src/core/providers/anthropicModels';
import { isOpenAIReasoningModel, openAIOffEffort } from '../../../src/core/providers/openaiModels';
import { PROVIDER_ADAPTERS } from '../../../src/core/providers/providerAdapters';
import { thinkingBudgetTokens } from '../../../src/core/providers/thinkingBudget';
import { validateThinkingSettings } from '../../../src/core/providers/thinkingSettings';

const spec = (provider: ProviderId, model: string, overrides: Partial<ModelSpec> = {}): ModelSpec => ({ provider, model, reasoning: true, effort: 'medium', maxThinkingTokens: 8192, maxAnswerTokens: 4096, ...overrides });

describe('thinking settings', () => {
  it('accepts the defaults for every provider', () => {
    for (const provider of Object.keys(PROVIDER_ADAPTERS) as ProviderId[]) {
      assert.equal(validateThinkingSettings(spec(provider, provider === 'anthropic' ? 'claude-sonnet-4-5' : 'model')), undefined, provider);
    }
  });

  it('rejects limits no provider can use', () => {
    assert.match(validateThinkingSettings(spec('openai', 'gpt-5', { maxThinkingTokens: -1 })) ?? '', /maxThinkingTokens must be a whole number/);
    assert.match(validateThinkingSettings(spec('deepseek', 'x', { maxAnswerTokens: 0 })) ?? '', /no room for the answer/);
    assert.match(validateThinkingSettings(spec('ollama', 'x', { effort: 'max' as never })) ?? '', /low, medium or high/);
  });

  it('checks Anthropic budgets: at least 1024, below the output limit, and only on models that think', () => {
    assert.match(validateThinkingSettings(spec('anthropic', 'claude-sonnet-4-5', { maxThinkingTokens: 1000 })) ?? '', /at least 1024 tokens, but maxThinkingTokens is 1000/);
    assert.equal(validateThinkingSettings(spec('anthropic', 'claude-sonnet-4-5', { maxThinkingTokens: 0 })), undefined);
    assert.equal(validateThinkingSettings(spec('anthropic', 'claude-opus-4-6', { maxThinkingTokens: 500 })), undefined, 'adaptive thinking takes no budget');
    assert.match(validateThinkingSettings(spec('anthropic', 'claude-opus-4-1', { maxThinkingTokens: 40000, effort: 'high' })) ?? '', /must be less than claude-opus-4-1's output limit of 32000/);
    assert.match(validateThinkingSettings(spec('anthropic', 'claude-3-5-haiku-latest')) ?? '', /has no extended thinking/);
    assert.match(validateThinkingSettings(spec('openrouter', 'anthropic/claude-sonnet-4.5', { maxThinkingTokens: 512 })) ?? '', /at least 1024/);
  });

  it('checks OpenAI efforts and the minimum output', () => {
    assert.match(validateThinkingSettings(spec('openai', 'gpt-5-pro', { effort: 'low' })) ?? '', /only accepts high/);
    assert.equal(validateThinkingSettings(spec('openai', 'gpt-5-pro', { effort: 'high' })), undefined);
    assert.match(validateThinkingSettings(spec('openai', 'gpt-5.2-pro', { effort: 'low' })) ?? '', /medium or high/);
    assert.match(validateThinkingSettings(spec('openai', 'gpt-4.1', { maxAnswerTokens: 10 })) ?? '', /at least 16 output tokens/);
  });

  it('knows which Claude models think in budgets, adaptively, always, or not at all', () => {
    const styles = Object.fromEntries(
      ['claude-3-7-sonnet-20250219', 'claude-sonnet-4-20250514', 'claude-sonnet-4-5', 'claude-sonnet-4-6', 'claude-opus-4-5-20251101', 'claude-opus-4-6', 'claude-opus-4-7', 'claude-sonnet-5', 'claude-sonnet-5-5', 'claude-opus-5-5', 'claude-haiku-4-5', 'claude-3-5-haiku-latest', 'my-proxy-model'].map((m) => [m, anthropicThinkingStyle(m)]),
    );
    assert.deepEqual(styles, {
      'claude-3-7-sonnet-20250219': 'budget',
      'claude-sonnet-4-20250514': 'budget',
      'claude-sonnet-4-5': 'budget',
      'claude-sonnet-4-6': 'budget',
      'claude-opus-4-5-20251101': 'budget',
      'claude-opus-4-6': 'adaptive',
      'claude-opus-4-7': 'adaptive',
      'claude-sonnet-5': 'adaptive',
      'claude-sonnet-5-5': 'always-adaptive',
      'claude-opus-5-5': 'always-adaptive',
      'claude-haiku-4-5': 'budget',
      'claude-3-5-haiku-latest': 'none',
      'my-proxy-model': 'budget',
    });
  });

  it('knows which OpenAI models reason and how to turn reasoning down', () => {
    assert.deepEqual(['o3', 'o4-mini', 'gpt-5', 'gpt-5.1-codex-max', 'gpt-5-chat-latest', 'gpt-4o', 'gpt-4.1'].map(isOpenAIReasoningModel), [true, true, true, true, false, false, false]);
    assert.deepEqual(['gpt-5', 'gpt-5-mini', 'gpt-5.1', 'gpt-5.2', 'o3', 'gpt-5-pro'].map(openAIOffEffort), ['minimal', 'minimal', 'none', 'none', undefined, undefined]);
  });

  it('scales the thinking budget with effort within the limit', () => {
    assert.equal(thinkingBudgetTokens(spec('anthropic', 'x', { effort: 'low', maxThinkingTokens: 16000 })), 2048);
    assert.equal(thinkingBudgetTokens(spec('anthropic', 'x', { effort: 'medium', maxThinkingTokens: 16000 })), 8192);
    assert.equal(thinkingBudgetTokens(spec('anthropic', 'x', { effort: 'high', maxThinkingTokens: 16000 })), 16000);
  });

  it('never sends temperature and maps each provider’s own thinking parameters', () => {
    const call = { system: 's', prompt: 'p' };
    const body = (provider: ProviderId, model: string, overrides: Partial<ModelSpec> = {}) => PROVIDER_ADAPTERS[provider as Exclude<ProviderId, 'vscode-lm'>].buildRequest(spec(provider, model, overrides), call).body;
    const pick = (b: Record<string, unknown>, ...keys: string[]) => Object.fromEntries(keys.filter((k) => k in b).map((k) => [k, b[k]]));
    assert.deepEqual(pick(body('anthropic', 'claude-sonnet-4-5'), 'max_tokens', 'thinking', 'output_config'), { max_tokens: 8192 + 4096, thinking: { type: 'enabled', budget_tokens: 8192 } });
    assert.deepEqual(pick(body('anthropic', 'claude-sonnet-5-5', { maxThinkingTokens: 0 }), 'max_tokens', 'thinking', 'output_config'), { max_tokens: 4096, output_config: { effort: 'low' } });
    assert.deepEqual(pick(body('openai', 'o3', { reasoning: false }), 'max_output_tokens', 'reasoning', 'store'), { max_output_tokens: 8192 + 4096, reasoning: { effort: 'low' }, store: false });
    assert.deepEqual(pick(body('deepseek', 'deepseek-v4-flash', { reasoning: false }), 'max_tokens', 'thinking', 'reasoning_effort'), { max_tokens: 4096, thinking: { type: 'disabled' } });
    assert.deepEqual(pick(body('ollama', 'qwen3'), 'think', 'options'), { think: true, options: { num_predict: 8192 + 4096 } });
    assert.deepEqual(pick(body('openai-compatible', 'm', { reasoning: false }), 'max_tokens', 'reasoning_effort'), { max_tokens: 4096 });
    // xAI's Grok 4 rejects reasoning_effort: the catalog says not to send it.
    assert.deepEqual(pick(body('xai', 'grok-4'), 'max_tokens', 'reasoning_effort'), { max_tokens: 8192 + 4096 });
    for (const provider of Object.keys(PROVIDER_ADAPTERS) as ProviderId[]) {
      assert.ok(!JSON.stringify(body(provider, 'claude-sonnet-4-5')).includes('temperature'), provider);
    }
  });
});
