// List prices as data (USD per million tokens), from section 8 of the provider wire-format
// reference, plus the user's own overrides. Looking a model up is deliberately strict: a wrong
// price is worse than an unknown one, so only exact ids, dated snapshots of a family and
// provider-prefixed spellings match — never a sibling model such as gpt-5-mini for gpt-5.
import * as z from 'zod';
import type { WarningSink } from '../warnings';
import { PROVIDER_IDS, type ProviderId } from '../modelClient';
import { PROVIDER_CATALOG } from '../providers/catalog';

export interface ModelPrice {
  inputPerMTok: number;
  /** Cache reads (Anthropic cache_read_input_tokens, OpenAI cached_tokens, DeepSeek cache hits). */
  cachedInputPerMTok: number;
  /** Cache writes (Anthropic cache_creation_input_tokens, 5-minute cache); input price where writes cost no extra. */
  cacheWritePerMTok: number;
  /** Output tokens, thinking included (every provider bills thinking as output). */
  outputPerMTok: number;
  source: string;
  date: string;
}

export type PriceOverrides = Record<string, { input: number; cachedInput?: number; cacheWrite?: number; output: number }>;

// Anthropic documents cache reads at 0.1× input and 5-minute cache writes at 1.25× input; the
// rows without a read price use it. OpenAI and DeepSeek bill no cache writes: a written token
// costs the input (cache-miss) price.
const ANTHROPIC_CACHE_READ = 'cache read 0.1× input per the documented Anthropic convention (docs.anthropic.com pricing)';
// o3 and o4-mini have no verified cached price; billing cached tokens at the full input rate
// can only overstate the cost, never understate it against a budget.
const NO_CACHED_DISCOUNT = 'no verified cached price, so cached input is billed at the full input rate (never underestimates)';
const DEEPSEEK_V32 = 'DeepSeek V3.2 prices: RooCode packages/types/src/providers/deepseek.ts comment "Updated Dec 9, 2025" [2nd]';

