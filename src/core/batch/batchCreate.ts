// Creating a batch at the provider, retried only when that is safe.
import { isModelError } from '../modelError';
import type { BatchRequestLine, ProviderBatchApi } from './batchTypes';

/** Creating a batch is retried this often when the provider answered with a retryable status. */
const CREATE_ATTEMPTS = 3;

/**
 * Retries only when the provider answered with a retryable status (429, 529, 5xx): the batch was
 * then not created. A network failure or timeout is not retried: the batch may exist, and a
 * second one would be paid twice.
 */
export async function createBatch(api: ProviderBatchApi, lines: BatchRequestLine[], sleep: (ms: number) => Promise<void> = (ms) => new Promise<void>((r) => setTimeout(r, ms))): Promise<{ batchId: string; inputFileId?: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await api.create(lines);
    } catch (err) {
      const answered = isModelError(err) && err.details.status !== undefined && err.details.retryable === true;
      if (!answered || attempt >= CREATE_ATTEMPTS) throw err;
      await sleep(Math.min(30_000, err.details.retryAfterMs ?? 1000 * 2 ** (attempt - 1)));
    }
  }
}
