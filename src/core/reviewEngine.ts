// The one entry point the extension and the CLI use: plan a request (complexity, route, prompt,
// cache key, worst-case cost and budget), then start it as a background job or answer it from
// the cache. Everything that happens to a job goes through here: model call, parsing, ledger,
// cache, wait-time learning.
import * as z from 'zod';
import { AnalysisCache, type CachedAnalysis, type FileCacheStatus } from './analysisCache';
import { checkBudget, worstCaseCost, type BudgetDecision, type BudgetLimits } from './budget';
import { analysisCacheKey } from './cacheKey';
import { assessComplexity, type ComplexityAssessment } from './complexity';
import { hashText } from './contentHash';
import { DEFAULT_MAX_FILE_BYTES, FileRefusedError, refusalFor } from './fileGuard';
import { costOfUsage } from './cost';
import { isFinished, type JobEvent, type JobRecord, type JobRoute } from './job';
import { JobManager, newJobId, type SubmitResult } from './jobManager';
import { JobStore } from './jobStore';
import { CostLedger } from './ledger';
import { ModelError, isModelError } from './modelError';
import { PROVIDER_IDS, type ModelClient, type ModelSpec, type Usage } from './modelClient';
import type { PriceOverrides } from './prices';
import { PROMPT_VERSION, buildPrompt, type BuiltPrompt } from './prompts';
import { reviewRequestSchema, targetText, type ModelTier, type ReviewRequest, type ReviewRequestInput } from './request';
import { appendBounded, streamCutWarning } from './resultLimits';
import { EMPTY_AFTER_REASONING_WARNING, EMPTY_WARNING, parseModelOutput } from './resultParser';
import { escalateRoute, routeRequest, type RouteDecision, type RoutingConfig } from './router';
import { redactForSending } from './secretRedaction';
import type { TextStore } from './storage';
import { estimateTokens } from './tokens';
import { WaitEstimator, type FinishedJobTiming } from './waitEstimate';
import type { WarningSink } from './warnings';

export interface EngineSettings {
  routing: RoutingConfig;
  budget: BudgetLimits;
  priceOverrides: PriceOverrides;
  concurrency: number;
  cacheMaxBytes: number;
  redactSecrets: boolean;
  /** Larger files (what would be sent) are refused before planning; default DEFAULT_MAX_FILE_BYTES. */
  maxFileBytes?: number;
  /** The setting or flag that raises maxFileBytes, named in the refusal ("--max-file-bytes"). */
  maxFileBytesName?: string;
}

export interface EngineDeps {
  store: TextStore;
  /** The client for a model; throws ModelError('config' | 'auth') when it cannot be built. */
  clientFor(spec: ModelSpec): ModelClient;
  settings(): EngineSettings;
  warn: WarningSink;
  now?: () => number;
}

/** Everything decided about a request before anything is sent or paid. */
export interface ReviewPlan {
  request: ReviewRequest;
  complexity: ComplexityAssessment;
  route: RouteDecision;
  prompt: BuiltPrompt;
  cacheKey: string;
  fileHash: string;
  budget: BudgetDecision;
  cached: CachedAnalysis | undefined;
  /** Notices for the user made while planning (secrets redacted, and so on). */
  notices: string[];
  parentJobId?: string;
}

export interface StartResult extends SubmitResult {
  fromCache: boolean;
}

export class BudgetRefusedError extends ModelError {
  constructor(message: string) {
    super('budget', message);
  }
}

const WAIT_HISTORY_FILE = 'wait-history.json';
const TOKEN_EVENT_INTERVAL_MS = 250;

export class ReviewEngine {
  private constructor(
    private readonly deps: EngineDeps,
    readonly jobs: JobManager,
    readonly ledger: CostLedger,
    readonly cache: AnalysisCache,
    readonly waits: WaitEstimator,
  ) {
    jobs.onDidChange((job) => {
      if (isFinished(job.status)) this.reserved.delete(job.id);
    });
  }

  static async open(deps: EngineDeps): Promise<ReviewEngine> {
    const now = deps.now ?? Date.now;
    const s = deps.settings();
    const jobStore = new JobStore(deps.store, deps.warn);
    const [history, ledger, cache, waitHistory] = await Promise.all([
      jobStore.load(),
      CostLedger.open(deps.store, { warn: deps.warn, now }),
      AnalysisCache.open(deps.store, { maxBytes: s.cacheMaxBytes, warn: deps.warn, now }),
      loadWaitHistory(deps.store, deps.warn),
    ]);
    const waits = new WaitEstimator(waitHistory);
    let engine: ReviewEngine | undefined;
    const jobs = new JobManager(jobStore, (job, ctx) => engine!.runJob(job, ctx.signal, ctx.emit), { concurrency: s.concurrency, now, history });
    engine = new ReviewEngine(deps, jobs, ledger, cache, waits);
    return engine;
  }

