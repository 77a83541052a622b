// "Run later at half price": plans go to the provider's batch API instead of a stream. Requests
// submitted close together (a short window) go out as one batch; every job is written to the
// registry before it is sent, so a crash never loses track of paid work; the poller finishes
// jobs when their batch ends, in whichever window or CLI run notices first. The budget holds
// each pending job's worst case at the batch price until it finishes.
import { checkBudget } from '../cost/budget';
import type { JobRecord, JobStatus } from '../jobs/job';
import { ModelError, isModelError } from '../modelError';
import { buildPrompt } from '../prompts/prompts';
import { providerFacts } from '../providers/catalog';
import { BudgetRefusedError, specOf, type EngineSettings, type ReviewEngine, type ReviewPlan } from '../reviewEngine';
import type { TextStore } from '../storage';
import type { WarningSink } from '../warnings';
import { batchRequestBody } from './batchBodies';
import { finishBatchJob, type FinishedBatchJob } from './batchOutcome';
import { BatchPoller, realTimers, type PollerOptions, type Timers } from './batchPoller';
import { batchWorstCase } from './batchPricing';
import { createBatch } from './batchCreate';
import { BatchRegistry, pendingBatchIds, reservedUsd, sameBatch, type BatchAt, type BatchJobEntry, type RegistryData } from './batchRegistry';
import { isBatchProvider, type BatchItemOutcome, type BatchProgress, type BatchProviderId, type BatchRequestLine, type ProviderBatchApi } from './batchTypes';
import { recordFinishedBatchJob } from './batchFinish';
import { dismissFindingsOutsideChange } from '../changes/changeReviewLater';

export interface BatchServiceDeps {
  engine: ReviewEngine;
  store: TextStore;
  settings(): EngineSettings;
  /** The provider's batch API, with its key; throws ModelError('auth' | 'config') without one. */
  apiFor(provider: BatchProviderId, baseUrl: string): ProviderBatchApi;
  warn: WarningSink;
  now?: () => number;
  timers?: Timers;
  /** How long a request waits for others to share its batch (default 2 s). */
  windowMs?: number;
  poller?: PollerOptions;
  /** Waits between attempts to create a batch (injectable for tests). */
  sleep?: (ms: number) => Promise<void>;
}

export interface BatchSubmitResult {
  jobId: string;
  /** `submitted`: queued at the provider; otherwise the job's final status (cache hit, failure). */
  status: 'submitted' | JobStatus;
  batchId?: string;
  provider: string;
  fromCache: boolean;
  joined: boolean;
  error?: string;
}

interface Group {
  provider: BatchProviderId;
  baseUrl: string;
  items: { jobId: string; line: BatchRequestLine }[];
  timer: unknown;
  sent: Promise<{ batchId?: string; error?: string }>;
  resolve: (r: { batchId?: string; error?: string }) => void;
}

/** A `submitting` entry older than this belongs to a process that died in its window. */
const STALE_SUBMISSION_MS = 10 * 60_000;

export class BatchService {
  readonly registry: BatchRegistry;
  readonly poller: BatchPoller;
  private reserved = 0;
  private readonly groups = new Map<string, Group>();
  private readonly finishListeners = new Set<(job: JobRecord) => void>();
  private readonly pollListeners = new Set<(pending: number) => void>();
  private polling: Promise<number> | undefined;
  private readonly timers: Timers;

  private constructor(private readonly deps: BatchServiceDeps) {
    this.registry = new BatchRegistry(deps.store, deps.warn);
    this.timers = deps.timers ?? realTimers;
    this.poller = new BatchPoller(() => this.pollNow(), { timers: this.timers, ...deps.poller });
    deps.engine.reservationSources.push(() => this.reserved);
  }

