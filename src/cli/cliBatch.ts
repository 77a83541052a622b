// The CLI's batch mode: `review … --batch` submits to the provider's batch API and exits at
// once; `jobs` lists jobs (batch ones with their provider status); `result <jobId> [--wait]`
// prints a finished job exactly as `review` would, or its status with exit code 3 while the
// provider is still working on it.
import { parseArgs } from 'node:util';
import { AnthropicBatchApi } from '../core/batch/anthropicBatchApi';
import type { BatchJobEntry } from '../core/batch/batchRegistry';
import { BatchService } from '../core/batch/batchService';
import type { BatchProviderId, ProviderBatchApi } from '../core/batch/batchTypes';
import { OpenAIBatchApi } from '../core/batch/openaiBatchApi';
import { formatUsd } from '../core/cost/cost';
import { isFinished, jobTitle, type JobRecord } from '../core/jobs/job';
import { ModelError } from '../core/modelError';
import { resolveTierSpecs } from '../core/routing/modelSettings';
import { providerFacts } from '../core/providers/catalog';
import { ReviewEngine, type EngineSettings, type ReviewPlan } from '../core/reviewEngine';
import { FileTextStore } from '../node/fileTextStore';
import { UsageError, type OutputFormat } from './cliArgs';
import { renderJob } from './cliOutput';

/** Exit code of `result` while the job is still at the provider. */
export const EXIT_PENDING = 3;

export interface JobsCommand {
  command: 'jobs';
  format: 'text' | 'json';
}

export interface ResultCommand {
  command: 'result';
  jobId: string;
  wait: boolean;
  format: OutputFormat;
  output?: string;
}

export function parseBatchCommand(command: 'jobs' | 'result', rest: readonly string[]): JobsCommand | ResultCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: [...rest], allowPositionals: true, strict: true, options: { format: { type: 'string' }, wait: { type: 'boolean', default: false }, output: { type: 'string', short: 'o' } } });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  const formats = command === 'jobs' ? ['text', 'json'] : ['text', 'json', 'markdown', 'html'];
  const format = values.format ?? 'text';
  if (!formats.includes(format)) throw new UsageError(`--format must be one of ${formats.join(', ')} (got “${format}”).`);
  if (command === 'jobs') {
    if (positionals.length > 0 || values.wait || values.output) throw new UsageError('“jobs” takes only --format.');
    return { command, format: format as JobsCommand['format'] };
  }
  if (positionals.length !== 1) throw new UsageError('Give the id of one job: deep-review result <jobId> [--wait].');
  return { command, jobId: positionals[0]!, wait: values.wait === true, format: format as OutputFormat, output: values.output };
}

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
}

/** The batch API for a provider, with the key from its environment variable. */
function apiFromEnv(env: NodeJS.ProcessEnv): (provider: BatchProviderId, baseUrl: string) => ProviderBatchApi {
  return (provider, baseUrl) => {
    const facts = providerFacts(provider);
    const key = facts.keyEnvVar ? env[facts.keyEnvVar] : undefined;
    if (!key) throw new ModelError('auth', `${facts.keyEnvVar} is not set; it is needed to reach ${facts.label}'s batch API.`, { retryable: false });
    return provider === 'anthropic' ? new AnthropicBatchApi({ baseUrl, apiKey: key }) : new OpenAIBatchApi({ baseUrl, apiKey: key });
  };
}

export function openService(engine: ReviewEngine, store: FileTextStore, settings: () => EngineSettings, io: CliIo): Promise<BatchService> {
  return BatchService.open({ engine, store, settings, apiFor: apiFromEnv(io.env), warn: (w) => io.stderr(`warning: ${w}\n`) });
}

/** `review … --batch`: submits the planned request and returns without waiting for it. */
export async function submitBatchReview(engine: ReviewEngine, plan: ReviewPlan, store: FileTextStore, settings: () => EngineSettings, format: OutputFormat, io: CliIo): Promise<number> {
  if (!BatchService.supports(plan)) throw new UsageError(`--batch needs a provider with a batch API (anthropic or openai); ${plan.route.model.provider} has none.`);
  const service = await openService(engine, store, settings, io);
  try {
    const submitted = await service.submit(plan, { immediate: true });
    await engine.flush();
    if (submitted.fromCache) {
      io.stdout(renderJob(engine.jobs.get(submitted.jobId)!, format));
      return 0;
    }
    const worst = BatchService.worstCaseUsd(plan);
    const label = providerFacts(plan.route.model.provider).label;
    const out = {
      jobId: submitted.jobId,
      status: submitted.status,
      batchId: submitted.batchId ?? null,
      provider: submitted.provider,
      model: plan.route.model.model,
      joined: submitted.joined,
      maxCostUsd: worst,
      listMaxCostUsd: plan.budget.worstCase.usd,
      error: submitted.error ?? null,
    };
    if (format === 'json') io.stdout(`${JSON.stringify(out, null, 2)}\n`);
    else if (submitted.status === 'submitted') io.stdout(`Submitted ${submitted.jobId} to ${label}'s batch API (batch ${submitted.batchId}) at half price${worst !== null ? `: at most ${formatUsd(worst)} instead of ${formatUsd(plan.budget.worstCase.usd!)}` : ''}.\nGet the answer with: deep-review result ${submitted.jobId} --wait\n`);
    if (submitted.status === 'failed') {
      io.stderr(`deep-review: ${submitted.error ?? 'the batch could not be submitted'}\n`);
      return 1;
    }
    return 0;
  } finally {
    service.dispose();
  }
}

