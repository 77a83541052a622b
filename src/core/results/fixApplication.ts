// Applying a finding's suggested fix: replace whole lines startLine..endLine. Before replacing,
// the lines must still read as they did when analysed, so a fix never lands on the wrong code.
import { lineRangeSentence } from '../requests/lineRange';
import type { Finding } from './result';
import type { Target } from '../requests/request';

export type FixCheck = { ok: true; replacement: string; startLine: number; endLine: number } | { ok: false; reason: string };

/** The text of lines [start, end] (1-based) as the request captured them, if it has them. */
export function originalLines(target: Target, startLine: number, endLine: number): string | undefined {
  if (startLine < target.startLine || endLine > target.endLine) return undefined;
  const lines = target.code.split(/\r?\n/);
  return lines.slice(startLine - target.startLine, endLine - target.startLine + 1).join('\n');
}

export function checkFix(target: Target, finding: Finding, currentLines: (startLine: number, endLine: number) => string | undefined): FixCheck {
  if (finding.suggestedFix === undefined) return { ok: false, reason: 'This finding has no suggested fix.' };
  const original = originalLines(target, finding.startLine, finding.endLine);
  // The model saw placeholders for redacted secrets: applying would write them into the file.
  if (finding.suggestedFix.includes('[REDACTED') || original?.includes('[REDACTED')) {
    return { ok: false, reason: 'This fix touches a line whose secret was redacted before sending; apply it by hand so the real value is kept.' };
  }
  const now = currentLines(finding.startLine, finding.endLine);
  if (now === undefined) return { ok: false, reason: `${lineRangeSentence(finding.startLine, finding.endLine)} no longer ${finding.startLine === finding.endLine ? 'exists' : 'exist'} in the file.` };
  if (original !== undefined && normalize(original) !== normalize(now)) {
    return { ok: false, reason: `${lineRangeSentence(finding.startLine, finding.endLine)} changed since the review; re-run the review before applying this fix.` };
  }
  return { ok: true, replacement: finding.suggestedFix.replace(/\r\n/g, '\n').replace(/\n$/, ''), startLine: finding.startLine, endLine: finding.endLine };
}

function normalize(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(/[ \t]+$/gm, '');
}

/** The whole text with the lines replaced (for the preview diff). */
export function applyToText(text: string, startLine: number, endLine: number, replacement: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  lines.splice(startLine - 1, endLine - startLine + 1, ...replacement.split('\n'));
  return lines.join(eol);
}
