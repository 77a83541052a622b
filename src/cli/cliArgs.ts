// Parses the CLI's arguments into a typed command, or a usage error (exit code 2).
import { parseArgs } from 'node:util';
import { PROVIDER_IDS, type ProviderId } from '../core/modelClient';
import { PROVIDER_CATALOG } from '../core/providers/catalog';
import { maskUrlCredentials } from '../core/providers/urlCredentials';
import type { ModelTier, ReasoningEffort } from '../core/requests/request';
import { parseBatchCommand, type JobsCommand, type ResultCommand } from './cliBatch';

const KEY_VARS = PROVIDER_IDS.flatMap((p) => (PROVIDER_CATALOG[p].needsKey && PROVIDER_CATALOG[p].keyEnvVar ? [PROVIDER_CATALOG[p].keyEnvVar] : []));
const KEYLESS = PROVIDER_IDS.filter((p) => p !== 'vscode-lm' && !PROVIDER_CATALOG[p].needsKey).map((p) => PROVIDER_CATALOG[p].label.replace(/ \(.*\)$/, ''));

export const USAGE = `Usage:
  deep-review review <file>[:<start>-<end>] [--debug] [--diagnostics <file.json>]
      [--provider ${PROVIDER_IDS.filter((p) => p !== 'vscode-lm').join('|')}]
      [--model <id>] [--tier auto|fast|capable|reasoning] [--base-url <url>]
      [--max-thinking-tokens <n>] [--effort low|medium|high]
      [--format text|json|markdown|html] [--output <file>] [--no-cache]
      [--budget-usd <n>] [--monthly-budget-usd <n>] [--price-in <usd> --price-out <usd>]
      [--instruction <text>] [--context-lines <n>] [--context-tokens <n>] [--timeout <seconds>]
      [--max-file-bytes <n>] [--batch]
      [--server <url>  (team mode, $DEEP_REVIEW_TOKEN)]
  deep-review review --changes [uncommitted|staged|<ref>] [--repo <dir>] [options as above]
      one review per changed file; only findings on changed lines are kept
  deep-review cost            totals: today, month, thinking vs answer, per tier
  deep-review jobs [--format text|json]                 jobs, with batch jobs' provider status
  deep-review result <jobId> [--wait] [--format …]      a finished job, as review prints it
  deep-review team|server|worker …   team mode on PostgreSQL (deep-review team --help)

--batch runs the review later at half price through the provider's batch API (anthropic,
openai): it submits and exits at once; get the answer with \`deep-review result <jobId>\`.
With --changes, the whole change set goes out as one batch, one job per changed file.

Budgets: --budget-usd is the daily limit (default 5), --monthly-budget-usd the monthly one
(default 50); each request's worst case is checked before sending. Prices: --price-in and
--price-out give the model's price in USD per million input / output tokens; prices.json in the
data folder holds prices by model id ({"model": {"input": 0.5, "output": 1.5}}). A model with no
known price is allowed, and its cost shows as unknown.


Keys come from ${KEY_VARS.join(', ')}
(${KEYLESS.join(' and ')} need none). Data lives in $DEEP_REVIEW_HOME, or $XDG_DATA_HOME/deep-review.
Exit codes: 0 done, 1 model/provider/runtime failure, 2 bad usage, 3 still pending (result).`;

export class UsageError extends Error {}

export type OutputFormat = 'text' | 'json' | 'markdown' | 'html';
export const CLI_PROVIDERS = PROVIDER_IDS.filter((p) => p !== 'vscode-lm');

export interface ReviewCommand {
  command: 'review';
  file: string;
  startLine?: number;
  endLine?: number;
  debug: boolean;
  diagnosticsFile?: string;
  provider?: ProviderId;
  model?: string;
  tier: ModelTier | 'auto';
  baseUrl?: string;
  maxThinkingTokens?: number;
  effort?: ReasoningEffort;
  format: OutputFormat;
  output?: string;
  noCache: boolean;
  budgetUsd?: number;
  monthlyBudgetUsd?: number;
  priceIn?: string;
  priceOut?: string;
  instruction?: string;
  contextLines: number;
  /** Run later at half price through the provider's batch API (see cliBatch.ts). */
  batch: boolean;
  /** Team mode: send the review to this server instead of a provider. */
  server?: string;
  /** Total seconds one model request may take (default 900). */
  timeoutSeconds?: number;
  /** Review Changes: 'uncommitted', 'staged' or a ref; undefined for a file review. */
  changes?: string;
  repo?: string;
  /** Token budget for repository context (guidelines, definitions); 0 sends none. */
  contextTokens?: number;
  /** Refuse files (what would be sent) larger than this; the engine's default when absent. */
  maxFileBytes?: number;
}

export type CliCommand = ReviewCommand | JobsCommand | ResultCommand | { command: 'cost' } | { command: 'help' };

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')} (got “${value}”).`);
  return value as T;
}

function nonNegativeInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number (got “${value}”).`);
  return Number(value);
}

function serverUrl(value: string | undefined): string | undefined {
  if (value !== undefined && !/^https?:\/\/\S+$/.test(value)) throw new UsageError(`--server must be the team server's http(s) URL (got “${value}”).`);
  return value;
}

