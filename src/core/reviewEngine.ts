// The one entry point the extension and the CLI use: plan a request (complexity, route, prompt,
// cache key, worst-case cost and budget), then start it as a background job or answer it from
// the cache. Everything that happens to a job goes through here: model call, parsing, ledger,
// cache, wait-time learning.
import { AnalysisCache, type CachedAnalysis, type FileCacheStatus } from './cache/analysisCache';
import { AnswerClaims } from './jobs/answerClaims';
import { checkBudget, worstCaseCost } from './cost/budget';
import { cacheCandidates } from './cache/cacheKey';
import { cachedOutcome, routeAnsweredBy } from './cache/cachedAnswer';
import { assessComplexity } from './routing/complexity';
import { hashText } from './cache/contentHash';
import { usageBounds } from './cost/cost';
import { chargeFinished, chargeStopped, reserveBeforeSending } from './jobs/jobCharging';
import { isFinished, type JobEvent, type JobRecord } from './jobs/job';
import { JobManager, newJobId } from './jobs/jobManager';
import { JobStore } from './jobs/jobStore';
import { streamModelCall } from './jobs/modelStream';
import { ledgerRecordOf, queuedRecord, specOf, type LedgerRecordInput } from './jobs/jobRecords';
import { CostLedger } from './cost/ledger';
import { ModelError } from './modelError';
import type { ModelSpec, Usage } from './modelClient';
import { PROMPT_VERSION, buildPrompt, promptText as fullPromptText } from './prompts/prompts';
import { reviewRequestSchema, targetText, type ModelTier, type ReviewRequest, type ReviewRequestInput } from './requests/request';
import { EMPTY_AFTER_REASONING_WARNING, EMPTY_WARNING, parseModelOutput } from './results/resultParser';
import { escalateRoute, routeRequest, type RouteDecision, type RoutingConfig } from './routing/router';
import { redactForSending } from './redaction/secretRedaction';
import { WaitEstimator, type FinishedJobTiming } from './routing/waitEstimate';
import { WaitHistory } from './routing/waitHistory';
import { DEFAULT_MAX_FILE_BYTES, FileRefusedError, refusalFor } from './requests/fileGuard';
import { streamCutWarning } from './results/resultLimits';

export { BudgetRefusedError, type EngineDeps, type EngineSettings, type ReviewPlan, type StartResult } from './engineTypes';
import { BudgetRefusedError, type EngineDeps, type ReviewPlan, type StartResult } from './engineTypes';

export class ReviewEngine {
  private constructor(
    private readonly deps: EngineDeps,
    readonly jobs: JobManager,
    readonly ledger: CostLedger,
    readonly cache: AnalysisCache,
    readonly waits: WaitEstimator,
    private readonly waitHistory: WaitHistory,
    private readonly claims: AnswerClaims,
  ) {
    jobs.onDidChange((job) => {
      if (isFinished(job.status)) this.reserved.delete(job.id);
    });
  }