  private get now(): () => number {
    return this.deps.now ?? Date.now;
  }

  /**
   * Decides how a request would run: no model call, no cost. `fileText` is the whole current
   * file (for staleness); without it the request's own text stands for the file.
   */
  async plan(input: ReviewRequestInput | ReviewRequest, fileText?: string, opts: { parentJobId?: string; escalateFrom?: RouteDecision } = {}): Promise<ReviewPlan> {
    const settings = this.deps.settings();
    this.jobs.concurrency = settings.concurrency;
    this.cache.setMaxBytes(settings.cacheMaxBytes);
    const notices: string[] = [];
    let request = reviewRequestSchema.parse(input);
    const sent = targetText(request.target);
    const refusal = refusalFor(fileText ?? sent, sent, request.target.filePath, settings.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, settings.maxFileBytesName ?? 'the file size limit');
    if (refusal) throw new FileRefusedError(refusal);
    if (settings.redactSecrets) {
      const redacted = await redactForSending(request, { fileText });
      request = redacted.request;
      if (redacted.notice) notices.push(redacted.notice);
    }
    const complexity = assessComplexity(request);
    const estimate = (spec: ModelSpec, inputTokens: number) => this.waits.estimate(spec, inputTokens);
    const route = opts.escalateFrom ? escalateRoute(opts.escalateFrom, settings.routing, estimate) : routeRequest(request, complexity, settings.routing, estimate);
    const prompt = buildPrompt(request);
    const cacheKey = analysisCacheKey(request, route.model, PROMPT_VERSION);
    const fileHash = hashText(fileText ?? [request.target.contextBefore, request.target.code, request.target.contextAfter].join('\n'));
    const cached = request.options.noCache ? undefined : await this.cache.get(cacheKey);
    const worst = worstCaseCost(`${prompt.system}\n${prompt.prompt}`, route.model, settings.priceOverrides);
    const budget = checkBudget(worst, this.committedSpend(), settings.budget);
    return { request, complexity, route, prompt, cacheKey, fileHash, budget, cached, notices, parentJobId: opts.parentJobId };
  }

  /**
   * Starts a planned request: answers from the cache when it can (no cost), joins an identical
   * job in flight, or queues a new job. Refuses, before anything is sent, when over budget.
   */
  start(plan: ReviewPlan): StartResult {
    const now = this.now();
    const base = this.newRecord(plan, now);
    if (plan.cached) {
      const c = plan.cached;
      const job: JobRecord = {
        ...base,
        status: 'succeeded',
        startedAt: now,
        finishedAt: now,
        fromCache: true,
        reasoning: c.reasoning,
        answer: c.result.answer,
        result: c.result,
        structured: c.structured,
        usage: c.usage,
        costUsd: 0,
        costSource: 'table',
        warnings: [...plan.notices, ...c.warnings, `Answered from the cache (analysed ${new Date(c.createdAt).toLocaleString()}); no tokens were spent.`],
      };
      this.jobs.record(job);
      void this.appendLedger(this.ledgerRecord(job, 'succeeded', true));
      return { jobId: job.id, joined: false, fromCache: true };
    }
    const joined = this.jobs.inFlight(plan.cacheKey);
    if (joined) return { jobId: joined.id, joined: true, fromCache: false };
    if (!plan.budget.allowed) throw new BudgetRefusedError(plan.budget.message);
    const submitted = this.jobs.submit(base);
    // Until it finishes, a job counts against the budget at its worst case.
    if (!submitted.joined && plan.budget.worstCase.usd) this.reserved.set(submitted.jobId, plan.budget.worstCase.usd);
    return { ...submitted, fromCache: false };
  }

  /** plan + start in one step (the CLI and simple callers); throws BudgetRefusedError. */
  async review(input: ReviewRequestInput | ReviewRequest, fileText?: string): Promise<StartResult & { plan: ReviewPlan }> {
    const plan = await this.plan(input, fileText);
    return { ...this.start(plan), plan };
  }

