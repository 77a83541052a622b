// The headless CLI over the same core as the extension: same routing, cache, ledger and
// providers. Data lives under $DEEP_REVIEW_HOME (or $XDG_DATA_HOME/deep-review).
//   deep-review review <file>[:<start>-<end>] [options]     see USAGE in cli/cliArgs.ts
//   deep-review cost
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { buildDebugRequest } from './core/requests/batching';
import { KEYED_PROVIDER_ORDER, PROVIDER_CATALOG } from './core/providers/catalog';
import { RequestInputError, rangeRequest, wholeFileRequest } from './core/requests/rangeRequest';
import { buildCostReport, formatCostReportText } from './core/cost/costReport';
import type { JobEvent, JobRecord } from './core/jobs/job';
import { isModelError } from './core/modelError';
import type { ProviderId } from './core/modelClient';
import { missingModelMessage, resolveTierSpecs } from './core/routing/modelSettings';
import { languageIdForPath } from './core/requests/languageIds';
import { createModelClient } from './core/providers/providerFactory';
import { ReviewEngine, type EngineSettings } from './core/reviewEngine';
import type { ChangeSetPlan } from './core/changes/changeReview';
import type { ReviewRequestInput } from './core/requests/request';
import { waitLine } from './core/routing/waitDescription';
import { FileTextStore } from './node/fileTextStore';
import { USAGE, UsageError, parseCliArgs, type ReviewCommand } from './cli/cliArgs';
import { parseDiagnosticsJson } from './cli/cliDiagnostics';
import { renderJob } from './cli/cliOutput';
import { runBatchCommand, submitBatchReview } from './cli/cliBatch';
import { submitBatchChanges } from './cli/cliBatchChanges';
import { TEAM_COMMANDS, runTeamCommand } from './cli/teamCommands';
import { reviewOnServer } from './cli/teamReview';
import { cliContext, reviewChanges } from './cli/cliChanges';
import { costCommand } from './cli/cliCost';
import { CLI_BUDGET_HINTS, cliPriceOverrides, loadPricesFile, parsePriceFlags } from './cli/cliPrices';
import { formatUsd } from './core/cost/money';

const keyEnvVar = (p: ProviderId): string | undefined => PROVIDER_CATALOG[p].keyEnvVar;

class CliFailure extends Error {}

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DEEP_REVIEW_HOME) return env.DEEP_REVIEW_HOME;
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'deep-review');
}

function pickProvider(cmd: ReviewCommand): ProviderId {
  if (cmd.provider) return cmd.provider;
  const fromEnv = KEYED_PROVIDER_ORDER.find((p) => process.env[keyEnvVar(p) ?? '']);
  if (fromEnv) return fromEnv;
  throw new UsageError(`Choose a provider with --provider, or set one of ${KEYED_PROVIDER_ORDER.map(keyEnvVar).join(', ')}.`);
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
  const file = { filePath: displayPath, languageId, text };
  try {
    if (cmd.startLine !== undefined && cmd.endLine !== undefined) {
      return rangeRequest(file, { startLine: cmd.startLine, endLine: cmd.endLine }, { contextLines: cmd.contextLines, kind, instruction: cmd.instruction });
    }
    return wholeFileRequest(file, { kind, instruction: cmd.instruction });
  } catch (err) {
    throw err instanceof RequestInputError ? new UsageError(err.message) : err;
  }
}

const languageOf = languageIdForPath;

