// Arguments of the team-mode commands: `team …`, `server`, `worker`.
import { parseArgs } from 'node:util';
import { CLI_PROVIDERS, UsageError } from './cliArgs';
import type { TeamModelConfig } from '../server/teamConfig';

export const TEAM_USAGE = `Team mode (PostgreSQL; --database defaults to $DEEP_REVIEW_DATABASE_URL):
  deep-review team init --database <url>
  deep-review team add-member <name> --database <url>     prints the token once, last line
  deep-review team revoke-member <name> --database <url>
  deep-review team budget --daily-usd <n> [--monthly-usd <n>] [--member <name>] --database <url>
  deep-review team report [--days <n>] [--format text|json] --database <url>
  deep-review server --database <url> --port <n> [--host 127.0.0.1] [--rate-per-minute <n>] [--max-body-bytes <n>]
  deep-review worker --database <url> [--provider … --base-url … --model … --tier …]
      [--concurrency <n>] [--lease-seconds <n>]     keys from the same variables as review
  deep-review review <file> --server <url> …        token from $DEEP_REVIEW_TOKEN`;

const MODEL_OPTIONS = {
  provider: { type: 'string' },
  'base-url': { type: 'string' },
  model: { type: 'string' },
  tier: { type: 'string' },
  effort: { type: 'string' },
  'max-thinking-tokens': { type: 'string' },
} as const;

const OPTIONS = {
  database: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'rate-per-minute': { type: 'string' },
  'max-body-bytes': { type: 'string' },
  'daily-usd': { type: 'string' },
  'monthly-usd': { type: 'string' },
  member: { type: 'string' },
  days: { type: 'string' },
  format: { type: 'string' },
  concurrency: { type: 'string' },
  'lease-seconds': { type: 'string' },
  'poll-ms': { type: 'string' },
  ...MODEL_OPTIONS,
} as const;

export interface TeamArgs {
  positionals: string[];
  database: string;
  values: Partial<Record<keyof typeof OPTIONS, string>>;
}

export function parseTeamArgs(argv: readonly string[], env: NodeJS.ProcessEnv): TeamArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTIONS });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const database = parsed.values.database ?? env.DEEP_REVIEW_DATABASE_URL;
  if (!database) throw new UsageError('Give the database with --database postgres://… (or set DEEP_REVIEW_DATABASE_URL).');
  if (!/^postgres(ql)?:\/\//.test(database)) throw new UsageError('--database must be a postgres:// URL.');
  return { positionals: parsed.positionals, database, values: parsed.values as TeamArgs['values'] };
}

export function numberFlag(value: string | undefined, flag: string, opts: { min?: number; integer?: boolean } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < (opts.min ?? 0) || (opts.integer && !Number.isInteger(n))) throw new UsageError(`${flag} must be a ${opts.integer ? 'whole ' : ''}number of at least ${opts.min ?? 0} (got “${value}”).`);
  return n;
}

/** The model configuration given by flags, or undefined when no --provider was given. */
export function modelConfigFromFlags(values: TeamArgs['values']): TeamModelConfig | undefined {
  if (values.provider === undefined) {
    if (values.model || values['base-url'] || values.tier) throw new UsageError('--model, --base-url and --tier need --provider.');
    return undefined;
  }
  if (!(CLI_PROVIDERS as readonly string[]).includes(values.provider)) throw new UsageError(`--provider must be one of ${CLI_PROVIDERS.join(', ')} (got “${values.provider}”).`);
  const tier = values.tier ?? 'auto';
  if (!['auto', 'fast', 'capable', 'reasoning'].includes(tier)) throw new UsageError(`--tier must be one of auto, fast, capable, reasoning (got “${tier}”).`);
  const effort = values.effort ?? 'medium';
  if (!['low', 'medium', 'high'].includes(effort)) throw new UsageError(`--effort must be one of low, medium, high (got “${effort}”).`);
  const baseUrl = values['base-url'];
  if (baseUrl !== undefined && !/^https?:\/\/\S+$/.test(baseUrl)) throw new UsageError(`--base-url must be an http(s) URL (got “${baseUrl}”).`);
  return {
    provider: values.provider as TeamModelConfig['provider'],
    baseUrl,
    model: values.model?.trim() || undefined,
    tier: tier as TeamModelConfig['tier'],
    effort: effort as TeamModelConfig['effort'],
    maxThinkingTokens: numberFlag(values['max-thinking-tokens'], '--max-thinking-tokens', { integer: true }) ?? 8192,
    maxWaitSeconds: 3600,
    redactSecrets: true,
    priceOverrides: {},
  };
}
