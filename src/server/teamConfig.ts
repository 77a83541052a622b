// Which models the team uses. The server routes and prices with it; workers call it. Set from
// the worker's (or server's) --provider/--base-url/--model/--tier flags and kept in the team row,
// so a server started with only --database routes exactly like the workers call.
import * as z from 'zod';
import { PROVIDER_IDS } from '../core/modelClient';
import { resolveTierSpecs } from '../core/routing/modelSettings';
import type { RoutingConfig } from '../core/routing/router';
import type { Db } from './db';

export const teamModelConfigSchema = z.object({
  provider: z.enum(PROVIDER_IDS),
  baseUrl: z.string().url().optional(),
  /** One model for every tier (the CLI's --model), or none for the provider's defaults. */
  model: z.string().min(1).max(200).optional(),
  tier: z.enum(['auto', 'fast', 'capable', 'reasoning']).default('auto'),
  effort: z.enum(['low', 'medium', 'high']).default('medium'),
  maxThinkingTokens: z.number().int().min(0).max(128_000).default(8192),
  maxWaitSeconds: z.number().min(5).max(86_400).default(3600),
  redactSecrets: z.boolean().default(true),
  priceOverrides: z.record(z.string(), z.object({ input: z.number().min(0), cachedInput: z.number().min(0).optional(), cacheWrite: z.number().min(0).optional(), output: z.number().min(0) })).default({}),
});
export type TeamModelConfig = z.infer<typeof teamModelConfigSchema>;

export function routingOf(config: TeamModelConfig): RoutingConfig {
  const models = config.model ? { fast: config.model, capable: config.model, reasoning: config.model } : {};
  const tiers = resolveTierSpecs({ provider: config.provider, baseUrl: config.baseUrl, models, effort: config.effort, maxThinkingTokens: config.maxThinkingTokens });
  return { mode: 'auto', maxWaitSeconds: config.maxWaitSeconds, tiers };
}

export async function readModelConfig(db: Db): Promise<TeamModelConfig | undefined> {
  const r = await db.query<{ model_config: unknown }>('SELECT model_config FROM team WHERE id = 1');
  const raw = r.rows[0]?.model_config;
  if (raw === null || raw === undefined) return undefined;
  const parsed = teamModelConfigSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

export async function writeModelConfig(db: Db, config: TeamModelConfig): Promise<void> {
  await db.query('UPDATE team SET model_config = $1::jsonb, updated_at = now() WHERE id = 1', [JSON.stringify(teamModelConfigSchema.parse(config))]);
}
