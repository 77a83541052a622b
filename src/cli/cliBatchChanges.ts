// `deep-review review --changes … --batch`: the whole change set goes to the provider's batch
// API (one batch per provider and model) and the command exits at once, printing each file's
// job id; `deep-review result <jobId>` reads each file's answer when its batch ends.
import { ChangeSetRefusedError, type ChangeSetPlan } from '../core/changes/changeReview';
import { laterCostLine, submitChangeReviewLater, type ChangeSetLaterResult } from '../core/changes/changeReviewLater';
import type { BudgetLimits } from '../core/cost/budget';
import type { EngineSettings, ReviewEngine } from '../core/reviewEngine';
import type { FileTextStore } from '../node/fileTextStore';
import type { OutputFormat } from './cliArgs';
import { openService, type CliIo } from './cliBatch';

export async function submitBatchChanges(engine: ReviewEngine, set: ChangeSetPlan, store: FileTextStore, settings: () => EngineSettings, budget: BudgetLimits, format: OutputFormat, io: CliIo): Promise<number> {
  const service = await openService(engine, store, settings, io);
  try {
    let result: ChangeSetLaterResult;
    try {
      result = await submitChangeReviewLater(engine, service, set, budget, { immediate: true });
    } catch (err) {
      if (!(err instanceof ChangeSetRefusedError)) throw err;
      io.stderr(`deep-review: ${err.message}\n`);
      return 1;
    }
    await engine.flush();
    if (format === 'json') {
      const files = result.files.map((f) => ({ filePath: f.filePath, jobId: f.jobId, status: f.status, batchId: f.batchId ?? null, fromCache: f.fromCache, error: f.error ?? null }));
      io.stdout(`${JSON.stringify({ changes: result.description, maxCostUsd: result.maxCostUsd, listMaxCostUsd: result.listMaxCostUsd, files, skipped: result.skipped }, null, 2)}\n`);
    } else {
      const batches = new Set(result.files.flatMap((f) => (f.batchId ? [f.batchId] : [])));
      const n = result.files.length;
      io.stdout(`Submitted ${n} changed file${n === 1 ? '' : 's'} of the ${result.description} at half price (${laterCostLine(result)}) in ${batches.size} batch${batches.size === 1 ? '' : 'es'}.\n`);
      for (const f of result.files) io.stdout(`  ${f.jobId}  ${f.status.padEnd(9)}  ${f.filePath}${f.batchId ? `  batch ${f.batchId}` : ''}\n`);
      for (const s of result.skipped) io.stdout(`  skipped    ${s.filePath} (${s.skipped})\n`);
      if (n > 0) io.stdout('Get each answer with: deep-review result <jobId> --wait\n');
    }
    const failed = result.files.filter((f) => f.status === 'failed');
    for (const f of failed) io.stderr(`deep-review: ${f.filePath}: ${f.error ?? 'the batch could not be submitted'}\n`);
    return failed.length > 0 ? 1 : 0;
  } finally {
    service.dispose();
  }
}
