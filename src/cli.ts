// The headless CLI over the same core as the extension: same routing, cache, ledger and
// providers. Data lives under $DEEP_REVIEW_HOME (or $XDG_DATA_HOME/deep-review).
//   deep-review review <file>[:<start>-<end>] [options]     see USAGE in cli/cliArgs.ts
//   deep-review cost
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { buildDebugRequest } from './core/batching';
import { buildCostReport, formatCostReportText } from './core/costReport';
import type { JobEvent, JobRecord } from './core/job';
import { CostLedger } from './core/ledger';
import { isModelError } from './core/modelError';
import type { ProviderId } from './core/modelClient';
import { missingModelMessage, resolveTierSpecs } from './core/modelSettings';
import { createModelClient } from './core/providers/providerFactory';
import { ReviewEngine } from './core/reviewEngine';
import type { ReviewRequestInput } from './core/request';
import { FileTextStore } from './node/fileTextStore';
import { USAGE, UsageError, parseCliArgs, type ReviewCommand } from './cli/cliArgs';
import { parseDiagnosticsJson } from './cli/cliDiagnostics';
import { renderJob } from './cli/cliOutput';

const KEY_ENV: Partial<Record<ProviderId, string>> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  deepseek: 'DEEPSEEK_API_KEY',
  openrouter: 'OPENROUTER_API_KEY',
  'openai-compatible': 'OPENAI_COMPATIBLE_API_KEY',
};
const KEYED_IN_ORDER: ProviderId[] = ['anthropic', 'openai', 'deepseek', 'openrouter'];

class CliFailure extends Error {}

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DEEP_REVIEW_HOME) return env.DEEP_REVIEW_HOME;
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'deep-review');
}

function pickProvider(cmd: ReviewCommand): ProviderId {
  if (cmd.provider) return cmd.provider;
  const fromEnv = KEYED_IN_ORDER.find((p) => process.env[KEY_ENV[p]!]);
  if (fromEnv) return fromEnv;
  throw new UsageError('Choose a provider with --provider, or set one of ANTHROPIC_API_KEY, OPENAI_API_KEY, DEEPSEEK_API_KEY, OPENROUTER_API_KEY.');
}

function buildRequest(cmd: ReviewCommand, text: string, displayPath: string): ReviewRequestInput {
  const languageId = languageOf(displayPath);
  const lines = text.split(/\r?\n/);
  if (cmd.diagnosticsFile) {
    if (!existsSync(cmd.diagnosticsFile)) throw new UsageError(`The diagnostics file ${cmd.diagnosticsFile} does not exist.`);
    const diagnostics = parseDiagnosticsJson(readFileSync(cmd.diagnosticsFile, 'utf8'), cmd.diagnosticsFile);
    if (diagnostics.length === 0) throw new UsageError(`${cmd.diagnosticsFile} holds no diagnostics.`);
    const outside = diagnostics.find((d) => d.startLine > lines.length);
    if (outside) throw new UsageError(`A diagnostic points at line ${outside.startLine}, but ${displayPath} has ${lines.length} lines.`);
    return buildDebugRequest({ filePath: displayPath, languageId, text }, diagnostics, { contextLines: cmd.contextLines, instruction: cmd.instruction });
  }
  const kind = cmd.debug ? 'debug' : 'review';
  if (cmd.startLine !== undefined && cmd.endLine !== undefined) {
    if (cmd.endLine > lines.length) throw new UsageError(`${displayPath} has ${lines.length} lines; the range ends at ${cmd.endLine}.`);
    const s = cmd.startLine - 1;
    const e = cmd.endLine - 1;
    return {
      kind,
      target: {
        type: 'selection',
        filePath: displayPath,
        languageId,
        startLine: cmd.startLine,
        endLine: cmd.endLine,
        code: lines.slice(s, e + 1).join('\n'),
        contextBefore: lines.slice(Math.max(0, s - cmd.contextLines), s).join('\n'),
        contextAfter: lines.slice(e + 1, e + 1 + cmd.contextLines).join('\n'),
      },
      instruction: cmd.instruction,
    };
  }
  if (text.trim() === '') throw new UsageError(`${displayPath} is empty: there is nothing to review.`);
  return { kind, target: { type: 'file', filePath: displayPath, languageId, startLine: 1, endLine: lines.length, code: text, contextBefore: '', contextAfter: '' }, instruction: cmd.instruction };
}