export const PRICE_TABLE: Readonly<Record<string, ModelPrice>> = Object.freeze({
  'gpt-5': {
    inputPerMTok: 1.25,
    cachedInputPerMTok: 0.125,
    cacheWritePerMTok: 1.25,
    outputPerMTok: 10,
    source: 'deploybase.ai [2nd]; cached 0.125 inferred from the 10% cached ratio of every GPT-5 row on openai.com/api-priority-processing',
    date: '2026-03',
  },
  'gpt-5-mini': {
    inputPerMTok: 0.25,
    cachedInputPerMTok: 0.025,
    cacheWritePerMTok: 0.25,
    outputPerMTok: 2,
    source: 'deploybase.ai [2nd]; cached 0.025 inferred from the GPT-5 10% cached ratio (unverified)',
    date: '2026-03',
  },
  o3: { inputPerMTok: 2, cachedInputPerMTok: 2, cacheWritePerMTok: 2, outputPerMTok: 8, source: `deploybase.ai [2nd] (launch price Apr 2025 was $10/$40); ${NO_CACHED_DISCOUNT}`, date: '2026-03' },
  'o4-mini': { inputPerMTok: 1.1, cachedInputPerMTok: 1.1, cacheWritePerMTok: 1.1, outputPerMTok: 4.4, source: `deploybase.ai [2nd]; ${NO_CACHED_DISCOUNT}`, date: '2026-03' },
  'claude-opus-4-5': {
    inputPerMTok: 5,
    cachedInputPerMTok: 0.5,
    cacheWritePerMTok: 6.25,
    outputPerMTok: 25,
    source: 'platform.claude.com/docs/zh-TW/models/opus-4-5/overview (model now "Legacy")',
    date: '2026',
  },
  'claude-opus-4-1': { inputPerMTok: 15, cachedInputPerMTok: 1.5, cacheWritePerMTok: 18.75, outputPerMTok: 75, source: 'docs.anthropic.com/en/docs/about-claude/pricing', date: '2025' },
  'claude-opus-4': { inputPerMTok: 15, cachedInputPerMTok: 1.5, cacheWritePerMTok: 18.75, outputPerMTok: 75, source: 'docs.anthropic.com/en/docs/about-claude/pricing', date: '2025' },
  'claude-sonnet-4-5': {
    inputPerMTok: 3,
    cachedInputPerMTok: 0.3,
    cacheWritePerMTok: 3.75,
    outputPerMTok: 15,
    source: 'platform.claude.com sonnet-4-5 overview (deprecated, retires 2026-11-30); cache read from the Sonnet 4 row of docs.anthropic.com pricing and electronhub [2nd]',
    date: '2026',
  },
  'claude-sonnet-4': { inputPerMTok: 3, cachedInputPerMTok: 0.3, cacheWritePerMTok: 3.75, outputPerMTok: 15, source: 'docs.anthropic.com/en/docs/about-claude/pricing', date: '2025' },
  'claude-haiku-4-5': { inputPerMTok: 1, cachedInputPerMTok: 0.1, cacheWritePerMTok: 1.25, outputPerMTok: 5, source: `platform.claude.com haiku-4-5 overview; ${ANTHROPIC_CACHE_READ}`, date: '2026' },
  'claude-sonnet-5': { inputPerMTok: 2, cachedInputPerMTok: 0.2, cacheWritePerMTok: 2.5, outputPerMTok: 10, source: 'platform.claude.com sonnet-5 overview', date: '2026' },
  'claude-sonnet-5-5': { inputPerMTok: 2, cachedInputPerMTok: 0.2, cacheWritePerMTok: 2.5, outputPerMTok: 10, source: 'platform.claude.com sonnet-5-5 overview', date: '2026' },
  'claude-opus-5': { inputPerMTok: 5, cachedInputPerMTok: 0.5, cacheWritePerMTok: 6.25, outputPerMTok: 25, source: 'platform.claude.com whats-new-opus-5', date: '2026' },
  'claude-opus-5-5': {
    inputPerMTok: 4,
    cachedInputPerMTok: 0.4,
    cacheWritePerMTok: 5,
    outputPerMTok: 20,
    source: `platform.claude.com whats-new-opus-5 (lists Opus 5.5 at $4 / $20); ${ANTHROPIC_CACHE_READ}`,
    date: '2026',
  },
  'deepseek-reasoner': { inputPerMTok: 0.28, cachedInputPerMTok: 0.028, cacheWritePerMTok: 0.28, outputPerMTok: 0.42, source: DEEPSEEK_V32, date: '2025-12-09' },
  'deepseek-chat': {
    inputPerMTok: 0.28,
    cachedInputPerMTok: 0.028,
    cacheWritePerMTok: 0.28,
    outputPerMTok: 0.42,
    source: `${DEEPSEEK_V32}; deepseek-chat is the non-thinking mode of the same V3.2 model and is priced the same`,
    date: '2025-12-09',
  },
} satisfies Record<string, ModelPrice>);

export interface PriceMatch {
  price: ModelPrice;
  /** The table or override key that matched (as written there). */
  matchedId: string;
  origin: 'override' | 'table';
}

const priceOverrideSchema = z.object({
  input: z.number().min(0),
  cachedInput: z.number().min(0).optional(),
  cacheWrite: z.number().min(0).optional(),
  output: z.number().min(0),
});

/** The `deepReview.prices.overrides` setting: USD per million tokens by model id. */
export const priceOverridesSchema = z.record(z.string().min(1), priceOverrideSchema);

/**
 * Reads the overrides setting, keeping the valid entries: one mistyped model should not throw
 * away the user's other prices, but it must not pass silently either.
 */