/** Live view on a terminal: reasoning streams dimmed to stderr, with time and token counts. */
function liveReporter(job: Readonly<JobRecord>, out: NodeJS.WriteStream): (e: JobEvent) => void {
  const tty = out.isTTY === true;
  const dim = (s: string) => (tty ? `\x1b[2m${s}\x1b[22m` : s);
  const started = Date.now();
  const secs = () => ((Date.now() - started) / 1000).toFixed(1);
  let thinking = 0;
  let answering = false;
  let inReasoning = false;
  out.write(`${dim(`→ ${job.route.tier} model ${job.route.provider}/${job.route.model}: ${job.route.reasons.join('; ')}`)}\n`);
  out.write(`${dim(`  ${waitLine(job.route)}`)}\n`);
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

const cliBudget = (cmd: ReviewCommand) => ({ dailyUsd: cmd.budgetUsd ?? 5, monthlyUsd: cmd.monthlyBudgetUsd ?? 50, confirmAboveUsd: 0 });
const cliRedacts = () => process.env.DEEP_REVIEW_REDACT_SECRETS !== '0';

/** The engine as the CLI configures it: provider and key from flags and environment. */
async function openEngine(cmd: ReviewCommand): Promise<{ engine: ReviewEngine; store: FileTextStore; settings: () => EngineSettings }> {
  const provider = pickProvider(cmd);
  const envVar = keyEnvVar(provider);
  const apiKey = envVar ? process.env[envVar] : undefined;
  if (envVar && !apiKey && PROVIDER_CATALOG[provider].needsKey) throw new CliFailure(`${envVar} is not set. Export your ${provider} API key as ${envVar}, or choose another --provider.`);
  const models = cmd.model ? { fast: cmd.model, capable: cmd.model, reasoning: cmd.model } : {};
  const tiers = resolveTierSpecs({ provider, baseUrl: cmd.baseUrl, models, effort: cmd.effort ?? 'medium', maxThinkingTokens: cmd.maxThinkingTokens ?? 8192 });
  const missing = missingModelMessage(tiers);
  if (missing) throw new UsageError(missing.replace(/Set deepReview\.models\.\w+ \(or --model\)/, 'Give one with --model'));
  const warnings: string[] = [];
  const warn = (w: string) => {
    warnings.push(w);
    process.stderr.write(`warning: ${w}\n`);
  };
  const priceOverrides = cliPriceOverrides(loadPricesFile(dataDir(), warn), parsePriceFlags(cmd.priceIn, cmd.priceOut), [tiers.fast.model, tiers.capable.model, tiers.reasoning.model]);
  const store = new FileTextStore(dataDir());
  const settings = (): EngineSettings => ({
    routing: { mode: 'auto', maxWaitSeconds: Number(process.env.DEEP_REVIEW_MAX_WAIT_SECONDS ?? 3600), tiers },
    budget: cliBudget(cmd),
    priceOverrides,
    budgetHints: CLI_BUDGET_HINTS,
    concurrency: 1,
    cacheMaxBytes: 50 * 1024 * 1024,
    redactSecrets: cliRedacts(),
    maxFileBytes: cmd.maxFileBytes,
    maxFileBytesName: '--max-file-bytes',
  });
  const engine = await ReviewEngine.open({
    store,
    warn,
    settings,
    clientFor: (spec) =>
      createModelClient({
        provider: spec.provider,
        apiKey: spec.provider === provider ? apiKey : process.env[keyEnvVar(spec.provider) ?? ''],
        baseUrl: spec.baseUrl,
        idleTimeoutMs: Number(process.env.DEEP_REVIEW_IDLE_TIMEOUT_MS ?? 120_000),
        requestTimeoutMs: cmd.timeoutSeconds !== undefined ? cmd.timeoutSeconds * 1000 : undefined,
        retry: process.env.DEEP_REVIEW_RETRY_BASE_DELAY_MS ? { baseDelayMs: Number(process.env.DEEP_REVIEW_RETRY_BASE_DELAY_MS) } : undefined,
      }),
  });
  return { engine, store, settings };
}

async function review(cmd: ReviewCommand): Promise<number> {
  if (cmd.changes !== undefined) {
    let opened: Awaited<ReturnType<typeof openEngine>> | undefined;
    const io = { stdout: (t: string) => writeOut(cmd, t), stderr: (t: string) => process.stderr.write(t), env: process.env };
    const submitLater = (engine: ReviewEngine, set: ChangeSetPlan) => submitBatchChanges(engine, set, opened!.store, opened!.settings, cliBudget(cmd), cmd.format, io);
    return reviewChanges(cmd, { openEngine: async () => (opened = await openEngine(cmd)).engine, languageOf, writeOut: (text) => writeOut(cmd, text), budget: cliBudget(cmd), redactSecrets: cliRedacts(), submitLater });
  }
  const path = resolve(cmd.file);
  if (!existsSync(path)) throw new UsageError(`No such file: ${cmd.file}`);
  const text = readFileSync(path, 'utf8');
  const display = relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path);
  const request = buildRequest(cmd, text, display);
  if (cmd.server) return reviewOnServer({ ...cmd, server: cmd.server }, request, text, (t) => writeOut(cmd, t));
  if (cmd.tier !== 'auto') request.options = { ...request.options, forcedTier: cmd.tier };
  if (cmd.noCache) request.options = { ...request.options, noCache: true };
  const { engine, store, settings } = await openEngine(cmd);
  const context = await cliContext(cmd, request, cliRedacts());
  request.context = context.pieces;
  for (const n of context.notices) process.stderr.write(`note: ${n}\n`);
  const plan = await engine.plan(request, text);
  for (const n of plan.notices) process.stderr.write(`note: ${n}\n`);
  if (cmd.batch) return submitBatchReview(engine, plan, store, settings, cmd.format, { stdout: (t) => writeOut(cmd, t), stderr: (t) => process.stderr.write(t), env: process.env });
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
  // The cache's background scan (sizes for eviction) need not hold up the exit.
  engine.cache.stopBackgroundWork();
  if (process.stderr.isTTY) {
    const u = done.usage;
    const cost = done.fromCache ? 'cached, $0' : done.costUsd === null ? 'cost unknown' : formatUsd(done.costUsd ?? 0);
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

function cost(): Promise<number> {
  return costCommand(new FileTextStore(dataDir()), (w) => process.stderr.write(`warning: ${w}\n`), (text) => process.stdout.write(text));
}

export async function main(argv: string[]): Promise<number> {
  try {
    if ((TEAM_COMMANDS as readonly string[]).includes(argv[0] ?? '')) return await runTeamCommand(argv);
    const cmd = parseCliArgs(argv);
    if (cmd.command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (cmd.command === 'jobs' || cmd.command === 'result') {
      const write = (t: string) => (cmd.command === 'result' && cmd.output ? writeFileSync(cmd.output, t) : process.stdout.write(t));
      return await runBatchCommand(cmd, dataDir(), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), env: process.env }, write);
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
