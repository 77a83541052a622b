// One attempt at a claimed job on a worker: the model call through the core's ModelClient,
// streamed as events, parsed into the core's result shape, priced with the core's cost table.
// Mirrors the local engine's job run (which is private to it) for a job that lives in the DB.
import { costOfUsage, type CostEstimate } from '../core/cost/cost';
import type { JobEvent, JobRecord } from '../core/jobs/job';
import { ModelError, isModelError } from '../core/modelError';
import type { ModelClient, ModelSpec, Usage } from '../core/modelClient';
import type { PriceOverrides } from '../core/cost/prices';
import { buildPrompt, promptText } from '../core/prompts/prompts';
import { EMPTY_AFTER_REASONING_WARNING, EMPTY_WARNING, parseModelOutput } from '../core/results/resultParser';
import { estimateTokens } from '../core/routing/tokens';
import type { AttemptOutcome, ClaimedJob } from './queue';

export type StreamEvent = Exclude<JobEvent, { type: 'state' }>;

export interface AttemptDeps {
  /** Builds the client; a configuration error (no key, bad URL) fails the attempt, not the worker. */
  client(): ModelClient;
  priceOverrides: PriceOverrides;
  emit(event: StreamEvent): void;
  signal: AbortSignal;
  now?: () => number;
}

/** What a cut-off attempt used so far (graceful release): estimated from what streamed. */
export interface PartialAttempt {
  aborted: true;
  usage: Usage;
  cost: CostEstimate;
}

const TOKEN_EVENT_INTERVAL_MS = 250;

export async function runAttempt(job: ClaimedJob, deps: AttemptDeps): Promise<AttemptOutcome | PartialAttempt> {
  const now = deps.now ?? Date.now;
  const started = now();
  const elapsed = () => now() - started;
  const r = job.route;
  const spec: ModelSpec = { provider: r.provider, model: r.model, reasoning: r.reasoning, effort: r.effort, maxThinkingTokens: r.maxThinkingTokens, maxAnswerTokens: r.maxAnswerTokens, baseUrl: r.baseUrl };
  const prompt = buildPrompt(job.request);
  let reasoning = '';
  let answer = '';
  let retries = 0;
  let usage: Usage | undefined;
  let phase: 'connecting' | 'thinking' | 'answering' = 'connecting';
  let lastTokensAt = 0;
  const estimatedUsage = (): Usage => ({
    inputTokens: estimateTokens(promptText(prompt)),
    cachedInputTokens: 0,
    outputTokens: estimateTokens(reasoning + answer),
    reasoningTokens: estimateTokens(reasoning),
    estimated: true,
  });
  const tokens = (force = false) => {
    const t = now();
    if (!force && t - lastTokensAt < TOKEN_EVENT_INTERVAL_MS) return;
    lastTokensAt = t;
    const reasoningTokens = usage?.reasoningTokens ?? estimateTokens(reasoning);
    deps.emit({ type: 'tokens', reasoningTokens, outputTokens: usage?.outputTokens ?? reasoningTokens + estimateTokens(answer), estimated: usage === undefined || usage.estimated, elapsedMs: elapsed() });
  };
  const base = (): JobRecord => ({
    id: job.id,
    request: job.request,
    route: job.route,
    cacheKey: job.cacheKey,
    fileHash: job.fileHash,
    status: 'running',
    createdAt: job.createdAt,
    startedAt: started,
    finishedAt: now(),
    fromCache: false,
    reasoning,
    answer,
    warnings: [...job.warnings],
    retries,
    dismissedFindings: [],
  });
  deps.emit({ type: 'phase', phase, elapsedMs: 0 });
  try {
    for await (const event of deps.client().stream({ spec, system: prompt.system, prefix: prompt.prefix, prompt: prompt.prompt, signal: deps.signal })) {
      switch (event.type) {
        case 'reasoning-delta':
          if (phase === 'connecting') deps.emit({ type: 'phase', phase: (phase = 'thinking'), elapsedMs: elapsed() });
          reasoning += event.text;
          deps.emit({ type: 'reasoning', text: event.text });
          tokens();
          break;
        case 'answer-delta':
          if (phase !== 'answering') deps.emit({ type: 'phase', phase: (phase = 'answering'), elapsedMs: elapsed() });
          answer += event.text;
          deps.emit({ type: 'answer', text: event.text });
          tokens();
          break;
        case 'usage':
          usage = event.usage;
          tokens(true);
          break;
        case 'retry':
          retries = event.attempt;
          deps.emit({ type: 'retry', attempt: event.attempt, delayMs: event.delayMs, reason: event.reason });
          break;
        case 'finish':
          break;
      }
    }
    if (deps.signal.aborted) throw new ModelError('cancelled', 'Cancelled.');
  } catch (err) {
    const partial = usage ?? estimatedUsage();
    if (deps.signal.aborted) return { aborted: true, usage: partial, cost: costOfUsage(partial, spec.model, deps.priceOverrides) };
    const error = isModelError(err) ? err : new ModelError('server', err instanceof Error ? err.message : String(err));
    // A failed call costs what the provider reported billing for; nothing reported, nothing known.
    const cost: CostEstimate = usage ? costOfUsage(usage, spec.model, deps.priceOverrides) : { usd: 0, source: 'table' };
    const record: JobRecord = { ...base(), status: 'failed', usage, costUsd: cost.usd, costSource: cost.source, error: { kind: error.kind, message: error.message } };
    return { record, usage, cost, cacheable: false };
  }
  deps.emit({ type: 'phase', phase: 'parsing', elapsedMs: elapsed() });
  const parsed = parseModelOutput(answer, { startLine: job.request.target.startLine, endLine: job.request.target.endLine });
  if (reasoning.trim()) parsed.warnings = parsed.warnings.map((w) => (w === EMPTY_WARNING ? EMPTY_AFTER_REASONING_WARNING : w));
  reasoning = parsed.inlineReasoning ? `${reasoning}${reasoning ? '\n' : ''}${parsed.inlineReasoning}` : reasoning;
  const finalUsage = usage ?? estimatedUsage();
  const cost = costOfUsage(finalUsage, spec.model, deps.priceOverrides);
  const record: JobRecord = {
    ...base(),
    status: 'succeeded',
    result: parsed.result,
    structured: parsed.structured,
    usage: finalUsage,
    costUsd: cost.usd,
    costSource: cost.source,
    warnings: [...job.warnings, ...parsed.warnings],
  };
  const empty = parsed.result.findings.length === 0 && parsed.result.answer.trim() === '' && parsed.result.summary.trim() === '';
  return { record, usage: finalUsage, cost, cacheable: !empty };
}