/** `--changes` alone means uncommitted changes: give it that value so parseArgs accepts it. */
function withChangesValue(args: readonly string[]): string[] {
  const out: string[] = [];
  args.forEach((arg, i) => {
    out.push(arg);
    const next = args[i + 1];
    if (arg === '--changes' && (next === undefined || next.startsWith('-'))) out.push('uncommitted');
  });
  return out;
}

function dollars(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '' || !(Number.isFinite(Number(value)) && Number(value) >= 0)) throw new UsageError(`${flag} must be a number of dollars (got “${value}”).`);
  return Number(value);
}

export function parseCliArgs(argv: readonly string[]): CliCommand {
  if (argv.length === 0) throw new UsageError('No command given.');
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') return { command: 'help' };
  if (command === 'cost') {
    if (rest.length > 0) throw new UsageError(`“cost” takes no arguments.`);
    return { command: 'cost' };
  }
  if (command === 'jobs' || command === 'result') return parseBatchCommand(command, rest);
  if (command !== 'review') throw new UsageError(`Unknown command “${command}”.`);
  let parsed;
  try {
    parsed = parseArgs({
      args: withChangesValue(rest),
      allowPositionals: true,
      strict: true,
      options: {
        debug: { type: 'boolean', default: false },
        diagnostics: { type: 'string' },
        provider: { type: 'string' },
        model: { type: 'string' },
        tier: { type: 'string' },
        'base-url': { type: 'string' },
        timeout: { type: 'string' },
        'max-thinking-tokens': { type: 'string' },
        effort: { type: 'string' },
        format: { type: 'string' },
        output: { type: 'string', short: 'o' },
        'no-cache': { type: 'boolean', default: false },
        'budget-usd': { type: 'string' },
        'monthly-budget-usd': { type: 'string' },
        'price-in': { type: 'string' },
        'price-out': { type: 'string' },
        instruction: { type: 'string' },
        'context-lines': { type: 'string' },
        batch: { type: 'boolean', default: false },
        server: { type: 'string' },
        changes: { type: 'string' },
        repo: { type: 'string' },
        'context-tokens': { type: 'string' },
        'max-file-bytes': { type: 'string' },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.changes !== undefined) {
    if (positionals.length > 0) throw new UsageError('Give either a file or --changes, not both.');
  } else if (values.repo !== undefined) throw new UsageError('--repo goes with --changes.');
  else if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'Give the file to review.' : `Review one file at a time (got ${positionals.length}).`);
  const target = positionals[0] ?? '';
  const range = /^(.*):(\d+)-(\d+)$/.exec(target);
  let file = target;
  let startLine: number | undefined;
  let endLine: number | undefined;
  if (range) {
    file = range[1]!;
    startLine = Number(range[2]);
    endLine = Number(range[3]);
    if (startLine < 1 || endLine < startLine) throw new UsageError(`The line range ${range[2]}-${range[3]} is not valid: lines start at 1 and the end is not before the start.`);
  }
  const budget = dollars(values['budget-usd'], '--budget-usd');
  const monthlyBudget = dollars(values['monthly-budget-usd'], '--monthly-budget-usd');
  const baseUrl = values['base-url'];
  if (baseUrl !== undefined && !/^https?:\/\/\S+$/.test(baseUrl)) throw new UsageError(`--base-url must be an http(s) URL such as ${PROVIDER_CATALOG.openai.defaultBaseUrl} (got “${maskUrlCredentials(baseUrl)}”).`);
  const timeoutSeconds = nonNegativeInt(values.timeout, '--timeout');
  if (timeoutSeconds === 0) throw new UsageError('--timeout must be at least 1 second.');
  return {
    command: 'review',
    file,
    startLine,
    endLine,
    debug: values.debug === true,
    diagnosticsFile: values.diagnostics,
    provider: oneOf(values.provider, CLI_PROVIDERS, '--provider'),
    model: values.model?.trim() || undefined,
    tier: oneOf(values.tier, ['auto', 'fast', 'capable', 'reasoning'] as const, '--tier') ?? 'auto',
    baseUrl,
    maxThinkingTokens: nonNegativeInt(values['max-thinking-tokens'], '--max-thinking-tokens'),
    effort: oneOf(values.effort, ['low', 'medium', 'high'] as const, '--effort'),
    format: oneOf(values.format, ['text', 'json', 'markdown', 'html'] as const, '--format') ?? 'text',
    output: values.output,
    noCache: values['no-cache'] === true,
    budgetUsd: budget,
    monthlyBudgetUsd: monthlyBudget,
    priceIn: values['price-in'],
    priceOut: values['price-out'],
    instruction: values.instruction,
    contextLines: nonNegativeInt(values['context-lines'], '--context-lines') ?? 20,
    batch: values.batch === true,
    server: serverUrl(values.server),
    timeoutSeconds,
    changes: values.changes,
    repo: values.repo,
    contextTokens: nonNegativeInt(values['context-tokens'], '--context-tokens'),
    maxFileBytes: nonNegativeInt(values['max-file-bytes'], '--max-file-bytes'),
  };
}