const LANGUAGES: Record<string, string> = { ts: 'typescript', tsx: 'typescriptreact', js: 'javascript', jsx: 'javascriptreact', mjs: 'javascript', cjs: 'javascript', py: 'python', go: 'go', rs: 'rust', java: 'java', kt: 'kotlin', c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', hpp: 'cpp', cs: 'csharp', rb: 'ruby', php: 'php', swift: 'swift', json: 'json', sh: 'shellscript', sql: 'sql', yaml: 'yaml', yml: 'yaml' };
function languageOf(path: string): string {
  return LANGUAGES[path.split('.').pop()?.toLowerCase() ?? ''] ?? 'plaintext';
}

/** Live view on a terminal: reasoning streams dimmed to stderr, with time and token counts. */
function liveReporter(job: Readonly<JobRecord>, out: NodeJS.WriteStream): (e: JobEvent) => void {
  const tty = out.isTTY === true;
  const dim = (s: string) => (tty ? `\x1b[2m${s}\x1b[22m` : s);
  const started = Date.now();
  const secs = () => ((Date.now() - started) / 1000).toFixed(1);
  let thinking = 0;
  let answering = false;
  let inReasoning = false;
  const w = job.route.expectedWait;
  out.write(`${dim(`→ ${job.route.tier} model ${job.route.provider}/${job.route.model}: ${job.route.reasons.join('; ')}`)}\n`);
  out.write(`${dim(`  expect ${Math.round(w.lowSeconds)}–${Math.round(w.highSeconds)} s (${w.reason})`)}\n`);
  if (job.route.note) out.write(`${dim(`  ${job.route.note}`)}\n`);
  return (e) => {
    if (!tty) return;
    if (e.type === 'reasoning') {
      if (!inReasoning) out.write(dim('\n  thinking: '));
      inReasoning = true;
      out.write(dim(e.text));
    } else if (e.type === 'tokens') {
      thinking = e.reasoningTokens;
    } else if (e.type === 'answer' && !answering) {
      answering = true;
      out.write(`\n${dim(`── thought for ${secs()} s · ${thinking.toLocaleString('en-US')} thinking tokens ── writing the answer…`)}\n`);
    } else if (e.type === 'retry') {
      out.write(`\n${dim(`  retry ${e.attempt} in ${(e.delayMs / 1000).toFixed(1)} s (${e.reason})`)}\n`);
    }
  };
}

async function review(cmd: ReviewCommand): Promise<number> {
  const path = resolve(cmd.file);
  if (!existsSync(path)) throw new UsageError(`No such file: ${cmd.file}`);
  const text = readFileSync(path, 'utf8');
  const display = relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path);
  const provider = pickProvider(cmd);
  const envVar = KEY_ENV[provider];
  const apiKey = envVar ? process.env[envVar] : undefined;
  if (envVar && !apiKey && provider !== 'openai-compatible') throw new CliFailure(`${envVar} is not set. Export your ${provider} API key as ${envVar}, or choose another --provider.`);
  const models = cmd.model ? { fast: cmd.model, capable: cmd.model, reasoning: cmd.model } : {};
  const tiers = resolveTierSpecs({ provider, baseUrl: cmd.baseUrl, models, effort: cmd.effort ?? 'medium', maxThinkingTokens: cmd.maxThinkingTokens ?? 8192 });
  const missing = missingModelMessage(tiers);
  if (missing) throw new UsageError(missing.replace('deepReview.models.', '--model (deepReview.models.'));
  const request = buildRequest(cmd, text, display);
  if (cmd.tier !== 'auto') request.options = { ...request.options, forcedTier: cmd.tier };
  if (cmd.noCache) request.options = { ...request.options, noCache: true };
  const warnings: string[] = [];
  const engine = await ReviewEngine.open({
    store: new FileTextStore(dataDir()),
    warn: (w) => {
      warnings.push(w);
      process.stderr.write(`warning: ${w}\n`);
    },
    settings: () => ({
      routing: { mode: 'auto', maxWaitSeconds: Number(process.env.DEEP_REVIEW_MAX_WAIT_SECONDS ?? 3600), tiers },
      budget: { dailyUsd: cmd.budgetUsd ?? 5, monthlyUsd: 50, confirmAboveUsd: 0 },
      priceOverrides: {},
      concurrency: 1,
      cacheMaxBytes: 50 * 1024 * 1024,
      redactSecrets: process.env.DEEP_REVIEW_REDACT_SECRETS !== '0',
      maxFileBytes: cmd.maxFileBytes,
      maxFileBytesName: '--max-file-bytes',
    }),
    clientFor: (spec) =>
      createModelClient({
        provider: spec.provider,
        apiKey: spec.provider === provider ? apiKey : process.env[KEY_ENV[spec.provider] ?? ''],
        baseUrl: spec.baseUrl,
        idleTimeoutMs: Number(process.env.DEEP_REVIEW_IDLE_TIMEOUT_MS ?? 120_000),
        retry: process.env.DEEP_REVIEW_RETRY_BASE_DELAY_MS ? { baseDelayMs: Number(process.env.DEEP_REVIEW_RETRY_BASE_DELAY_MS) } : undefined,
      }),
  });
  const plan = await engine.plan(request, text);
  for (const n of plan.notices) process.stderr.write(`note: ${n}\n`);
  const started = engine.start(plan);
  const job = engine.jobs.get(started.jobId)!;
  if (!started.fromCache) {
    const report = liveReporter(job, process.stderr);
    engine.jobs.subscribe(job.id, report);
    const onSigint = () => engine.cancel(job.id);
    process.once('SIGINT', onSigint);
    await engine.jobs.whenDone(job.id);
    process.off('SIGINT', onSigint);
  }
  const done = await engine.jobs.whenDone(job.id);
  await engine.flush();
  if (process.stderr.isTTY) {
    const u = done.usage;
    const cost = done.fromCache ? 'cached, $0' : done.costUsd === null ? 'cost unknown' : `$${(done.costUsd ?? 0).toFixed(4)}`;
    process.stderr.write(`\x1b[2m── ${done.status} · ${u ? `${u.reasoningTokens} thinking + ${Math.max(0, u.outputTokens - u.reasoningTokens)} answer tokens · ` : ''}${cost} ──\x1b[22m\n`);
  }
  if (done.status !== 'succeeded') {
    process.stderr.write(`deep-review: ${done.error?.message ?? `the job ended as ${done.status}`}\n`);
    if (cmd.format === 'json') writeOut(cmd, renderJob(done, 'json'));
    return 1;
  }
  writeOut(cmd, renderJob(done, cmd.format));
  return 0;
}