/** `jobs` and `result`: open the store's engine and batch registry, check the provider, print. */
export async function runBatchCommand(cmd: JobsCommand | ResultCommand, dataDir: string, io: CliIo, write: (text: string) => void): Promise<number> {
  const store = new FileTextStore(dataDir);
  const settings = (): EngineSettings => ({
    routing: { mode: 'auto', maxWaitSeconds: 3600, tiers: resolveTierSpecs({ provider: 'anthropic', models: {}, effort: 'medium', maxThinkingTokens: 8192 }) },
    budget: { dailyUsd: 0, monthlyUsd: 0, confirmAboveUsd: 0 },
    priceOverrides: {},
    concurrency: 1,
    cacheMaxBytes: 50 * 1024 * 1024,
    redactSecrets: true,
  });
  const warn = (w: string) => io.stderr(`warning: ${w}\n`);
  const engine = await ReviewEngine.open({ store, settings, warn, clientFor: () => { throw new ModelError('config', 'jobs and result never call a model'); } });
  const service = await openService(engine, store, settings, io);
  try {
    return cmd.command === 'jobs' ? await listJobs(engine, service, cmd, io) : await showResult(engine, service, cmd, io, write);
  } finally {
    service.dispose();
    await engine.flush();
  }
}

async function listJobs(engine: ReviewEngine, service: BatchService, cmd: JobsCommand, io: CliIo): Promise<number> {
  if ((await service.list()).some((e) => e.state === 'pending')) await service.pollNow();
  const batch = new Map((await service.list()).map((e) => [e.jobId, e]));
  const rows = new Map<string, ReturnType<typeof jobRow>>();
  for (const job of engine.jobs.list()) rows.set(job.id, jobRow(job, batch.get(job.id)));
  for (const e of batch.values()) rows.set(e.jobId, jobRow(e.job, e));
  const list = [...rows.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  if (cmd.format === 'json') {
    io.stdout(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  if (list.length === 0) io.stdout('No jobs.\n');
  for (const r of list) io.stdout(`${r.jobId}  ${r.status.padEnd(10)}  ${r.title}  ${r.provider}/${r.model}${r.batch ? `  batch ${r.batch.batchId ?? '(not sent)'} ${r.batch.providerStatus ?? ''}` : ''}\n`);
  return 0;
}

/** A job as `jobs` lists it; a job waiting at the provider shows as `submitted`. */
function jobRow(job: JobRecord, entry: BatchJobEntry | undefined) {
  return {
    jobId: job.id,
    status: entry && entry.state !== 'finished' ? (entry.state === 'submitting' ? 'submitting' : 'submitted') : job.status,
    title: jobTitle(job),
    provider: job.route.provider,
    model: job.route.model,
    createdAt: new Date(job.createdAt).toISOString(),
    finishedAt: job.finishedAt !== undefined ? new Date(job.finishedAt).toISOString() : null,
    costUsd: job.fromCache ? 0 : (job.costUsd ?? null),
    batch: entry ? { batchId: entry.batchId ?? null, providerStatus: entry.providerStatus ?? null, listPriceUsd: entry.listUsd ?? null, cancelRequested: entry.cancelRequested } : null,
  };
}

async function showResult(engine: ReviewEngine, service: BatchService, cmd: ResultCommand, io: CliIo, write: (text: string) => void): Promise<number> {
  const deadline = Date.now() + Number(io.env.DEEP_REVIEW_BATCH_WAIT_SECONDS ?? 25 * 3600) * 1000;
  let delay = Number(io.env.DEEP_REVIEW_BATCH_POLL_MS ?? 20_000);
  for (;;) {
    let entry = await service.get(cmd.jobId);
    if (entry && entry.state === 'pending') {
      await service.pollNow();
      entry = await service.get(cmd.jobId);
    }
    const job = entry?.state === 'finished' ? entry.job : entry ? undefined : engine.jobs.get(cmd.jobId);
    if (!entry && !job) throw new Error(`No job ${cmd.jobId}. List jobs with: deep-review jobs`);
    if (job && isFinished(job.status)) {
      write(renderJob(job, cmd.format));
      if (job.status !== 'succeeded') io.stderr(`deep-review: ${job.error?.message ?? `the job ended as ${job.status}`}\n`);
      return job.status === 'succeeded' ? 0 : 1;
    }
    if (!cmd.wait || Date.now() >= deadline) {
      const status = entry?.state === 'submitting' ? 'submitting' : 'submitted';
      const pending = { jobId: cmd.jobId, status, batchId: entry?.batchId ?? null, provider: entry?.provider ?? job?.route.provider ?? null, providerStatus: entry?.providerStatus ?? null, message: 'Still at the provider; run again later, or add --wait.' };
      if (cmd.format === 'json') io.stdout(`${JSON.stringify(pending, null, 2)}\n`);
      else io.stdout(`${cmd.jobId} is ${status} (batch ${pending.batchId ?? '—'}, ${pending.providerStatus ?? 'no status yet'}). Run again later, or add --wait.\n`);
      return EXIT_PENDING;
    }
    await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(0, deadline - Date.now()))));
    delay = Math.min(delay * 2, 10 * 60_000);
  }
}