  /** Plans the same request again on the reasoning tier (Re-run with Extended Thinking / Escalate). */
  async planEscalation(jobId: string, fileText?: string, tier?: ModelTier): Promise<ReviewPlan> {
    const job = this.jobs.get(jobId);
    if (!job) throw new ModelError('config', `No job ${jobId} to re-run.`);
    const targetTier: ModelTier = tier ?? job.route.escalationTier ?? (job.route.tier === 'fast' ? 'capable' : 'reasoning');
    const request: ReviewRequest = { ...job.request, options: { ...job.request.options, forcedTier: targetTier } };
    return this.plan(request, fileText, { parentJobId: jobId });
  }

  /** Plans a job again as it was (Retry, or re-running an interrupted job). */
  async planRerun(jobId: string, fileText?: string): Promise<ReviewPlan> {
    const job = this.jobs.get(jobId);
    if (!job) throw new ModelError('config', `No job ${jobId} to re-run.`);
    return this.plan({ ...job.request, options: { ...job.request.options, noCache: true } }, fileText, { parentJobId: jobId });
  }

  /** The model specs per tier as currently configured. */
  tierSpecs(): RoutingConfig['tiers'] {
    return this.deps.settings().routing.tiers;
  }

  cancel(jobId: string): boolean {
    return this.jobs.cancel(jobId);
  }

  async setFeedback(jobId: string, helpful: boolean): Promise<void> {
    if (helpful) await this.ledger.markSuccess(jobId, 'helpful');
    else await this.ledger.markNotHelpful(jobId);
  }

  async markFixApplied(jobId: string): Promise<void> {
    await this.ledger.markSuccess(jobId, 'fixApplied');
  }

  fileStatus(filePath: string, fileText: string): FileCacheStatus {
    return this.cache.fileStatus(filePath, hashText(fileText));
  }

  /** True when the job's file has changed since it was analysed. */
  isStale(jobId: string, currentFileText: string): boolean {
    const job = this.jobs.get(jobId);
    return job !== undefined && job.fileHash !== hashText(currentFileText);
  }

  async flush(): Promise<void> {
    await Promise.all([this.jobs.flush(), this.cache.flush(), this.waitWrite]);
  }

  private newRecord(plan: ReviewPlan, now: number): JobRecord {
    const r = plan.route;
    const route: JobRoute = {
      tier: r.tier,
      provider: r.model.provider,
      model: r.model.model,
      reasoning: r.model.reasoning,
      effort: r.model.effort,
      maxThinkingTokens: r.model.maxThinkingTokens,
      maxAnswerTokens: r.model.maxAnswerTokens,
      baseUrl: r.model.baseUrl,
      complexity: { tier: plan.complexity.tier, score: plan.complexity.score },
      reasons: r.reasons,
      note: r.note,
      escalationTier: r.escalation?.tier,
      expectedWait: { lowSeconds: r.expectedWait.lowSeconds, highSeconds: r.expectedWait.highSeconds, reason: r.expectedWait.reason },
    };
    return {
      id: newJobId(now),
      request: plan.request,
      route,
      cacheKey: plan.cacheKey,
      fileHash: plan.fileHash,
      status: 'queued',
      createdAt: now,
      fromCache: false,
      parentJobId: plan.parentJobId,
      reasoning: '',
      answer: '',
      warnings: [...plan.notices, ...(plan.budget.allowed && plan.budget.message ? [plan.budget.message] : [])],
      retries: 0,
      dismissedFindings: [],
    };
  }

