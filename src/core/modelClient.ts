// The one streaming interface every provider implements. Providers turn their wire format
// into these normalized events; the job runner, the cache and the ledger only see these.
import type { ReasoningEffort } from './requests/request';

import type { ProviderId } from './providers/catalog';
export { PROVIDER_IDS, type ProviderId } from './providers/catalog';

/** A concrete model and how hard it should think. */
export interface ModelSpec {
  provider: ProviderId;
  model: string;
  /** Whether this model thinks before answering (decides thinking parameters and wait estimates). */
  reasoning: boolean;
  effort: ReasoningEffort;
  /** Upper bound on thinking tokens; 0 turns thinking off where the provider allows it. */
  maxThinkingTokens: number;
  /** Upper bound on answer tokens (thinking excluded). */
  maxAnswerTokens: number;
  baseUrl?: string;
}

export interface ModelCall {
  spec: ModelSpec;
  system: string;
  /** Stable blocks sent after the system prompt and before the prompt, in order (cached by providers). */
  prefix?: readonly string[];
  prompt: string;
  signal: AbortSignal;
}

export interface Usage {
  /** All input tokens: uncached, cache reads and cache writes alike. */
  inputTokens: number;
  /** Input tokens read from the provider's prompt cache (billed at the cache-read rate). */
  cachedInputTokens: number;
  /**
   * Input tokens written to the prompt cache (Anthropic bills them at 1.25× input). Absent
   * means none were reported, as for providers that bill no writes.
   */
  cacheWriteTokens?: number;
  /** All output tokens, thinking included (what providers bill as output). */
  outputTokens: number;
  reasoningTokens: number;
  /** True when some count was estimated locally because the provider gave none. */
  estimated: boolean;
  /** Cost the provider itself reported (OpenRouter `usage.cost`), in USD. */
  providerCostUsd?: number;
}

export type FinishReason = 'stop' | 'length' | 'content-filter' | 'error' | 'other';

export type ModelEvent =
  | { type: 'reasoning-delta'; text: string }
  | { type: 'answer-delta'; text: string }
  | { type: 'usage'; usage: Usage }
  | { type: 'retry'; attempt: number; delayMs: number; reason: string }
  /** Something the user should know about a call that still ended normally (e.g. thinking cut short). */
  | { type: 'warning'; message: string }
  | { type: 'finish'; reason: FinishReason };

export interface ModelClient {
  /**
   * Streams one model call. Errors are thrown as ModelError (see modelError.ts) after any
   * events already received; aborting `call.signal` ends the HTTP request at once.
   */
  stream(call: ModelCall): AsyncIterable<ModelEvent>;
}

export const ZERO_USAGE: Usage = { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0, estimated: false };
