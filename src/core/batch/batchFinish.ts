// What finishing a batch job does outside the registry, once per job: it joins the job history,
// its cost goes into the ledger (every cent counted, at the batch price), and a useful answer
// goes into the analysis cache, exactly as a streamed job's would.
import type { JobRecord } from '../jobs/job';
import type { ReviewEngine } from '../reviewEngine';
import type { WarningSink } from '../warnings';

export async function recordFinishedBatchJob(engine: ReviewEngine, job: JobRecord, warn: WarningSink): Promise<void> {
  engine.jobs.record(job);
  const outcome = job.status === 'succeeded' ? 'succeeded' : job.status === 'cancelled' ? 'cancelled' : 'failed';
  try {
    await engine.ledger.append(engine.ledgerRecord(job, outcome, false));
  } catch (err) {
    warn(`Could not write the cost ledger (${err instanceof Error ? err.message : String(err)}); this batch job's cost is counted for this session only.`);
  }
  const r = job.result;
  if (job.status !== 'succeeded' || !r || (r.findings.length === 0 && r.answer.trim() === '' && r.summary.trim() === '')) return;
  await engine.cache
    .put({
      key: job.cacheKey,
      filePath: job.request.target.filePath,
      fileHash: job.fileHash,
      createdAt: job.finishedAt ?? Date.now(),
      kind: job.request.kind,
      startLine: job.request.target.startLine,
      endLine: job.request.target.endLine,
      provider: job.route.provider,
      model: job.route.model,
      tier: job.route.tier,
      result: r,
      structured: job.structured ?? false,
      // The parser's notes only: the batch's own notes (price, batch id) describe that run.
      warnings: job.warnings.filter((w) => !/batch|half price/i.test(w)),
      reasoning: job.reasoning,
      usage: job.usage ?? { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0, estimated: true },
      costUsd: job.costUsd ?? null,
      durationMs: (job.finishedAt ?? 0) - (job.startedAt ?? job.createdAt),
      jobId: job.id,
    })
    .catch(() => undefined);
}
