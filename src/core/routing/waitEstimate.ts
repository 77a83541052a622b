// How long a request will probably take, shown before and while it runs and used by the router
// to decide whether the user can wait for a reasoning model. Starts from a simple model of
// where time goes (overhead, reading the input, thinking, answering) and learns per provider
// and model from finished jobs: each job's duration is divided by what the simple model
// predicted for its input and thinking budget, and the median of those ratios (robust to the
// odd stalled request) rescales the prediction for a new request.
import type { ModelSpec, ProviderId } from '../modelClient';
import type { ReasoningEffort } from '../requests/request';

export interface WaitEstimate {
  lowSeconds: number;
  highSeconds: number;
  expectedSeconds: number;
  basis: 'history' | 'default';
  samples: number;
  /** One line saying why it takes this long. */
  reason: string;
}

export interface FinishedJobTiming {
  provider: ProviderId;
  model: string;
  reasoning: boolean;
  inputTokens: number;
  maxThinkingTokens: number;
  durationMs: number;
  /** Effort the job ran with; older records without it count as 'medium'. */
  effort?: ReasoningEffort;
}

export const DEFAULT_MAX_SAMPLES_PER_MODEL = 50;

// The simple model of where time goes, before any history. Deliberately round numbers: history
// corrects the scale per model, these only have to get the shape and the order of magnitude right.
const OVERHEAD_SECONDS = 1.5; // connection, queueing at the provider, time to first token
const INPUT_TOKENS_PER_SECOND = 5_000; // reading the prompt is far faster than writing
const ANSWER_SECONDS = 3; // a typical structured review answer
const THINKING_TOKENS_PER_SECOND = 80;
/** Reasoning models rarely use their whole budget; how much they use grows with effort. */
const BUDGET_USED_BY_EFFORT: Record<ReasoningEffort, number> = { low: 0.3, medium: 0.5, high: 0.75 };
/**
 * Thinking when the budget is 0: providers that cannot turn thinking off (OpenAI, DeepSeek)
 * still think as much as the effort asks. Over- rather than underestimate the wait.
 */
const THINKING_WITHOUT_BUDGET: Record<ReasoningEffort, number> = { low: 1_500, medium: 4_000, high: 10_000 };

/** Spread of the range, in log space: durations are skewed, so the high side is wider. */
const DEFAULT_LOG_SPREAD = 0.5;
const MIN_LOG_SPREAD = 0.2;
const MAX_LOG_SPREAD = 1.5;
const HIGH_SIDE_FACTOR = 1.5;
/** Samples needed before their own scatter sets the range rather than the default spread. */
const MIN_SAMPLES_FOR_SPREAD = 3;
/** The default counts as this many samples, so a first odd job cannot swing the estimate. */
const PRIOR_WEIGHT = 1;
/** Scales a median absolute deviation to a standard deviation for normal data. */
const MAD_TO_SIGMA = 1.4826;

export class WaitEstimator {
  private readonly byModel = new Map<string, FinishedJobTiming[]>();
  private readonly maxSamplesPerModel: number;

  constructor(history: readonly FinishedJobTiming[] = [], maxSamplesPerModel = DEFAULT_MAX_SAMPLES_PER_MODEL) {
    this.maxSamplesPerModel = Math.max(1, Math.floor(maxSamplesPerModel));
    for (const timing of history) this.record(timing);
  }

  /** Remembers a finished job; keeps only the most recent samples per model. */
  record(timing: FinishedJobTiming): void {
    // A zero or broken duration (cancelled, clock skew) says nothing about speed.
    if (!Number.isFinite(timing.durationMs) || timing.durationMs <= 0) return;
    const key = modelKey(timing.provider, timing.model);
    const list = this.byModel.get(key) ?? [];
    list.push({ ...timing });
    if (list.length > this.maxSamplesPerModel) list.splice(0, list.length - this.maxSamplesPerModel);
    this.byModel.set(key, list);
  }

