// What the batch layer passes between the provider APIs, the registry and the job mapping:
// provider-neutral shapes, so the rest of the layer never reads a wire format.
import type { Usage } from '../modelClient';

/** Providers with a batch API at a discount (catalog capability `batch`). */
export type BatchProviderId = 'anthropic' | 'openai';

export function isBatchProvider(provider: string): provider is BatchProviderId {
  return provider === 'anthropic' || provider === 'openai';
}

/** One request inside a batch: our id for matching results, and the provider's JSON body. */
export interface BatchRequestLine {
  customId: string;
  body: Record<string, unknown>;
}

/** Where a batch stands at the provider, normalized. */
export type BatchPhase =
  /** Accepted and still running (validating, in progress, finalizing, canceling). */
  | 'pending'
  /** Processing ended: results (complete or partial) can be read. */
  | 'ended'
  /** The whole batch failed before running (OpenAI `failed`: e.g. an invalid input file). */
  | 'failed';

export interface BatchProgress {
  phase: BatchPhase;
  /** The provider's own status word, shown to the user (e.g. `in_progress`, `expired`). */
  providerStatus: string;
  counts: { done: number; failed: number; total: number };
  /** Where results are read from (Anthropic results URL; OpenAI output and error file ids). */
  resultRefs: { resultsUrl?: string; outputFileId?: string; errorFileId?: string };
  /** Why the whole batch failed, when it did. */
  failure?: string;
  /** True when the provider says the batch expired (24 h passed before it finished). */
  expired: boolean;
}

/** The outcome of one request, read from a batch's results. */
export type BatchItemOutcome =
  | { kind: 'succeeded'; reasoning: string; answer: string; /** undefined when the provider reported none. */ usage: Usage | undefined; truncated: boolean; notes: string[] }
  | { kind: 'errored'; message: string }
  | { kind: 'canceled' }
  | { kind: 'expired' };

/** The provider side of batches: one implementation per wire format. */
export interface ProviderBatchApi {
  readonly provider: BatchProviderId;
  /** Sends the lines as one batch; returns the provider's batch id (and OpenAI's input file id). */
  create(lines: readonly BatchRequestLine[]): Promise<{ batchId: string; inputFileId?: string }>;
  retrieve(batchId: string): Promise<BatchProgress>;
  /** Reads the results of an ended batch, by custom id. */
  results(batchId: string, progress: BatchProgress): Promise<Map<string, BatchItemOutcome>>;
  cancel(batchId: string): Promise<void>;
}