  /** Opens the registry, recovers submissions cut short by a crash, and resumes polling. */
  static async open(deps: BatchServiceDeps): Promise<BatchService> {
    const service = new BatchService(deps);
    const now = service.now();
    const isStale = (j: BatchJobEntry) => j.state === 'submitting' && now - j.job.createdAt > STALE_SUBMISSION_MS;
    const snapshot = await service.registry.read();
    service.reserved = reservedUsd(snapshot);
    // Opening only reads, unless a crashed submission needs closing.
    if (!snapshot.jobs.some(isStale)) {
      if (pendingBatchIds(snapshot).length > 0) service.poller.kick();
      return service;
    }
    const stale = await service.registry.update((data) => {
      const cut = data.jobs.filter(isStale);
      for (const e of cut) {
        e.state = 'finished';
        e.job = { ...e.job, status: 'failed', finishedAt: now, costUsd: 0, costSource: 'table', error: { kind: 'internal', message: 'Interrupted while being submitted to the batch API: the editor or CLI stopped. It was probably not sent; run the review again.' } };
      }
      service.reserved = reservedUsd(data);
      return { cut: cut.map((e) => e.job), pending: pendingBatchIds(data).length };
    });
    for (const job of stale.cut) deps.engine.jobs.record(job);
    if (stale.pending > 0) service.poller.kick();
    return service;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** Whether this plan's provider has a batch API. */
  static supports(plan: Pick<ReviewPlan, 'route'>): boolean {
    const p = plan.route.model.provider;
    return isBatchProvider(p) && providerFacts(p).capabilities.batch;
  }

  /** The plan's worst case at the batch price (null when unknown or the provider has no batch API). */
  static worstCaseUsd(plan: Pick<ReviewPlan, 'route' | 'budget'>): number | null {
    const p = plan.route.model.provider;
    return isBatchProvider(p) && BatchService.supports(plan) ? batchWorstCase(p, plan.budget.worstCase).usd : null;
  }

  /** After every poll (a provider's status word may have moved): how many jobs are still pending. */
  onDidPoll(listener: (pending: number) => void): () => void {
    this.pollListeners.add(listener);
    return () => this.pollListeners.delete(listener);
  }

  onDidFinish(listener: (job: JobRecord) => void): () => void {
    this.finishListeners.add(listener);
    return () => this.finishListeners.delete(listener);
  }

  /**
   * Queues a planned request for the batch API. Resolves once its batch was sent (or failed to
   * be); a cache hit is answered at once, as in the streaming path. Throws BudgetRefusedError.
   */
  async submit(plan: ReviewPlan, options: { immediate?: boolean } = {}): Promise<BatchSubmitResult> {
    return (await this.submitAll([plan], options))[0]!;
  }

  /**
   * Queues several plans together (a change set): they share a batch per provider and model.
   * Each is checked against the budget in turn, its reservation counting against the next; a
   * refusal throws before that plan is queued (check the whole set first to send none).
   */
  async submitAll(plans: readonly ReviewPlan[], options: { immediate?: boolean } = {}): Promise<BatchSubmitResult[]> {
    const queued: (BatchSubmitResult | { jobId: string; provider: BatchProviderId; group: Group; key: string })[] = [];
    for (const plan of plans) queued.push(await this.enqueue(plan));
    if (options.immediate) for (const key of new Set(queued.flatMap((q) => ('key' in q ? [q.key] : [])))) void this.send(key);
    return Promise.all(
      queued.map(async (q): Promise<BatchSubmitResult> => {
        if (!('key' in q)) return q;
        const sent = await q.group.sent;
        if (sent.error !== undefined) return { jobId: q.jobId, status: 'failed', provider: q.provider, fromCache: false, joined: false, error: sent.error };
        return { jobId: q.jobId, status: 'submitted', batchId: sent.batchId, provider: q.provider, fromCache: false, joined: false };
      }),
    );
  }

  /** Records one plan as submitting and adds it to its group's window (or answers it at once). */
  private async enqueue(plan: ReviewPlan): Promise<BatchSubmitResult | { jobId: string; provider: BatchProviderId; group: Group; key: string }> {
    const provider = plan.route.model.provider;
    if (!isBatchProvider(provider) || !BatchService.supports(plan)) throw new ModelError('config', `${providerFacts(provider).label} has no batch API; run the review now instead.`, { retryable: false });
    const engine = this.deps.engine;
    if (plan.cached) {
      const started = engine.start(plan);
      return { jobId: started.jobId, status: 'succeeded', provider, fromCache: true, joined: false };
    }
    const streaming = engine.jobs.inFlight(plan.cacheKey);
    if (streaming) return { jobId: streaming.id, status: streaming.status, provider, fromCache: false, joined: true };
    const data = await this.registry.read();
    const twin = data.jobs.find((j) => j.state !== 'finished' && j.job.cacheKey === plan.cacheKey);
    if (twin) return { jobId: twin.jobId, status: 'submitted', batchId: twin.batchId, provider, fromCache: false, joined: true };

    const settings = this.deps.settings();
    const worst = batchWorstCase(provider, plan.budget.worstCase);
    const budget = checkBudget(worst, engine.committedSpend(), settings.budget);
    if (!budget.allowed) throw new BudgetRefusedError(budget.message);

    const now = this.now();
    const label = providerFacts(provider).label;
    const record = engine.newRecord(plan, now);
    record.warnings = [...plan.notices, ...(budget.message ? [budget.message] : []), `Run later at half price: sent to ${label}'s batch API, which answers within 24 hours (usually much sooner).`];
    const baseUrl = plan.route.model.baseUrl ?? providerFacts(provider).defaultBaseUrl ?? '';
    const spec = specOf(record.route);
    const prompt = buildPrompt(record.request);
    const body = batchRequestBody(provider, spec, prompt);
    const entry: BatchJobEntry = { jobId: record.id, customId: record.id, provider, baseUrl, state: 'submitting', job: record, reservedUsd: worst.usd, cancelRequested: false };
    await this.registry.update((d) => {
      d.jobs.push(entry);
      this.reserved = reservedUsd(d);
    });

    // OpenAI batches take one model per input file; Anthropic's may mix models.
    const key = `${provider} ${baseUrl} ${provider === 'openai' ? spec.model : ''}`;
    const group = this.groups.get(key) ?? this.openGroup(key, provider, baseUrl);
    group.items.push({ jobId: record.id, line: { customId: entry.customId, body } });
    return { jobId: record.id, provider, group, key };
  }

  /** Sends every request still waiting in its window now (the CLI, and on shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.groups.keys()].map((key) => this.send(key)));
  }

  private openGroup(key: string, provider: BatchProviderId, baseUrl: string): Group {
    let resolve!: Group['resolve'];
    const sent = new Promise<{ batchId?: string; error?: string }>((r) => (resolve = r));
    const group: Group = { provider, baseUrl, items: [], timer: undefined, sent, resolve };
    group.timer = this.timers.setTimeout(() => void this.send(key), this.deps.windowMs ?? 2000);
    this.groups.set(key, group);
    return group;
  }

  private async send(key: string): Promise<void> {
    const group = this.groups.get(key);
    if (!group) return;
    this.groups.delete(key);
    this.timers.clearTimeout(group.timer);
    if (group.items.length === 0) return group.resolve({});
    const ids = new Set(group.items.map((i) => i.jobId));
    try {
      const api = this.deps.apiFor(group.provider, group.baseUrl);
      const created = await createBatch(api, group.items.map((i) => i.line), this.deps.sleep);
      const now = this.now();
      await this.registry.update((d) => {
        d.batches.push({ batchId: created.batchId, provider: group.provider, baseUrl: group.baseUrl, inputFileId: created.inputFileId, submittedAt: now, providerStatus: 'submitted', polls: 0 });
        for (const e of d.jobs) {
          if (!ids.has(e.jobId) || e.state !== 'submitting') continue;
          e.state = 'pending';
          e.batchId = created.batchId;
          e.providerStatus = 'submitted';
          e.job = { ...e.job, startedAt: now };
        }
      });
      group.resolve({ batchId: created.batchId });
      this.poller.kick();
    } catch (err) {
      const label = providerFacts(group.provider).label;
      const message = `Could not submit to ${label}'s batch API: ${err instanceof Error ? err.message : String(err)}`;
      const kind = isModelError(err) ? err.kind : 'internal';
      await this.finishEntries((e) => ids.has(e.jobId) && e.state === 'submitting', (e) => ({
        job: { ...e.job, status: 'failed', finishedAt: this.now(), costUsd: 0, costSource: 'table', error: { kind, message } },
        listUsd: 0,
      }));
      group.resolve({ error: message });
    }
  }

  /**
   * Cancels a batch job. A job still in its window is dropped before it is sent; a job at the
   * provider cancels its batch there when no other job still wants that batch (a provider
   * cannot cancel one request of a batch). It finishes when the provider confirms.
   */
  async cancel(jobId: string): Promise<boolean> {
    for (const group of this.groups.values()) {
      const i = group.items.findIndex((it) => it.jobId === jobId);
      if (i < 0) continue;
      group.items.splice(i, 1);
      await this.finishEntries((e) => e.jobId === jobId && e.state === 'submitting', (e) => ({
        job: { ...e.job, status: 'cancelled', finishedAt: this.now(), costUsd: 0, costSource: 'table', error: { kind: 'cancelled', message: 'Cancelled before it was sent; nothing was charged.' } },
        listUsd: 0,
      }));
      return true;
    }
    const target = await this.registry.update((d) => {
      const e = d.jobs.find((j) => j.jobId === jobId);
      if (!e || e.state !== 'pending' || !e.batchId) return undefined;
      e.cancelRequested = true;
      const stillWanted = d.jobs.some((j) => sameBatch(j, { batchId: e.batchId!, provider: e.provider, baseUrl: e.baseUrl }) && j.state === 'pending' && !j.cancelRequested);
      return { batchId: e.batchId, provider: e.provider, baseUrl: e.baseUrl, cancelAtProvider: !stillWanted };
    });
    if (!target) return false;
    if (target.cancelAtProvider) await this.deps.apiFor(target.provider, target.baseUrl).cancel(target.batchId);
    this.poller.kick();
    return true;
  }

  /** Checks every pending batch once; finishes the jobs of those that ended. Returns how many are pending. */
  pollNow(): Promise<number> {
    this.polling ??= this.pollOnce()
      .then((pending) => {
        if (pending === 0 && this.groups.size === 0) this.poller.idle();
        for (const l of this.pollListeners) l(pending);
        return pending;
      })
      .finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async pollOnce(): Promise<number> {
    const data = await this.registry.read();
    // A batch id is the provider's, unique only at its server: a batch is its id, provider and base URL.
    const where = new Map(data.jobs.filter((j) => j.state === 'pending' && j.batchId).map((j) => [`${j.provider} ${j.baseUrl} ${j.batchId}`, { batchId: j.batchId!, provider: j.provider, baseUrl: j.baseUrl }]));
    for (const at of where.values()) {
      const { batchId, provider } = at;
      try {
        const api = this.deps.apiFor(provider, at.baseUrl);
        const progress = await api.retrieve(batchId);
        if (progress.phase === 'pending') {
          await this.noteProgress(at, progress);
          continue;
        }
        const outcomes = progress.phase === 'ended' ? await api.results(batchId, progress) : new Map<string, BatchItemOutcome>();
        await this.finishBatch(at, progress, outcomes);
      } catch (err) {
        this.deps.warn(`Could not check batch ${batchId} at ${providerFacts(provider).label} (will try again later): ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const after = await this.registry.read();
    this.reserved = reservedUsd(after);
    return pendingBatchIds(after).length;
  }

  private async noteProgress(at: BatchAt, progress: BatchProgress): Promise<void> {
    const now = this.now();
    await this.registry.update((d) => {
      const b = d.batches.find((x) => sameBatch(x, at));
      if (b) Object.assign(b, { providerStatus: progress.providerStatus, polls: b.polls + 1, lastPolledAt: now });
      for (const j of d.jobs) if (sameBatch(j, at) && j.state === 'pending') j.providerStatus = progress.providerStatus;
    });
  }

  private async finishBatch(at: BatchAt, progress: BatchProgress, outcomes: Map<string, BatchItemOutcome>): Promise<void> {
    const { batchId, provider } = at;
    const priceOverrides = this.deps.settings().priceOverrides;
    await this.finishEntries(
      (e) => sameBatch(e, at) && e.state === 'pending',
      (e) => {
        const f = finishBatchJob(e.job, outcomes.get(e.customId), { provider, batchId, progress, priceOverrides, cancelRequested: e.cancelRequested, now: this.now() });
        // A change review's findings on unchanged lines are set aside, as for a streamed one.
        return { ...f, job: dismissFindingsOutsideChange(f.job) };
      },
      (d) => {
        const b = d.batches.find((x) => sameBatch(x, at));
        if (b) Object.assign(b, { providerStatus: progress.providerStatus, polls: b.polls + 1, lastPolledAt: this.now() });
      },
    );
  }

  /**
   * Finishes matching entries under the lock, so exactly one process does it; that process
   * then records the jobs, counts their cost in the ledger and caches the answers.
   */
  private async finishEntries(match: (e: BatchJobEntry) => boolean, finish: (e: BatchJobEntry) => FinishedBatchJob, also?: (d: RegistryData) => void): Promise<void> {
    const done = await this.registry.update((d) => {
      also?.(d);
      const out: FinishedBatchJob[] = [];
      for (const e of d.jobs) {
        if (!match(e)) continue;
        const f = finish(e);
        e.state = 'finished';
        e.job = f.job;
        e.listUsd = f.listUsd;
        out.push(f);
      }
      this.reserved = reservedUsd(d);
      return out;
    });
    for (const f of done) {
      await recordFinishedBatchJob(this.deps.engine, f.job, this.deps.warn);
      for (const l of this.finishListeners) l(f.job);
    }
  }

  /** Batch jobs, newest first: waiting ones and recently finished ones. */
  async list(): Promise<BatchJobEntry[]> {
    return (await this.registry.read()).jobs.sort((a, b) => b.job.createdAt - a.job.createdAt);
  }

  async get(jobId: string): Promise<BatchJobEntry | undefined> {
    return (await this.registry.read()).jobs.find((j) => j.jobId === jobId);
  }

  dispose(): void {
    this.poller.stop();
    for (const g of this.groups.values()) this.timers.clearTimeout(g.timer);
  }
}
