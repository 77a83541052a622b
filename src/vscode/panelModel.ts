// Maps job records to what the results panel shows. Pure (no `vscode` import).
import { findingId } from '../core/results/findingIdentity';
import { contextSentList } from '../core/context/contextPiece';
import { jobTitle, type JobRecord } from '../core/jobs/job';
import { savingsOf } from '../core/cost/savings';
import type { PanelBatch, PanelJobDetail, PanelJobSummary } from '../protocol/panelMessages';

/** A run-later job still at the provider (from the batch registry; not yet in the job history). */
export interface PendingBatchJob {
  job: JobRecord;
  batch: PanelBatch;
}

/** The job list: the history plus run-later jobs still at the provider, newest first (a finished one is in the history). */
export function panelJobList(history: readonly JobRecord[], pending: readonly PendingBatchJob[]): PanelJobSummary[] {
  const known = new Set(history.map((j) => j.id));
  const waiting = pending.filter((p) => !known.has(p.job.id)).map((p) => toPanelSummary(p.job, p.batch));
  return [...waiting, ...history.map((j) => toPanelSummary(j))].sort((a, b) => b.createdAt - a.createdAt);
}

export function toPanelSummary(job: JobRecord, batch?: PanelBatch): PanelJobSummary {
  return {
    id: job.id,
    title: jobTitle(job),
    status: job.status,
    kind: job.request.kind,
    model: job.route.model || undefined,
    tier: job.route.tier,
    createdAt: job.createdAt,
    costUsd: job.costUsd,
    ...(batch ? { batch } : {}),
  };
}

export function toPanelDetail(job: JobRecord, extra: { stale: boolean; helpful?: boolean; batch?: PanelBatch }): PanelJobDetail {
  const t = job.request.target;
  const findings = (job.result?.findings ?? []).map((f, i) => ({
    id: findingId(i),
    title: f.title,
    severity: f.severity,
    confidence: f.confidence,
    startLine: f.startLine,
    endLine: f.endLine,
    explanation: f.explanation,
    suggestedFix: f.suggestedFix,
    dismissed: job.dismissedFindings.includes(i),
  }));
  const running = job.status === 'running' || job.status === 'queued';
  return {
    ...toPanelSummary(job, extra.batch),
    target: t.type === 'file' ? { file: t.filePath } : { file: t.filePath, startLine: t.startLine, endLine: t.endLine },
    routeReasons: job.route.reasons,
    routeNote: job.route.note,
    canEscalate: !running && job.route.tier !== 'reasoning' && job.status !== 'cancelled',
    cached: job.fromCache,
    stale: extra.stale,
    durationMs: job.finishedAt !== undefined && job.startedAt !== undefined ? job.finishedAt - job.startedAt : undefined,
    usage: job.usage
      ? {
          inputTokens: job.usage.inputTokens,
          cacheReadTokens: job.usage.cachedInputTokens,
          cacheWriteTokens: job.usage.cacheWriteTokens ?? 0,
          outputTokens: job.usage.outputTokens,
          reasoningTokens: job.usage.reasoningTokens,
          estimated: job.usage.estimated,
        }
      : undefined,
    summary: job.result?.summary,
    structured: job.structured !== false,
    findings,
    answer: job.result?.answer ?? job.answer,
    reasoning: job.reasoning,
    reasoningSummary: reasoningSummary(job.reasoning),
    error: job.error?.message,
    warnings: job.warnings,
    feedback: extra.helpful === undefined ? undefined : extra.helpful ? 'helpful' : 'notHelpful',
    contextSent: job.request.context ? contextSentList(job.request.context) : undefined,
    savings: job.fromCache ? undefined : savingsOf(job),
  };
}

/** The first sentence of the reasoning, as its one-line summary. */
export function reasoningSummary(reasoning: string): string | undefined {
  // A one-line summary is shown as plain text: inline-code ticks and bold markers would show raw.
  const text = reasoning
    .trim()
    .replace(/^\*\*([^*]+)\*\*\s*/, '$1: ')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/\*\*([^*\n]+)\*\*/g, '$1');
  if (!text) return undefined;
  const first = /^[\s\S]{1,160}?[.!?](\s|$)/.exec(text)?.[0] ?? text.slice(0, 140);
  return first.trim() + (first.length < text.length && !/[.!?]\s*$/.test(first) ? '…' : '');
}
