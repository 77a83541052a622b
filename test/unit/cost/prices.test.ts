import * as assert from 'node:assert/strict';
import { findPrice, parsePriceOverrides, PRICE_TABLE, priceOverridesSchema } from '../../../src/core/cost/prices';

function matched(model: string): string | undefined {
  return findPrice(model)?.matchedId;
}

describe('prices', () => {
  describe('table', () => {
    it('has every OpenAI, Anthropic and DeepSeek row of the reference with its list prices', () => {
      const expected: Record<string, [number, number, number]> = {
        'gpt-5': [1.25, 0.125, 10],
        'gpt-5-mini': [0.25, 0.025, 2],
        o3: [2, 2, 8],
        'o4-mini': [1.1, 1.1, 4.4],
        'claude-opus-4-5': [5, 0.5, 25],
        'claude-opus-4-1': [15, 1.5, 75],
        'claude-opus-4': [15, 1.5, 75],
        'claude-sonnet-4-5': [3, 0.3, 15],
        'claude-sonnet-4': [3, 0.3, 15],
        'claude-haiku-4-5': [1, 0.1, 5],
        'claude-sonnet-5': [2, 0.2, 10],
        'claude-sonnet-5-5': [2, 0.2, 10],
        'claude-opus-5': [5, 0.5, 25],
        'deepseek-reasoner': [0.28, 0.028, 0.42],
        'deepseek-chat': [0.28, 0.028, 0.42],
      };
      for (const [id, [input, cached, output]] of Object.entries(expected)) {
        const price = PRICE_TABLE[id];
        assert.ok(price, `missing ${id}`);
        assert.deepEqual([price.inputPerMTok, price.cachedInputPerMTok, price.outputPerMTok], [input, cached, output], id);
      }
    });

    it('gives every row a source and a date, and says where a cached price is a convention', () => {
      for (const [id, price] of Object.entries(PRICE_TABLE)) {
        assert.ok(price.source.length > 10, `${id} source`);
        assert.match(price.date, /^\d{4}/, `${id} date`);
        assert.ok(price.cachedInputPerMTok <= price.inputPerMTok, `${id} cached ≤ input`);
      }
      assert.match(PRICE_TABLE['claude-haiku-4-5']?.source ?? '', /0\.1× input/);
      assert.match(PRICE_TABLE.o3?.source ?? '', /full input rate/);
      assert.equal(PRICE_TABLE['deepseek-reasoner']?.date, '2025-12-09');
    });

    it('cannot be modified at run time', () => {
      assert.ok(Object.isFrozen(PRICE_TABLE));
    });
  });

  describe('findPrice', () => {
    it('matches exact ids, case-insensitively', () => {
      assert.equal(matched('gpt-5'), 'gpt-5');
      assert.equal(matched('GPT-5-Mini'), 'gpt-5-mini');
      assert.equal(matched('  o3 '), 'o3');
      assert.equal(findPrice('deepseek-chat')?.origin, 'table');
    });

    it('matches dated snapshots to their family', () => {
      assert.equal(matched('claude-sonnet-4-5-20250929'), 'claude-sonnet-4-5');
      assert.equal(matched('claude-opus-4-1-20250805'), 'claude-opus-4-1');
      assert.equal(matched('claude-opus-4-20250514'), 'claude-opus-4');
      assert.equal(matched('claude-sonnet-4-20250514'), 'claude-sonnet-4');
      assert.equal(matched('claude-haiku-4-5-20251001'), 'claude-haiku-4-5');
      assert.equal(matched('gpt-5-2025-08-07'), 'gpt-5');
      assert.equal(matched('gpt-5-mini-2025-08-07'), 'gpt-5-mini');
      assert.equal(matched('o3-2025-04-16'), 'o3');
      assert.equal(matched('o4-mini-2025-04-16'), 'o4-mini');
      assert.equal(matched('claude-sonnet-4-5-latest'), 'claude-sonnet-4-5');
    });

    it('matches provider-prefixed and dotted spellings', () => {
      assert.equal(matched('openai/gpt-5'), 'gpt-5');
      assert.equal(matched('openai/gpt-5-mini'), 'gpt-5-mini');
      assert.equal(matched('anthropic/claude-sonnet-4.5'), 'claude-sonnet-4-5');
      assert.equal(matched('anthropic/claude-opus-4.1'), 'claude-opus-4-1');
      assert.equal(matched('anthropic/claude-sonnet-5.5'), 'claude-sonnet-5-5');
      assert.equal(matched('deepseek/deepseek-chat'), 'deepseek-chat');
      assert.equal(matched('anthropic:claude-haiku-4-5'), 'claude-haiku-4-5');
      assert.equal(matched('openai:o4-mini'), 'o4-mini');
      assert.equal(matched('anthropic/claude-sonnet-4.5:thinking'), 'claude-sonnet-4-5');
      assert.equal(matched('openai/gpt-5-2025-08-07'), 'gpt-5');
    });

    it('never gives a sibling model the price of its family', () => {
      assert.equal(matched('gpt-5-mini'), 'gpt-5-mini');
      assert.equal(findPrice('gpt-5-mini')?.price.outputPerMTok, 2);
      assert.equal(matched('gpt-5-nano'), undefined);
      assert.equal(matched('gpt-5-codex'), undefined);
      assert.equal(matched('gpt-5-pro'), undefined);
      assert.equal(matched('o3-mini'), undefined);
      assert.equal(matched('o3-pro'), undefined);
      assert.equal(matched('claude-opus-4-1'), 'claude-opus-4-1');
      assert.equal(matched('claude-opus-4-6'), undefined);
      assert.equal(matched('claude-sonnet-4-7'), undefined);
      assert.equal(matched('claude-sonnet-5-1'), undefined);
      assert.equal(matched('gpt-5.1'), undefined);
      assert.equal(matched('gpt'), undefined);
      assert.equal(matched('claude-opus'), undefined);
      assert.equal(matched('my-gpt-5'), undefined);
    });

    it('returns undefined for unknown models', () => {
      assert.equal(findPrice('llama3.1:8b'), undefined);
      assert.equal(findPrice(''), undefined);
      assert.equal(findPrice('deepseek-r1:8b'), undefined);
    });

    it('lets user overrides win over the table, including for dated ids', () => {
      const overrides = { 'gpt-5': { input: 1, output: 2 } };
      const exact = findPrice('gpt-5', overrides);
      assert.equal(exact?.origin, 'override');
      assert.equal(exact?.price.inputPerMTok, 1);
      assert.equal(exact?.price.cachedInputPerMTok, 1, 'no cached price given → no discount assumed');
      assert.equal(exact?.price.outputPerMTok, 2);
      assert.equal(findPrice('gpt-5-2025-08-07', overrides)?.origin, 'override');
      assert.equal(findPrice('openai/gpt-5', overrides)?.origin, 'override');
      // The override for gpt-5 does not leak to gpt-5-mini.
      assert.deepEqual(findPrice('gpt-5-mini', overrides)?.origin, 'table');
    });

    it('prices custom and local models by exact override, tags included', () => {
      const overrides = { 'llama3.1:8b': { input: 0, output: 0 }, 'My-Model': { input: 0.5, cachedInput: 0.05, output: 1 } };
      const local = findPrice('llama3.1:8b', overrides);
      assert.equal(local?.matchedId, 'llama3.1:8b');
      assert.equal(local?.price.outputPerMTok, 0);
      assert.equal(findPrice('llama3.1:70b', overrides), undefined);
      const custom = findPrice('my-model', overrides);
      assert.equal(custom?.matchedId, 'My-Model');
      assert.equal(custom?.price.cachedInputPerMTok, 0.05);
      assert.match(custom?.price.source ?? '', /override/);
    });
  });

  describe('overrides setting', () => {
    it('keeps valid entries and skips invalid ones with a warning each', () => {
      const warnings: string[] = [];
      const parsed = parsePriceOverrides(
        {
          good: { input: 1, output: 2 },
          withCache: { input: 1, cachedInput: 0.1, output: 2 },
          negative: { input: -1, output: 2 },
          missingOutput: { input: 1 },
          text: { input: '1', output: 2 },
          notObject: 5,
        },
        (m) => warnings.push(m),
      );
      assert.deepEqual(parsed, { good: { input: 1, output: 2 }, withCache: { input: 1, cachedInput: 0.1, output: 2 } });
      assert.equal(warnings.length, 4);
      assert.ok(warnings.some((w) => w.includes('"negative"')));
      assert.ok(warnings.some((w) => w.includes('"missingOutput"') && w.includes('output')));
    });

    it('treats a missing setting as empty and a non-object as invalid', () => {
      const warnings: string[] = [];
      assert.deepEqual(parsePriceOverrides(undefined, (m) => warnings.push(m)), {});
      assert.deepEqual(parsePriceOverrides(null, (m) => warnings.push(m)), {});
      assert.equal(warnings.length, 0);
      assert.deepEqual(parsePriceOverrides([1, 2], (m) => warnings.push(m)), {});
      assert.deepEqual(parsePriceOverrides('gpt-5=1', (m) => warnings.push(m)), {});
      assert.equal(warnings.length, 2);
    });

    it('exposes the schema for the whole setting', () => {
      assert.equal(priceOverridesSchema.safeParse({ a: { input: 1, output: 1 } }).success, true);
      assert.equal(priceOverridesSchema.safeParse({ a: { input: 1 } }).success, false);
    });
  });
});