  /** Runs one job's model call to its end. Never throws: failures become the job's outcome. */
  private async runJob(job: JobRecord, signal: AbortSignal, emit: (e: JobEvent) => void): Promise<Partial<JobRecord> & { status: 'succeeded' | 'failed' | 'cancelled' }> {
    const started = this.now();
    const elapsed = () => this.now() - started;
    const spec = specOf(job.route);
    const prompt = buildPrompt(job.request);
    let usage: Usage | undefined;
    let phase: 'connecting' | 'thinking' | 'answering' = 'connecting';
    let lastTokensAt = 0;
    // What a job keeps of its stream is bounded; what was left out is said once, at the end.
    const cut = { answer: false, reasoning: false };
    emit({ type: 'phase', phase, elapsedMs: 0 });
    const tokens = (force = false) => {
      const t = this.now();
      if (!force && t - lastTokensAt < TOKEN_EVENT_INTERVAL_MS) return;
      lastTokensAt = t;
      const reasoningTokens = usage?.reasoningTokens ?? estimateTokens(job.reasoning);
      const outputTokens = usage?.outputTokens ?? reasoningTokens + estimateTokens(job.answer);
      emit({ type: 'tokens', reasoningTokens, outputTokens, estimated: usage === undefined || usage.estimated, elapsedMs: elapsed() });
    };
    try {
      const client = this.deps.clientFor(spec);
      for await (const event of client.stream({ spec, system: prompt.system, prompt: prompt.prompt, signal })) {
        switch (event.type) {
          case 'reasoning-delta':
            if (phase !== 'thinking' && phase !== 'answering') emit({ type: 'phase', phase: (phase = 'thinking'), elapsedMs: elapsed() });
            {
              const kept = appendBounded(job.reasoning, event.text);
              job.reasoning = kept.text;
              cut.reasoning ||= kept.cut;
              if (kept.added) emit({ type: 'reasoning', text: kept.added });
            }
            tokens();
            break;
          case 'answer-delta':
            if (phase !== 'answering') emit({ type: 'phase', phase: (phase = 'answering'), elapsedMs: elapsed() });
            {
              const kept = appendBounded(job.answer, event.text);
              job.answer = kept.text;
              cut.answer ||= kept.cut;
              if (kept.added) emit({ type: 'answer', text: kept.added });
            }
            tokens();
            break;
          case 'usage':
            usage = event.usage;
            tokens(true);
            break;
          case 'retry':
            job.retries = event.attempt;
            emit({ type: 'retry', attempt: event.attempt, delayMs: event.delayMs, reason: event.reason });
            break;
          case 'finish':
            break;
        }
      }
      // A client that ends its stream quietly on cancel must not make a cut answer a success.
      if (signal.aborted) throw new ModelError('cancelled', 'Cancelled.');
    } catch (err) {
      const error = isModelError(err) ? err : new ModelError('server', err instanceof Error ? err.message : String(err));
      const cancelled = error.kind === 'cancelled' || signal.aborted;
      const status = cancelled ? 'cancelled' : 'failed';
      const cost = usage ? costOfUsage(usage, spec.model, this.deps.settings().priceOverrides) : undefined;
      const outcome = { status, usage, costUsd: cost?.usd ?? 0, costSource: cost?.source, retries: job.retries, error: { kind: cancelled ? ('cancelled' as const) : error.kind, message: cancelled ? 'Cancelled.' : error.message } } as const;
      // A failed job costs only what the provider reported billing for.
      await this.appendLedger(this.ledgerRecord({ ...job, ...outcome }, status, false));
      return outcome;
    }
    emit({ type: 'phase', phase: 'parsing', elapsedMs: elapsed() });
    const parsed = parseModelOutput(job.answer, { startLine: job.request.target.startLine, endLine: job.request.target.endLine });
    // The parser sees only the answer; thinking that streamed separately explains an empty one.
    if (job.reasoning.trim()) parsed.warnings = parsed.warnings.map((w) => (w === EMPTY_WARNING ? EMPTY_AFTER_REASONING_WARNING : w));
    const reasoning = parsed.inlineReasoning ? `${job.reasoning}${job.reasoning ? '\n' : ''}${parsed.inlineReasoning}` : job.reasoning;
    const finalUsage: Usage = usage ?? {
      inputTokens: estimateTokens(prompt.system + prompt.prompt),
      cachedInputTokens: 0,
      outputTokens: estimateTokens(job.reasoning + job.answer),
      reasoningTokens: estimateTokens(reasoning),
      estimated: true,
    };
    const cost = costOfUsage(finalUsage, spec.model, this.deps.settings().priceOverrides);
    const durationMs = elapsed();
    const done: Partial<JobRecord> & { status: 'succeeded' } = {
      status: 'succeeded',
      reasoning,
      result: parsed.result,
      structured: parsed.structured,
      usage: finalUsage,
      costUsd: cost.usd,
      costSource: cost.source,
      warnings: [...job.warnings, ...(cut.reasoning ? [streamCutWarning('reasoning')] : []), ...(cut.answer ? [streamCutWarning('answer')] : []), ...parsed.warnings],
    };
    const record = { ...job, ...done };
    await this.appendLedger(this.ledgerRecord(record, 'succeeded', false));
    this.recordTiming(job, finalUsage, durationMs);
    // An empty answer is not worth keeping: asking again should ask the model again.
    const empty = parsed.result.findings.length === 0 && parsed.result.answer.trim() === '' && parsed.result.summary.trim() === '';
    if (!empty) await this.cache
      .put({
        key: job.cacheKey,
        filePath: job.request.target.filePath,
        fileHash: job.fileHash,
        createdAt: this.now(),
        kind: job.request.kind,
        startLine: job.request.target.startLine,
        endLine: job.request.target.endLine,
        provider: spec.provider,
        model: spec.model,
        tier: job.route.tier,
        result: parsed.result,
        structured: parsed.structured,
        warnings: parsed.warnings,
        reasoning,
        usage: finalUsage,
        costUsd: cost.usd,
        durationMs,
        jobId: job.id,
      })
      .catch(() => undefined);
    return done;
  }