export function parsePriceOverrides(raw: unknown, warn: WarningSink, where = 'deepReview.prices.overrides'): PriceOverrides {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    warn(`${where} must be an object of { "model-id": { "input": …, "output": … } }; it was ignored.`);
    return {};
  }
  const result: PriceOverrides = {};
  for (const [model, entry] of Object.entries(raw)) {
    const parsed = priceOverrideSchema.safeParse(entry);
    if (model.trim() === '' || !parsed.success) {
      const why = parsed.success ? 'empty model id' : parsed.error.issues.map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`).join('; ');
      warn(`${where}["${model}"] was ignored (${why}). Expected { "input": number ≥ 0, "cachedInput"?: number ≥ 0, "cacheWrite"?: number ≥ 0, "output": number ≥ 0 } in USD per million tokens.`);
      continue;
    }
    result[model] = parsed.data;
  }
  return result;
}

/** Finds the price of a model: the user's overrides first, then the built-in table. */
export function findPrice(model: string, overrides?: PriceOverrides): PriceMatch | undefined {
  if (overrides) {
    const key = matchKey(model, Object.keys(overrides));
    const entry = key === undefined ? undefined : overrides[key];
    if (key !== undefined && entry) {
      const price: ModelPrice = {
        inputPerMTok: entry.input,
        // Without a cached price the user gave none; assume no discount rather than invent one.
        cachedInputPerMTok: entry.cachedInput ?? entry.input,
        cacheWritePerMTok: entry.cacheWrite ?? entry.input,
        outputPerMTok: entry.output,
        source: `user override (deepReview.prices.overrides)${entry.cachedInput === undefined ? '; no cachedInput given, so cache reads are billed at the input price' : ''}`,
        date: 'user setting',
      };
      return { price, matchedId: key, origin: 'override' };
    }
  }
  const key = matchKey(model, Object.keys(PRICE_TABLE));
  const price = key === undefined ? undefined : PRICE_TABLE[key];
  return key !== undefined && price ? { price, matchedId: key, origin: 'table' } : undefined;
}

/**
 * The key a model id matches: an exact (case-insensitive) key first, then the key equal to the
 * normalized id, then the longest key whose dated snapshot the id is.
 */
function matchKey(model: string, keys: readonly string[]): string | undefined {
  const raw = model.trim().toLowerCase();
  const exact = keys.find((k) => k.trim().toLowerCase() === raw);
  if (exact !== undefined) return exact;
  const id = normalizeModelId(model);
  let best: { key: string; length: number } | undefined;
  for (const key of keys) {
    const family = normalizeModelId(key);
    if (family === '') continue;
    const matches = id === family || (id.startsWith(`${family}-`) && isSnapshotSuffix(id.slice(family.length + 1)));
    // Exact normalized equality always beats a family match, which is why it ranks as longer.
    const length = id === family ? Number.MAX_SAFE_INTEGER : family.length;
    if (matches && (!best || length > best.length)) best = { key, length };
  }
  return best?.key;
}

// Routers and settings spell the same model differently: `openai/gpt-5`, `anthropic:claude-…`,
// `anthropic/claude-sonnet-4.5` (OpenRouter writes versions with dots), `…:thinking`.
const OPENROUTER_VARIANTS = /:(free|thinking|beta|extended|nitro|floor|online|exacto)$/;
const PROVIDER_PREFIX = new RegExp(`^(${PROVIDER_IDS.join('|')}):`);

function normalizeModelId(model: string): string {
  let id = model.trim().toLowerCase();
  id = id.replace(PROVIDER_PREFIX, '');
  id = id.slice(id.lastIndexOf('/') + 1);
  id = id.replace(OPENROUTER_VARIANTS, '');
  // Only dots between digits are version separators (4.5 → 4-5); Ollama tags keep their colon.
  return id.replace(/(\d)\.(?=\d)/g, '$1-');
}

// What may follow a family id and still be the same model: a dated snapshot
// (claude-…-20250929, gpt-5-2025-08-07) or the moving `latest` alias. Anything else
// (mini, pro, 1, codex) is a different model with a different price.
function isSnapshotSuffix(suffix: string): boolean {
  return /^(\d{8}|\d{4}-\d{2}-\d{2}|latest)$/.test(suffix);
}

// Batch APIs bill the same tokens at a share of the list price: Anthropic's Message Batches and
// OpenAI's Batch API both at 50 %, input and output alike (cache prices are discounted the same).
const BATCH_PRICE_FACTORS: Partial<Record<ProviderId, number>> = { anthropic: 0.5, openai: 0.5 };

/** The share of the list price a batch request pays at this provider; undefined when it has no batch API. */
export function batchPriceFactor(provider: ProviderId): number | undefined {
  return PROVIDER_CATALOG[provider].capabilities.batch ? BATCH_PRICE_FACTORS[provider] : undefined;
}
