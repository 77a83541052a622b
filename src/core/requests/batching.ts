// Turns several problems in one file into ONE debug request: problems often share a cause, and
// one call that sees them all is cheaper and better than one call per problem. Nearby problems
// are grouped; the request's code spans from the first group to the last, within a line limit.
import type { Diagnostic, DiagnosticSeverity, ReviewRequest } from './request';

export interface SourceDocument {
  filePath: string;
  languageId: string;
  text: string;
}

export interface DiagnosticGroup {
  startLine: number;
  endLine: number;
  diagnostics: Diagnostic[];
}

/** Which problems a debug request covers, and which did not fit. */
export interface DebugSpan {
  startLine: number;
  endLine: number;
  /** Problems inside the span, sorted by line, duplicates removed. */
  included: Diagnostic[];
  /** Problems dropped to stay within maxLines, sorted by line. */
  leftOut: Diagnostic[];
}

export const DEFAULT_MAX_GAP_LINES = 10;
export const DEFAULT_MAX_DEBUG_LINES = 400;
/** How many left-out problems the instruction lists by name before summarising. */
const MAX_LISTED_LEFT_OUT = 10;

/**
 * Weights that make any error outrank any number of warnings (up to 1,000), and so on down:
 * when not everything fits, the most severe problems are kept.
 */
const SEVERITY_WEIGHT: Record<DiagnosticSeverity, number> = { error: 1_000_000, warning: 1_000, information: 2, hint: 1 };

/**
 * Sorts problems by line, drops exact duplicates and merges ranges that overlap or where the
 * next problem starts at most `maxGapLines` lines after the group ends.
 */
export function groupDiagnostics(diagnostics: readonly Diagnostic[], maxGapLines = DEFAULT_MAX_GAP_LINES): DiagnosticGroup[] {
  const groups: DiagnosticGroup[] = [];
  let current: DiagnosticGroup | undefined;
  for (const d of sortedUnique(diagnostics)) {
    const end = lastLine(d);
    if (current !== undefined && d.startLine - current.endLine <= maxGapLines) {
      current.endLine = Math.max(current.endLine, end);
      current.diagnostics.push(d);
    } else {
      current = { startLine: d.startLine, endLine: end, diagnostics: [d] };
      groups.push(current);
    }
  }
  return groups;
}

/**
 * Chooses the lines one debug request covers: all groups when they fit in `maxLines`;
 * otherwise the contiguous run of groups with the most severe problems that fits (earliest on
 * a tie). A single group longer than `maxLines` is cut to its first `maxLines` lines.
 */
export function planDebugSpan(diagnostics: readonly Diagnostic[], maxLines = DEFAULT_MAX_DEBUG_LINES, maxGapLines = DEFAULT_MAX_GAP_LINES): DebugSpan {
  const groups = groupDiagnostics(diagnostics, maxGapLines);
  const first = groups[0];
  const last = groups[groups.length - 1];
  if (first === undefined || last === undefined) return { startLine: 1, endLine: 1, included: [], leftOut: [] };
  const limit = Math.max(1, Math.floor(maxLines));

  let best = { from: 0, to: 0, weight: -1 };
  if (last.endLine - first.startLine + 1 <= limit) {
    best = { from: 0, to: groups.length - 1, weight: 0 };
  } else {
    // Sliding window over groups: for each end group, the earliest start group that still fits.
    let from = 0;
    let weight = 0;
    const weights = groups.map((g) => g.diagnostics.reduce((sum, d) => sum + SEVERITY_WEIGHT[d.severity], 0));
    for (let to = 0; to < groups.length; to++) {
      weight += weights[to] ?? 0;
      while (from < to && (groups[to]?.endLine ?? 0) - (groups[from]?.startLine ?? 0) + 1 > limit) {
        weight -= weights[from] ?? 0;
        from++;
      }
      if (weight > best.weight) best = { from, to, weight };
    }
  }

  const startLine = groups[best.from]?.startLine ?? first.startLine;
  const endLine = Math.min(groups[best.to]?.endLine ?? last.endLine, startLine + limit - 1);
  const included: Diagnostic[] = [];
  const leftOut: Diagnostic[] = [];
  groups.forEach((group, index) => {
    for (const d of group.diagnostics) {
      // A problem in a kept group stays even when its range was cut, if it starts inside.
      const kept = index >= best.from && index <= best.to && d.startLine <= endLine;
      (kept ? included : leftOut).push(d);
    }
  });
  return { startLine, endLine, included, leftOut };
}