  static async open(deps: EngineDeps): Promise<ReviewEngine> {
    const now = deps.now ?? Date.now;
    const s = deps.settings();
    const jobStore = new JobStore(deps.store, deps.warn, undefined, undefined, now);
    const waitHistory = new WaitHistory(deps.store, deps.warn);
    const [history, ledger, cache, waitSamples] = await Promise.all([
      jobStore.load(),
      CostLedger.open(deps.store, { warn: deps.warn, now }),
      AnalysisCache.open(deps.store, { maxBytes: s.cacheMaxBytes, warn: deps.warn, now }),
      waitHistory.load(),
    ]);
    const waits = new WaitEstimator(waitSamples);
    let engine: ReviewEngine | undefined;
    const jobs = new JobManager(jobStore, (job, ctx) => engine!.runJob(job, ctx.signal, ctx.emit), { concurrency: s.concurrency, now, history });
    const claims = new AnswerClaims(deps.store, now);
    void claims.sweep().catch(() => undefined);
    engine = new ReviewEngine(deps, jobs, ledger, cache, waits, waitHistory, claims);
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
    // Same or higher tier answers; a route moved only by the learned wait time is the same question.
    const waitDependent = !opts.escalateFrom && request.options.forcedTier === undefined && settings.routing.mode === 'auto' && complexity.tier === 'complex';
    const candidates = cacheCandidates(request, route.tier, route.model, settings.routing.tiers, PROMPT_VERSION, waitDependent);
    const cacheKey = candidates[0]!.key;
    const fileHash = hashText(fileText ?? [request.target.contextBefore, request.target.code, request.target.contextAfter].join('\n'));
    let cached: CachedAnalysis | undefined;
    for (const c of request.options.noCache ? [] : candidates) if ((cached = await this.cache.get(c.key))) break;
    const worst = worstCaseCost(fullPromptText(prompt), route.model, settings.priceOverrides);
    // Other windows and CLI runs may have spent since: read their ledger lines first (a stat).
    await this.ledger.refresh().catch(() => undefined);
    const budget = checkBudget(worst, this.committedSpend(), settings.budget, settings.budgetHints);
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
      const answeredBy = routeAnsweredBy(base.route, c);
      const tierNote = c.tier === base.route.tier ? '' : ` by the ${c.tier} tier (${c.provider}/${c.model})`;
      const job: JobRecord = {
        ...base,
        route: answeredBy,
        cacheKey: c.key,
        ...cachedOutcome(c),
        startedAt: now,
        finishedAt: now,
        warnings: [...plan.notices, ...c.warnings, `Answered from the cache${tierNote} (analysed ${new Date(c.createdAt).toLocaleString()}); no tokens were spent.`],
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
    const full = await this.fullRequestOf(job);
    const request: ReviewRequest = { ...full, options: { ...full.options, forcedTier: targetTier } };
    return this.plan(request, fileText, { parentJobId: jobId });
  }

  /** Plans a job again as it was (Retry, or re-running an interrupted job). */
  async planRerun(jobId: string, fileText?: string): Promise<ReviewPlan> {
    const job = this.jobs.get(jobId);
    if (!job) throw new ModelError('config', `No job ${jobId} to re-run.`);
    const full = await this.fullRequestOf(job);
    return this.plan({ ...full, options: { ...full.options, noCache: true } }, fileText, { parentJobId: jobId });
  }

  /** History keeps large request texts once, by content; a re-run needs them back. */
  private async fullRequestOf(job: JobRecord): Promise<ReviewRequest> {
    try {
      return (await this.jobs.fullRequest(job.id)) ?? job.request;
    } catch (err) {
      throw new ModelError('config', err instanceof Error ? err.message : String(err));
    }
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

  /** The queued record a plan starts as (also used by the batch layer, src/core/batch/). */
  newRecord(plan: ReviewPlan, now: number): JobRecord {
    const { record, baseUrl } = queuedRecord(plan, newJobId(now), now);
    // Credentials in a base URL stay out of the record (persisted, shown, exported); the run uses them.
    if (baseUrl !== undefined) this.baseUrls.set(record.id, baseUrl);
    return record;
  }

  /**
   * Runs one job. While another window or CLI run is asking the model the same question, waits
   * for its answer instead of paying again; otherwise claims the question and asks the model.
   */
  private async runJob(job: JobRecord, signal: AbortSignal, emit: (e: JobEvent) => void): Promise<Partial<JobRecord> & { status: 'succeeded' | 'failed' | 'cancelled' }> {
    // A re-run asks the model again whatever anyone else is doing.
    if (job.request.options.noCache) return this.callModel(job, signal, emit);
    return this.claims.askOnce(job.cacheKey, signal, {
      lookup: () => this.cache.get(job.cacheKey),
      ask: () => this.callModel(job, signal, emit),
      answered: (c) => this.sharedAnswer(job, c),
      cancelled: () => ({ status: 'cancelled', error: { kind: 'cancelled', message: 'Cancelled.' } }),
      waiting: () => job.warnings.push('The same question was being answered in another window or CLI run; this job waited for that answer.'),
    });
  }

  private async sharedAnswer(job: JobRecord, c: CachedAnalysis): Promise<Partial<JobRecord> & { status: 'succeeded' }> {
    const outcome = {
      ...cachedOutcome(c),
      warnings: [...job.warnings, ...c.warnings, 'Answered from the cache: another window or CLI run had just answered the same question; no tokens were spent.'],
    };
    await this.appendLedger(this.ledgerRecord({ ...job, ...outcome }, 'succeeded', true));
    return outcome;
  }

  /** Runs one job's model call to its end. Never throws: failures become the job's outcome. */
  private async callModel(job: JobRecord, signal: AbortSignal, emit: (e: JobEvent) => void): Promise<Partial<JobRecord> & { status: 'succeeded' | 'failed' | 'cancelled' }> {
    const started = this.now();
    const elapsed = () => this.now() - started;
    const spec = { ...specOf(job.route), baseUrl: this.baseUrls.get(job.id) ?? job.route.baseUrl };
    this.baseUrls.delete(job.id);
    const prompt = buildPrompt(job.request);
    const settings = this.deps.settings();
    const promptText = fullPromptText(prompt);
    const worst = worstCaseCost(promptText, spec, settings.priceOverrides);
    const charging = { promptText, model: spec.model, bounds: usageBounds(promptText, spec, worst), overrides: settings.priceOverrides };
    const reserveContext = { ledger: this.ledger, budget: settings.budget, hints: settings.budgetHints, withQueued: (spent: { todayUsd: number; monthUsd: number }) => this.withQueued(spent, job.id), now: this.now(), warn: this.deps.warn };
    const refused = await reserveBeforeSending(job, worst, reserveContext);
    this.reserved.delete(job.id); // from here on the ledger holds it
    if (refused) return refused;
    const streamed = await streamModelCall(job, () => this.deps.clientFor(spec), { spec, system: prompt.system, prefix: prompt.prefix, prompt: prompt.prompt, signal }, emit, this.now);
    if (streamed.error) {
      const cancelled = streamed.error.kind === 'cancelled' || signal.aborted;
      const status = cancelled ? 'cancelled' : 'failed';
      const outcome = { status, ...chargeStopped(streamed.usage, job, charging), retries: job.retries, error: { kind: cancelled ? ('cancelled' as const) : streamed.error.kind, message: cancelled ? 'Cancelled.' : streamed.error.message } } as const;
      await this.appendLedger(this.ledgerRecord({ ...job, ...outcome }, status, false));
      return outcome;
    }
    const { usage, cut } = streamed;
    emit({ type: 'phase', phase: 'parsing', elapsedMs: elapsed() });
    const parsed = parseModelOutput(job.answer, { startLine: job.request.target.startLine, endLine: job.request.target.endLine });
    // The parser sees only the answer; thinking that streamed separately explains an empty one.
    if (job.reasoning.trim()) parsed.warnings = parsed.warnings.map((w) => (w === EMPTY_WARNING ? EMPTY_AFTER_REASONING_WARNING : w));
    const reasoning = parsed.inlineReasoning ? `${job.reasoning}${job.reasoning ? '\n' : ''}${parsed.inlineReasoning}` : job.reasoning;
    const streamWarnings = [...(cut.reasoning ? [streamCutWarning('reasoning')] : []), ...(cut.answer ? [streamCutWarning('answer')] : [])];
    const charged = chargeFinished(usage, { output: job.reasoning + job.answer, reasoning }, [...job.warnings, ...streamWarnings, ...parsed.warnings], charging);
    const finalUsage = charged.usage;
    const durationMs = elapsed();
    const done: Partial<JobRecord> & { status: 'succeeded' } = {
      status: 'succeeded',
      reasoning,
      result: parsed.result,
      structured: parsed.structured,
      ...charged,
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
        costUsd: charged.costUsd ?? null,
        durationMs,
        jobId: job.id,
      })
      .catch(() => undefined);
    return done;
  }

  /** Worst-case cost of each queued job not yet reserved in the ledger, released when it is. */
  private readonly reserved = new Map<string, number>();
  /** Budget held outside this engine's queue (jobs waiting at a provider's batch API). */
  readonly reservationSources: Array<() => number> = [];
  /** Base URLs with credentials, kept in memory only (the job record has them masked). */
  private readonly baseUrls = new Map<string, string>();

  /**
   * What is spent (running and killed jobs' reservations included, every process) plus what
   * this process's queued jobs may still spend: budgets hold across concurrent jobs.
   */
  committedSpend(): { todayUsd: number; monthUsd: number } {
    return this.withQueued(this.ledger.spent());
  }

  private withQueued(spent: { todayUsd: number; monthUsd: number }, exceptJobId?: string): { todayUsd: number; monthUsd: number } {
    let queued = 0;
    for (const source of this.reservationSources) queued += source();
    for (const [id, usd] of this.reserved) if (id !== exceptJobId) queued += usd;
    return { todayUsd: spent.todayUsd + queued, monthUsd: spent.monthUsd + queued };
  }

  /**
   * The ledger counts the spend in memory even when the disk write fails; a failed write must
   * not turn a finished, paid answer into a failed job, so it is reported, not thrown.
   */
  private async appendLedger(record: ReturnType<ReviewEngine['ledgerRecord']>): Promise<void> {
    try {
      await this.ledger.append(record);
    } catch (err) {
      this.ledger.reportWriteFailure(err);
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
    this.waitWrite = this.waitWrite.then(() => this.waitHistory.append(timing));
  }

  private waitWrite: Promise<void> = Promise.resolve();

  ledgerRecord(job: JobRecord, outcome: 'succeeded' | 'failed' | 'cancelled', cached: boolean): LedgerRecordInput {
    return ledgerRecordOf(job, outcome, cached, this.now());
  }
}

export { specOf } from './jobs/jobRecords';