  /** Worst-case cost of each queued or running job, released when it finishes. */
  private readonly reserved = new Map<string, number>();

  /** What is spent plus what jobs in flight may still spend: budgets hold across concurrent jobs. */
  committedSpend(): { todayUsd: number; monthUsd: number } {
    const spent = this.ledger.spent();
    let inFlight = 0;
    for (const usd of this.reserved.values()) inFlight += usd;
    return { todayUsd: spent.todayUsd + inFlight, monthUsd: spent.monthUsd + inFlight };
  }

  /**
   * The ledger counts the spend in memory even when the disk write fails; a failed write must
   * not turn a finished, paid answer into a failed job, so it is reported, not thrown.
   */
  private async appendLedger(record: ReturnType<ReviewEngine['ledgerRecord']>): Promise<void> {
    try {
      await this.ledger.append(record);
    } catch (err) {
      this.deps.warn(`Could not write the cost ledger (${err instanceof Error ? err.message : String(err)}); this job's cost is counted for this session only.`);
    }
  }

  private recordTiming(job: JobRecord, usage: Usage, durationMs: number): void {
    const timing: FinishedJobTiming = {
      provider: job.route.provider,
      model: job.route.model,
      reasoning: job.route.reasoning,
      inputTokens: usage.inputTokens,
      maxThinkingTokens: job.route.maxThinkingTokens,
      durationMs,
    };
    this.waits.record(timing);
    this.waitWrite = this.waitWrite.then(() => this.deps.store.write(WAIT_HISTORY_FILE, JSON.stringify({ version: 1, samples: this.waits.samples() }))).catch(() => undefined);
  }

  private waitWrite: Promise<void> = Promise.resolve();

  private ledgerRecord(job: JobRecord, outcome: 'succeeded' | 'failed' | 'cancelled', cached: boolean) {
    const u = cached ? undefined : job.usage;
    const reasoningTokens = u?.reasoningTokens ?? 0;
    const outputTokens = u?.outputTokens ?? 0;
    return {
      jobId: job.id,
      at: this.now(),
      provider: job.route.provider,
      model: job.route.model,
      tier: job.route.tier,
      kind: job.request.kind,
      inputTokens: u?.inputTokens ?? 0,
      cachedInputTokens: u?.cachedInputTokens ?? 0,
      outputTokens,
      reasoningTokens,
      answerTokens: Math.max(0, outputTokens - reasoningTokens),
      estimated: u?.estimated ?? false,
      costUsd: cached ? 0 : (job.costUsd ?? 0),
      costSource: cached ? ('table' as const) : (job.costSource ?? 'unknown'),
      outcome,
      cached,
    };
  }
}

function specOf(route: JobRoute): ModelSpec {
  return {
    provider: route.provider,
    model: route.model,
    reasoning: route.reasoning,
    effort: route.effort,
    maxThinkingTokens: route.maxThinkingTokens,
    maxAnswerTokens: route.maxAnswerTokens,
    baseUrl: route.baseUrl,
  };
}

const waitHistorySchema = z.object({
  samples: z.array(
    z.object({
      provider: z.enum(PROVIDER_IDS),
      model: z.string(),
      reasoning: z.boolean(),
      inputTokens: z.number(),
      maxThinkingTokens: z.number(),
      durationMs: z.number(),
    }),
  ),
});

async function loadWaitHistory(store: TextStore, warn: WarningSink): Promise<FinishedJobTiming[]> {
  const raw = await store.read(WAIT_HISTORY_FILE);
  if (raw === undefined) return [];
  try {
    return waitHistorySchema.parse(JSON.parse(raw)).samples;
  } catch {
    warn('The wait-time history was unreadable and has been reset; estimates start from defaults.');
    return [];
  }
}
