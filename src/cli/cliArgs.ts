// Parses the CLI's arguments into a typed command, or a usage error (exit code 2).
import { parseArgs } from 'node:util';
import { PROVIDER_IDS, type ProviderId } from '../core/modelClient';
import type { ModelTier, ReasoningEffort } from '../core/request';

export const USAGE = `Usage:
  deep-review review <file>[:<start>-<end>] [--debug] [--diagnostics <file.json>]
      [--provider openai|anthropic|deepseek|openrouter|ollama|openai-compatible]
      [--model <id>] [--tier auto|fast|capable|reasoning] [--base-url <url>]
      [--max-thinking-tokens <n>] [--effort low|medium|high]
      [--format text|json|markdown|html] [--output <file>] [--no-cache] [--budget-usd <n>]
      [--instruction <text>] [--context-lines <n>] [--max-file-bytes <n>]
  deep-review cost            totals: today, month, thinking vs answer, per tier

Keys come from OPENAI_API_KEY, ANTHROPIC_API_KEY, DEEPSEEK_API_KEY, OPENROUTER_API_KEY
(Ollama needs none). Data lives in $DEEP_REVIEW_HOME, or $XDG_DATA_HOME/deep-review.
Exit codes: 0 done, 1 model/provider/runtime failure, 2 bad usage.`;

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
  instruction?: string;
  contextLines: number;
  /** Refuse files (what would be sent) larger than this; the engine's default when absent. */
  maxFileBytes?: number;
}

export type CliCommand = ReviewCommand | { command: 'cost' } | { command: 'help' };

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

export function parseCliArgs(argv: readonly string[]): CliCommand {
  if (argv.length === 0) throw new UsageError('No command given.');
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') return { command: 'help' };
  if (command === 'cost') {
    if (rest.length > 0) throw new UsageError(`“cost” takes no arguments.`);
    return { command: 'cost' };
  }
  if (command !== 'review') throw new UsageError(`Unknown command “${command}”.`);
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: {
        debug: { type: 'boolean', default: false },
        diagnostics: { type: 'string' },
        provider: { type: 'string' },
        model: { type: 'string' },
        tier: { type: 'string' },
        'base-url': { type: 'string' },
        'max-thinking-tokens': { type: 'string' },
        effort: { type: 'string' },
        format: { type: 'string' },
        output: { type: 'string', short: 'o' },
        'no-cache': { type: 'boolean', default: false },
        'budget-usd': { type: 'string' },
        instruction: { type: 'string' },
        'context-lines': { type: 'string' },
        'max-file-bytes': { type: 'string' },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'Give the file to review.' : `Review one file at a time (got ${positionals.length}).`);
  const target = positionals[0]!;
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
  const budget = values['budget-usd'];
  if (budget !== undefined && !(Number.isFinite(Number(budget)) && Number(budget) >= 0)) throw new UsageError(`--budget-usd must be a number of dollars (got “${budget}”).`);
  const baseUrl = values['base-url'];
  if (baseUrl !== undefined && !/^https?:\/\/\S+$/.test(baseUrl)) throw new UsageError(`--base-url must be an http(s) URL such as https://api.openai.com/v1 (got “${baseUrl}”).`);
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
    budgetUsd: budget === undefined ? undefined : Number(budget),
    instruction: values.instruction,
    contextLines: nonNegativeInt(values['context-lines'], '--context-lines') ?? 20,
    maxFileBytes: nonNegativeInt(values['max-file-bytes'], '--max-file-bytes'),
  };
}