function writeOut(cmd: ReviewCommand, text: string): void {
  if (cmd.output) writeFileSync(cmd.output, text);
  else process.stdout.write(text);
}

async function cost(): Promise<number> {
  const ledger = await CostLedger.open(new FileTextStore(dataDir()), { warn: (w) => process.stderr.write(`warning: ${w}\n`) });
  const t = ledger.totals();
  const line = (name: string, x: typeof t.today) =>
    `${name.padEnd(12)} $${x.usd.toFixed(4).padStart(10)}  ${String(x.jobs).padStart(5)} jobs  ${x.reasoningTokens.toLocaleString('en-US').padStart(12)} thinking  ${x.answerTokens.toLocaleString('en-US').padStart(12)} answer${x.unknownCostJobs ? `  (${x.unknownCostJobs} with unknown cost)` : ''}`;
  process.stdout.write(`${line('Today', t.today)}\n${line('This month', t.month)}\n\n`);
  process.stdout.write(formatCostReportText(buildCostReport(ledger.records(), (id) => ledger.isSuccessful(id))));
  process.stdout.write('\n');
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const cmd = parseCliArgs(argv);
    if (cmd.command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    return cmd.command === 'cost' ? await cost() : await review(cmd);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`deep-review: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    const message = isModelError(err) || err instanceof CliFailure || err instanceof Error ? err.message : String(err);
    process.stderr.write(`deep-review: ${message}\n`);
    return 1;
  }
}

/**
 * A reader that stops early (`deep-review … | head`) closes the pipe: the next write fails
 * with EPIPE. That is not an error of ours: end quietly, with the exit code so far.
 */
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw err;
  });
}

if (require.main === module) {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
