// Secret spans found in a text, and how they become placeholders. Every detector (secretlint,
// our own rules, private key blocks) reports character spans over the same text; they are
// merged and replaced in one linear pass.

export interface SecretSpan {
  /** Offsets into the scanned text, end exclusive. */
  start: number;
  end: number;
  /** A short id such as 'aws-access-key', also used in the placeholder. */
  kind: string;
}

export interface Redaction {
  kind: string;
  /** 1-based line where the secret starts (a file line for code, else a line of the text). */
  line: number;
  /** Last line, when the secret spans several (a private key block). */
  endLine?: number;
  /** Where the secret was, when not in the code: 'instruction', 'diagnostics', or a piece's label. */
  where?: string;
}

export function placeholder(kind: string): string {
  return `[REDACTED:${kind}]`;
}

/** Sorted, non-overlapping spans; overlapping ones are joined under the first one's kind. */
export function mergeSpans(spans: readonly SecretSpan[]): SecretSpan[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: SecretSpan[] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

/** Character offset where each line starts. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The 0-based line holding `offset` (binary search over line starts). */
export function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Replaces each span with its placeholder. A span over several lines puts a placeholder on
 * every line it touches and keeps the line breaks (and any `\r`), so line numbers still match
 * and a fix can never be applied over a redacted line.
 */
export function applySpans(text: string, spans: readonly SecretSpan[], firstLine = 1): { text: string; redactions: Redaction[] } {
  const merged = mergeSpans(spans);
  if (merged.length === 0) return { text, redactions: [] };
  const starts = lineStarts(text);
  const parts: string[] = [];
  const redactions: Redaction[] = [];
  let copied = 0;
  for (const span of merged) {
    parts.push(text.slice(copied, span.start));
    const segments = text.slice(span.start, span.end).split('\n');
    parts.push(segments.map((seg) => placeholder(span.kind) + (seg.endsWith('\r') ? '\r' : '')).join('\n'));
    copied = span.end;
    const first = lineAt(starts, span.start);
    const last = first + segments.length - 1;
    redactions.push(last > first ? { kind: span.kind, line: firstLine + first, endLine: firstLine + last } : { kind: span.kind, line: firstLine + first });
  }
  parts.push(text.slice(copied));
  return { text: parts.join(''), redactions };
}
