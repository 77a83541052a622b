// Renders a finished job for the terminal: text, the documented JSON object, Markdown, HTML.
import type { JobRecord } from '../core/jobs/job';
import { jobToHtml, jobToMarkdown } from '../core/jobs/jobReport';
import type { OutputFormat } from './cliArgs';
import { savingsOf } from '../core/cost/savings';

/** The `--format json` object. Its keys are documented in the README; keep them stable. */
export function jobToJson(job: JobRecord) {
  const u = job.usage;
  return {
    jobId: job.id,
    status: job.status,
    route: { tier: job.route.tier, provider: job.route.provider, model: job.route.model, reasons: job.route.reasons, note: job.route.note ?? null },
    summary: job.result?.summary ?? '',
    findings: (job.result?.findings ?? []).map((f) => ({ ...f, suggestedFix: f.suggestedFix ?? null })),
    answer: job.result?.answer ?? job.answer,
    reasoning: job.reasoning,
    usage: {
      inputTokens: u?.inputTokens ?? 0,
      cachedInputTokens: u?.cachedInputTokens ?? 0,
      cacheWriteTokens: u?.cacheWriteTokens ?? 0,
      outputTokens: u?.outputTokens ?? 0,
      reasoningTokens: u?.reasoningTokens ?? 0,
      estimated: u?.estimated ?? false,
    },
    // usd null: the model has no known price. usageTrusted false: charged the worst case.
    // listUsd: without prompt caching or the batch discount; savings null when there is nothing to compare.
    cost: {
      usd: job.fromCache ? 0 : (job.costUsd ?? null),
      source: job.fromCache ? 'cache' : (job.costSource ?? 'unknown'),
      usageTrusted: job.usageTrusted !== false,
      listUsd: job.fromCache ? 0 : (job.listCostUsd ?? null),
      savings: savingsJson(job),
    },
    cached: job.fromCache,
    durationMs: job.finishedAt !== undefined && job.startedAt !== undefined ? job.finishedAt - job.startedAt : 0,
    warnings: job.error ? [...job.warnings, job.error.message] : job.warnings,
  };
}

function savingsJson(job: JobRecord): { savedUsd: number; promptCacheUsd: number; batchUsd: number } | null {
  const s = job.fromCache ? undefined : savingsOf(job);
  return s ? { savedUsd: s.savedUsd, promptCacheUsd: s.promptCacheUsd, batchUsd: s.batchUsd } : null;
}

const SEVERITY_TAG: Record<string, string> = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW', info: 'INFO' };

export function jobToText(job: JobRecord): string {
  const out: string[] = [];
  const r = job.result;
  if (r?.summary) out.push(r.summary, '');
  const findings = r?.findings ?? [];
  if (findings.length > 0) {
    out.push(`${findings.length} finding${findings.length === 1 ? '' : 's'}:`, '');
    for (const f of findings) {
      const lines = f.startLine === f.endLine ? `${f.startLine}` : `${f.startLine}-${f.endLine}`;
      out.push(`[${SEVERITY_TAG[f.severity]}] ${job.request.target.filePath}:${lines}  ${f.title}  (${Math.round(f.confidence * 100)}% confidence)`);
      out.push(...f.explanation.split('\n').map((l) => `    ${l}`));
      if (f.suggestedFix !== undefined) out.push('    suggested fix:', ...f.suggestedFix.split('\n').map((l) => `      ${l}`));
      out.push('');
    }
  } else if (r) {
    out.push('No findings.', '');
  }
  const answer = r?.answer ?? job.answer;
  if (answer) out.push(answer.trim(), '');
  if (job.warnings.length) out.push(...job.warnings.map((w) => `note: ${w}`), '');
  return out.join('\n');
}

export function renderJob(job: JobRecord, format: OutputFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(jobToJson(job), null, 2)}\n`;
    case 'markdown':
      return jobToMarkdown(job);
    case 'html':
      return jobToHtml(job);
    case 'text':
      return jobToText(job);
  }
}
