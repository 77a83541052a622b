// Exports of one job: Markdown (Copy, Export) and a self-contained HTML report (Export, CLI
// --format html). The HTML is rendered with the shared safe markdown renderer and carries a
// CSP that allows no script and no remote load. Never includes API keys: jobs hold none.
import { escapeHtml, renderSafeMarkdown } from '../../markdown/safeMarkdown';
import { jobTitle, type JobRecord } from './job';
import { formatUsd } from '../cost/money';
import { formatSavings, hasSavings, savingsOf } from '../cost/savings';

const SEVERITY_MARK: Record<string, string> = { critical: '🔴', high: '🟠', medium: '🟡', low: '🔵', info: '⚪' };

function costText(job: JobRecord): string {
  if (job.fromCache) return '$0 (cached)';
  if (job.costUsd === undefined) return '—';
  const cost = job.costUsd === null ? 'unknown (no known price for this model)' : formatUsd(job.costUsd);
  if (job.usageTrusted === false) return `${cost}, the worst case: usage not trusted`;
  const savings = savingsOf(job);
  return hasSavings(savings) ? `${cost}, ${formatSavings(savings)}` : cost;
}

function usageText(job: JobRecord): string {
  const u = job.usage;
  if (!u) return '—';
  const answer = Math.max(0, u.outputTokens - u.reasoningTokens);
  const cache = u.cachedInputTokens || u.cacheWriteTokens ? ` (${u.cachedInputTokens.toLocaleString('en-US')} cache read, ${(u.cacheWriteTokens ?? 0).toLocaleString('en-US')} cache write)` : '';
  return `${u.inputTokens.toLocaleString('en-US')} in${cache} · ${u.reasoningTokens.toLocaleString('en-US')} thinking · ${answer.toLocaleString('en-US')} answer${u.estimated ? ' (estimated)' : ''}`;
}

export function jobToMarkdown(job: JobRecord): string {
  const t = job.request.target;
  const out: string[] = [`# ${jobTitle(job)}`, ''];
  out.push(`- **File:** \`${t.filePath}\`${t.type === 'file' ? '' : ` lines ${t.startLine}–${t.endLine}`}`);
  out.push(`- **Model:** ${job.route.provider} / ${job.route.model} (${job.route.tier} tier)`);
  if (job.route.reasons.length) out.push(`- **Why this model:** ${job.route.reasons.join('; ')}`);
  if (job.route.note) out.push(`- **Note:** ${job.route.note}`);
  out.push(`- **Tokens:** ${usageText(job)}`, `- **Cost:** ${costText(job)}`, `- **Status:** ${job.status}`);
  if (job.error) out.push(`- **Error:** ${job.error.message}`);
  out.push('');
  if (job.result?.summary) out.push('## Summary', '', job.result.summary, '');
  const findings = job.result?.findings ?? [];
  if (findings.length) {
    out.push('## Findings', '');
    findings.forEach((f, i) => {
      if (job.dismissedFindings.includes(i)) return;
      const lines = f.startLine === f.endLine ? `line ${f.startLine}` : `lines ${f.startLine}–${f.endLine}`;
      out.push(`### ${SEVERITY_MARK[f.severity] ?? ''} ${f.title}`, '', `*${f.severity}, ${Math.round(f.confidence * 100)}% confidence, ${lines}*`, '', f.explanation, '');
      if (f.suggestedFix !== undefined) out.push('Suggested fix:', '', fence(f.suggestedFix, t.languageId), '');
    });
  }
  const answer = job.result?.answer ?? job.answer;
  if (answer) out.push('## Answer', '', answer, '');
  if (job.reasoning) out.push('<details><summary>Reasoning</summary>', '', fence(job.reasoning, 'text'), '', '</details>', '');
  if (job.warnings.length) out.push('## Notes', '', ...job.warnings.map((w) => `- ${w}`), '');
  return out.join('\n');
}

/** A fence longer than any backtick run inside, so the content can't close it. */
function fence(text: string, lang: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${text}\n${f}`;
}

export const HTML_REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export function jobToHtml(job: JobRecord): string {
  // The safe renderer escapes raw HTML, so the reasoning's <details> is built here, around the
  // whole trace as escaped preformatted text, rather than passed through as markdown.
  const body = renderSafeMarkdown(jobToMarkdown({ ...job, reasoning: '' }));
  const reasoning = job.reasoning ? `<details open><summary>Reasoning</summary>\n<pre><code>${escapeHtml(job.reasoning)}</code></pre>\n</details>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${HTML_REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(jobTitle(job))} — Deep Review</title>
<style>
body { font: 15px/1.55 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #1f2328; }
pre { background: #f6f8fa; padding: .8rem; overflow-x: auto; border-radius: 6px; white-space: pre-wrap; }
summary { cursor: pointer; font-weight: 600; }
code { font: 13px ui-monospace, monospace; }
h1 { font-size: 1.5rem; } h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
@media (prefers-color-scheme: dark) { body { background: #0d1117; color: #e6edf3; } pre { background: #161b22; } }
</style>
</head>
<body>
${body}
${reasoning}
<footer><p><small>Generated by Deep Review.</small></p></footer>
</body>
</html>
`;
}
