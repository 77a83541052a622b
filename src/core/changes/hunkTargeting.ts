// Which lines of a changed file are "changed", and the review target built from them.
// Changed lines are the new file's added lines. A pure deletion has no line of its own in the
// new file, so the line after the deletion point (or the last line, at the end) stands for it:
// that is where the code now reads differently. The target is the span from the first to the
// last changed line, with `contextLines` of unchanged code around it; findings are kept only
// when they touch a changed line.
import type { Finding } from '../results/result';
import type { DiffHunk, FileDiff } from './unifiedDiff';

export interface LineRange {
  startLine: number;
  endLine: number;
}

/** New-file line ranges changed by the diff, sorted and merged. */
export function changedRanges(file: Pick<FileDiff, 'hunks'>, newLineCount: number): LineRange[] {
  const lines: number[] = [];
  for (const hunk of file.hunks) lines.push(...changedLinesOfHunk(hunk, newLineCount));
  return mergeLines(lines);
}

function changedLinesOfHunk(hunk: DiffHunk, newLineCount: number): number[] {
  const out: number[] = [];
  let nextNew = hunk.newStart;
  let pendingDeletion = false;
  for (const line of hunk.lines) {
    if (line.kind === 'added') {
      out.push(line.newLine ?? nextNew);
      nextNew = (line.newLine ?? nextNew) + 1;
      pendingDeletion = false;
    } else if (line.kind === 'removed') {
      pendingDeletion = true;
    } else {
      if (pendingDeletion) out.push(line.newLine ?? nextNew);
      pendingDeletion = false;
      nextNew = (line.newLine ?? nextNew) + 1;
    }
  }
  // A deletion at the end of the hunk: the next line if the file has one, else the last line.
  if (pendingDeletion && newLineCount > 0) out.push(Math.min(Math.max(1, nextNew), newLineCount));
  return out.filter((n) => n >= 1 && (newLineCount === 0 || n <= newLineCount));
}

function mergeLines(lines: number[]): LineRange[] {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const ranges: LineRange[] = [];
  for (const n of sorted) {
    const last = ranges.at(-1);
    if (last && n === last.endLine + 1) last.endLine = n;
    else ranges.push({ startLine: n, endLine: n });
  }
  return ranges;
}

export interface ChangeTarget {
  startLine: number;
  endLine: number;
  code: string;
  contextBefore: string;
  contextAfter: string;
  changed: LineRange[];
}

/** The target for a changed file's text: first to last changed line, with context around it. */
export function changeTarget(text: string, changed: readonly LineRange[], contextLines: number): ChangeTarget | undefined {
  if (changed.length === 0) return undefined;
  const lines = text.split(/\r?\n/);
  const startLine = Math.max(1, changed[0]!.startLine);
  const endLine = Math.min(lines.length, Math.max(startLine, changed.at(-1)!.endLine));
  const s = startLine - 1;
  const e = endLine - 1;
  return {
    startLine,
    endLine,
    code: lines.slice(s, e + 1).join('\n'),
    contextBefore: lines.slice(Math.max(0, s - contextLines), s).join('\n'),
    contextAfter: lines.slice(e + 1, e + 1 + contextLines).join('\n'),
    changed: changed.map((r) => ({ startLine: Math.max(r.startLine, startLine), endLine: Math.min(r.endLine, endLine) })),
  };
}

export function touchesChangedLines(finding: LineRange, changed: readonly LineRange[]): boolean {
  const a = Math.min(finding.startLine, finding.endLine);
  const b = Math.max(finding.startLine, finding.endLine);
  return changed.some((r) => a <= r.endLine && b >= r.startLine);
}

/** Splits findings into those on changed lines and a count of those dropped (untouched code). */
export function keepFindingsOnChangedLines<F extends Finding>(findings: readonly F[], changed: readonly LineRange[]): { kept: F[]; dropped: number } {
  const kept = findings.filter((f) => touchesChangedLines(f, changed));
  return { kept, dropped: findings.length - kept.length };
}

/** "lines 3–5, 9" for prompts and notices. */
export function describeRanges(ranges: readonly LineRange[]): string {
  const parts = ranges.map((r) => (r.startLine === r.endLine ? `${r.startLine}` : `${r.startLine}–${r.endLine}`));
  return `${ranges.length === 1 && ranges[0]!.startLine === ranges[0]!.endLine ? 'line' : 'lines'} ${parts.join(', ')}`;
}

/** The diff of one file as text for the prompt: hunks with new-file line numbers on kept lines. */
export function describeDiff(file: Pick<FileDiff, 'hunks'>, maxChars: number): string {
  const out: string[] = [];
  let size = 0;
  for (const hunk of file.hunks) {
    const block = [`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`, ...hunk.lines.map((l) => `${l.kind === 'added' ? '+' : l.kind === 'removed' ? '-' : ' '}${l.text}`)].join('\n');
    if (size + block.length > maxChars) {
      out.push(`… (${file.hunks.length - out.length} more hunk(s) not shown)`);
      break;
    }
    out.push(block);
    size += block.length + 1;
  }
  return out.join('\n');
}
