// Prices for the CLI: `--price-in` / `--price-out` (USD per million tokens) for the models of
// this run, over a prices file in the data folder, over the built-in table. Budget messages
// name the CLI's flags, never VS Code settings.
//
// The prices file is `<data folder>/prices.json`, the same shape as the VS Code setting:
//   { "my-local-model": { "input": 0.5, "output": 1.5 }, "gpt-5": { "input": 1.25, "cachedInput": 0.125, "output": 10 } }
// (USD per million tokens; cachedInput is optional and defaults to input).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BudgetHints } from '../core/cost/budget';
import { parsePriceOverrides, type PriceOverrides } from '../core/cost/prices';
import type { WarningSink } from '../core/warnings';
import { UsageError } from './cliArgs';

export const PRICES_FILE = 'prices.json';

export const CLI_BUDGET_HINTS: BudgetHints = {
  price: `Give its price with --price-in and --price-out (USD per million tokens), or add it to ${PRICES_FILE} in the data folder ($DEEP_REVIEW_HOME), to enforce your limits.`,
  daily: '--budget-usd',
  monthly: '--monthly-budget-usd',
  cheaper: 'or lower --max-thinking-tokens or choose a cheaper --model',
  confirm: 'the confirmation threshold',
};

export interface PriceFlags {
  priceIn?: number;
  priceOut?: number;
}

/** Reads `--price-in` / `--price-out`: both or neither, each a number of dollars ≥ 0. */
export function parsePriceFlags(priceIn: string | undefined, priceOut: string | undefined): PriceFlags {
  if ((priceIn === undefined) !== (priceOut === undefined)) throw new UsageError('Give both --price-in and --price-out (USD per million input and output tokens), or neither.');
  if (priceIn === undefined || priceOut === undefined) return {};
  const parse = (value: string, flag: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${flag} must be a price in USD per million tokens, such as 3 or 0.25 (got “${value}”).`);
    return n;
  };
  return { priceIn: parse(priceIn, '--price-in'), priceOut: parse(priceOut, '--price-out') };
}

/** The prices file's overrides (invalid entries are skipped with a warning naming the file). */
export function loadPricesFile(dataDir: string, warn: WarningSink): PriceOverrides {
  const path = join(dataDir, PRICES_FILE);
  if (!existsSync(path)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    warn(`${path} is not valid JSON (${err instanceof Error ? err.message : String(err)}); its prices were ignored.`);
    return {};
  }
  return parsePriceOverrides(raw, warn, path);
}

/** File prices, with the flag prices set for every model this run may use. */
export function cliPriceOverrides(fromFile: PriceOverrides, flags: PriceFlags, models: readonly string[]): PriceOverrides {
  if (flags.priceIn === undefined || flags.priceOut === undefined) return fromFile;
  const overrides: PriceOverrides = { ...fromFile };
  for (const model of models) overrides[model] = { input: flags.priceIn, output: flags.priceOut };
  return overrides;
}