/**
 * One debug request for all of `diagnostics` in `doc`. Lines are 1-based and inclusive; CRLF
 * (and lone CR) line breaks are read as line breaks and the request's text uses LF. The span
 * is clipped to the document, so stale problems past its end cannot point outside it.
 *
 * When not all problems fit in `maxLines` (default 400), the request covers the most severe
 * ones and its instruction ends with a note naming the problems left out, so the model (and
 * the user reading the prompt) knows the list is partial. Use planDebugSpan to show the same
 * information in the UI. Throws when `diagnostics` is empty: there is nothing to debug.
 */
export function buildDebugRequest(
  doc: SourceDocument,
  diagnostics: readonly Diagnostic[],
  opts: { contextLines: number; instruction?: string; maxLines?: number },
): ReviewRequest {
  if (diagnostics.length === 0) throw new Error(`buildDebugRequest: no problems to debug in ${doc.filePath}`);
  const lines = doc.text.split(/\r\n|\r|\n/);
  const span = planDebugSpan(diagnostics, opts.maxLines ?? DEFAULT_MAX_DEBUG_LINES);
  const endLine = clamp(span.endLine, 1, lines.length);
  const startLine = clamp(span.startLine, 1, endLine);
  const contextLines = Math.max(0, Math.floor(opts.contextLines));

  const text = (from: number, to: number): string => lines.slice(from - 1, to).join('\n');
  const note = leftOutNote(span.leftOut, startLine, endLine);
  const instruction = [opts.instruction, note].filter((s): s is string => s !== undefined && s.length > 0).join('\n\n');

  const request: ReviewRequest = {
    kind: 'debug',
    target: {
      type: 'diagnostics',
      filePath: doc.filePath,
      languageId: doc.languageId,
      startLine,
      endLine,
      code: text(startLine, endLine),
      contextBefore: text(Math.max(1, startLine - contextLines), startLine - 1),
      contextAfter: text(endLine + 1, Math.min(lines.length, endLine + contextLines)),
      diagnostics: span.included,
    },
    options: {},
  };
  if (instruction.length > 0) request.instruction = instruction;
  return request;
}

function leftOutNote(leftOut: readonly Diagnostic[], startLine: number, endLine: number): string | undefined {
  const count = leftOut.length;
  if (count === 0) return undefined;
  const listed = leftOut.slice(0, MAX_LISTED_LEFT_OUT).map((d) => `- line ${d.startLine} (${d.severity}): ${d.message}`);
  if (count > MAX_LISTED_LEFT_OUT) listed.push(`- and ${count - MAX_LISTED_LEFT_OUT} more`);
  return [
    `Note: ${count} other ${count === 1 ? 'problem' : 'problems'} in this file ${count === 1 ? 'is' : 'are'} outside lines ${startLine}–${endLine} and not shown:`,
    ...listed,
  ].join('\n');
}

function sortedUnique(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const unique: Diagnostic[] = [];
  for (const d of diagnostics) {
    const key = JSON.stringify([d.startLine, d.endLine, d.startColumn, d.endColumn, d.severity, d.message, d.source, d.code]);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(d);
  }
  return unique.sort((a, b) => a.startLine - b.startLine || lastLine(a) - lastLine(b) || (a.startColumn ?? 0) - (b.startColumn ?? 0));
}

/** End line, tolerating a range reported backwards. */
function lastLine(d: Diagnostic): number {
  return Math.max(d.startLine, d.endLine);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