  estimate(spec: ModelSpec, inputTokens: number): WaitEstimate {
    const predicted = predictedSeconds(spec.reasoning, spec.effort, spec.maxThinkingTokens, inputTokens);
    const history = this.byModel.get(modelKey(spec.provider, spec.model)) ?? [];
    if (history.length === 0) {
      return withRange(predicted, DEFAULT_LOG_SPREAD, { basis: 'default', samples: 0, reason: defaultReason(spec, inputTokens) });
    }

    const logRatios = history.map(
      (t) => Math.log(t.durationMs / 1000 / predictedSeconds(t.reasoning, t.effort ?? 'medium', t.maxThinkingTokens, t.inputTokens)),
    );
    const center = median(logRatios);
    const n = logRatios.length;
    const scatter = MAD_TO_SIGMA * median(logRatios.map((r) => Math.abs(r - center)));
    const spread = n >= MIN_SAMPLES_FOR_SPREAD ? clamp(scatter, MIN_LOG_SPREAD, MAX_LOG_SPREAD) : DEFAULT_LOG_SPREAD;
    const shrunk = (center * n) / (n + PRIOR_WEIGHT);
    return withRange(predicted * Math.exp(shrunk), spread, {
      basis: 'history',
      samples: n,
      // Jobs of the same model that thought (or not) unlike this one say little about its wait: say so.
      reason: `based on ${n} earlier ${n === 1 ? 'job' : 'jobs'} with ${spec.model}${history.every((t) => t.reasoning !== spec.reasoning) ? (spec.reasoning ? ' without thinking; thinking adds time' : ' that thought first') : ''}`,
    });
  }

  /** Every stored sample, oldest first per model, for the caller to persist. */
  samples(): FinishedJobTiming[] {
    return [...this.byModel.values()].flatMap((list) => list.map((t) => ({ ...t })));
  }
}

/** "20–45 s", "about 3 s", "40 s–3 min", "1–3 min". */
export function formatWaitRange(e: WaitEstimate): string {
  // A narrow range reads better as one number.
  if (e.highSeconds <= e.lowSeconds * 1.5) {
    const expected = e.expectedSeconds;
    return expected < 90 ? `about ${Math.max(1, roundSeconds(expected, Math.round))} s` : `about ${Math.max(1, Math.round(expected / 60))} min`;
  }
  const low = Math.max(1, roundSeconds(e.lowSeconds, Math.floor));
  const high = Math.max(low + 1, roundSeconds(e.highSeconds, Math.ceil));
  if (high < 90) return `${low}–${high} s`;
  const highMinutes = Math.ceil(high / 60);
  if (low < 60) return `${low} s–${highMinutes} min`;
  const lowMinutes = Math.floor(low / 60);
  return lowMinutes >= highMinutes ? `about ${highMinutes} min` : `${lowMinutes}–${highMinutes} min`;
}

/** Seconds the simple model expects, before any history. */
function predictedSeconds(reasoning: boolean, effort: ReasoningEffort, maxThinkingTokens: number, inputTokens: number): number {
  const reading = Math.max(0, inputTokens) / INPUT_TOKENS_PER_SECOND;
  const thinking = reasoning ? expectedThinkingTokens(effort, maxThinkingTokens) / THINKING_TOKENS_PER_SECOND : 0;
  return OVERHEAD_SECONDS + reading + thinking + ANSWER_SECONDS;
}

function expectedThinkingTokens(effort: ReasoningEffort, maxThinkingTokens: number): number {
  return maxThinkingTokens > 0 ? maxThinkingTokens * BUDGET_USED_BY_EFFORT[effort] : THINKING_WITHOUT_BUDGET[effort];
}

function defaultReason(spec: ModelSpec, inputTokens: number): string {
  if (spec.reasoning) {
    return spec.maxThinkingTokens > 0
      ? `reasoning models think before answering: up to ${formatCount(spec.maxThinkingTokens)} thinking tokens`
      : `reasoning models think before answering (${spec.effort} effort)`;
  }
  if (inputTokens / INPUT_TOKENS_PER_SECOND > ANSWER_SECONDS) return `a large input (${formatCount(inputTokens)} tokens) takes a while to read`;
  return `${spec.model} answers directly, without thinking first`;
}

function withRange(expectedSeconds: number, logSpread: number, rest: Pick<WaitEstimate, 'basis' | 'samples' | 'reason'>): WaitEstimate {
  return {
    lowSeconds: expectedSeconds * Math.exp(-logSpread),
    highSeconds: expectedSeconds * Math.exp(logSpread * HIGH_SIDE_FACTOR),
    expectedSeconds,
    ...rest,
  };
}

function modelKey(provider: ProviderId, model: string): string {
  return `${provider}\u0000${model}`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Under 10 s to the second, above that to 5 s, so ranges do not look falsely precise. */
function roundSeconds(seconds: number, round: (x: number) => number): number {
  return seconds < 10 ? round(seconds) : round(seconds / 5) * 5;
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
