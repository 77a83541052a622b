// Turns what is in the editor (a selection, a file, the Problems) into review requests.
import * as vscode from 'vscode';
import { buildDebugRequest } from '../core/requests/batching';
import { RequestInputError, rangeRequest, wholeFileRequest, type SourceFile } from '../core/requests/rangeRequest';
import type { Diagnostic, DiagnosticSeverity, ReviewRequestInput } from '../core/requests/request';

/** Our own findings are diagnostics too; they must never feed back into a debug request. */
export const FINDINGS_SOURCE = 'Deep Review';

/** The request cannot be made from what is in the editor; the message says what to do. */
export class CaptureError extends Error {}

function sourceOf(doc: vscode.TextDocument): SourceFile {
  return { filePath: displayPath(doc.uri), languageId: doc.languageId, text: doc.getText(), documentUri: doc.uri.toString() };
}

function captured<T>(build: () => T): T {
  try {
    return build();
  } catch (err) {
    throw err instanceof RequestInputError ? new CaptureError(err.message) : err;
  }
}


/** File path as the user knows it: workspace-relative when possible. */
export function displayPath(uri: vscode.Uri): string {
  // With several folders open, keep the folder's name so two files of the same name differ.
  const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  return uri.scheme === 'file' || uri.scheme === 'vscode-remote' ? vscode.workspace.asRelativePath(uri, multiRoot) : uri.toString(true);
}

export function selectionRequest(editor: vscode.TextEditor, contextLines: number, instruction?: string): ReviewRequestInput {
  const sel = editor.selection;
  if (sel.isEmpty) throw new CaptureError('Select the code to review first (or use “Deep Review: Review File”).');
  const start = sel.start.line;
  // A selection ending at column 0 of a line does not include that line.
  const end = sel.end.character === 0 && sel.end.line > start ? sel.end.line - 1 : sel.end.line;
  return captured(() => rangeRequest(sourceOf(editor.document), { startLine: start + 1, endLine: end + 1 }, { contextLines, instruction }));
}

export function fileRequest(doc: vscode.TextDocument, instruction?: string): ReviewRequestInput {
  return captured(() => wholeFileRequest(sourceOf(doc), { instruction }));
}

const SEVERITY: Record<vscode.DiagnosticSeverity, DiagnosticSeverity> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'information',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

export function toCoreDiagnostic(d: vscode.Diagnostic): Diagnostic {
  const code = typeof d.code === 'object' ? d.code.value : d.code;
  return {
    message: d.message,
    severity: SEVERITY[d.severity],
    startLine: d.range.start.line + 1,
    endLine: d.range.end.line + 1,
    startColumn: d.range.start.character + 1,
    endColumn: d.range.end.character + 1,
    source: d.source,
    code,
  };
}

/** The file's problems worth debugging: errors and warnings from anything but ourselves. */
export function problemsOf(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source !== FINDINGS_SOURCE && d.severity <= vscode.DiagnosticSeverity.Warning);
}

export function debugRequest(doc: vscode.TextDocument, diagnostics: readonly vscode.Diagnostic[], contextLines: number, instruction?: string): ReviewRequestInput {
  if (diagnostics.length === 0) throw new CaptureError('There are no problems here to debug.');
  const request = buildDebugRequest({ filePath: displayPath(doc.uri), languageId: doc.languageId, text: doc.getText() }, diagnostics.map(toCoreDiagnostic), { contextLines, instruction });
  return { ...request, target: { ...request.target, documentUri: doc.uri.toString() } };
}

/** Problems on the cursor's line; if none there, the nearest problem within 3 lines. */
export function problemsAtCursor(editor: vscode.TextEditor): vscode.Diagnostic[] {
  const all = problemsOf(editor.document.uri);
  const line = editor.selection.active.line;
  const onLine = all.filter((d) => d.range.start.line <= line && d.range.end.line >= line);
  if (onLine.length > 0) return onLine;
  const near = all
    .map((d) => ({ d, distance: Math.min(Math.abs(d.range.start.line - line), Math.abs(d.range.end.line - line)) }))
    .filter((x) => x.distance <= 3)
    .sort((a, b) => a.distance - b.distance);
  return near.length > 0 ? [near[0]!.d] : [];
}
