// Selection → request, stated once: the extension's capture and the CLI both build a review of
// some lines of a file (with context around them), or of the whole file, from the file's text.
import type { RequestKind, ReviewRequestInput } from './request';

/** The file a request is about. `documentUri` lets the editor find it again. */
export interface SourceFile {
  filePath: string;
  languageId: string;
  text: string;
  documentUri?: string;
}

/** A request that cannot be built as asked (empty file, lines outside the file). */
export class RequestInputError extends Error {}

function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/**
 * Lines `startLine`..`endLine` (1-based, inclusive) with up to `contextLines` lines either side.
 * The request's text uses LF whatever the file's line breaks.
 */
export function rangeRequest(
  file: SourceFile,
  range: { startLine: number; endLine: number },
  opts: { contextLines: number; kind?: RequestKind; instruction?: string },
): ReviewRequestInput {
  const lines = splitLines(file.text);
  const { startLine, endLine } = range;
  if (!Number.isInteger(startLine) || !Number.isInteger(endLine) || startLine < 1 || endLine < startLine) {
    throw new RequestInputError(`The line range ${startLine}-${endLine} is not a range of lines.`);
  }
  if (endLine > lines.length) throw new RequestInputError(`${file.filePath} has ${lines.length} lines; the range ends at ${endLine}.`);
  const context = Math.max(0, Math.floor(opts.contextLines));
  const text = (from: number, to: number) => lines.slice(from - 1, to).join('\n');
  return {
    kind: opts.kind ?? 'review',
    target: {
      type: 'selection',
      filePath: file.filePath,
      languageId: file.languageId,
      startLine,
      endLine,
      code: text(startLine, endLine),
      contextBefore: text(Math.max(1, startLine - context), startLine - 1),
      contextAfter: text(endLine + 1, Math.min(lines.length, endLine + context)),
      documentUri: file.documentUri,
    },
    instruction: opts.instruction,
  };
}

/** The whole file; an empty (or blank) file is refused: there is nothing to review. */
export function wholeFileRequest(file: SourceFile, opts: { kind?: RequestKind; instruction?: string } = {}): ReviewRequestInput {
  if (file.text.trim() === '') throw new RequestInputError(`${file.filePath} is empty: there is nothing to review.`);
  return {
    kind: opts.kind ?? 'review',
    target: {
      type: 'file',
      filePath: file.filePath,
      languageId: file.languageId,
      startLine: 1,
      endLine: splitLines(file.text).length,
      code: file.text,
      contextBefore: '',
      contextAfter: '',
      documentUri: file.documentUri,
    },
    instruction: opts.instruction,
  };
}
