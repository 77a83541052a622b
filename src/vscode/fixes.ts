// Preview a finding's fix in a diff editor, or apply it as one undoable workspace edit.
import * as vscode from 'vscode';
import { applyToText, checkFix } from '../core/results/fixApplication';
import type { JobRecord } from '../core/jobs/job';
import { findingIndex } from '../core/results/findingIdentity';

export const FIX_PREVIEW_SCHEME = 'deep-review-fix';

/** Resolves a job's file path (workspace-relative, absolute, or a URI) to a URI. */
export function uriForPath(filePath: string): vscode.Uri {
  if (/^[a-z][\w+.-]+:\/\//i.test(filePath)) return vscode.Uri.parse(filePath);
  if (filePath.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(filePath)) return vscode.Uri.file(filePath);
  const folders = vscode.workspace.workspaceFolders ?? [];
  const [first, ...rest] = filePath.split('/');
  const named = folders.find((f) => f.name === first);
  if (named && folders.length > 1) return vscode.Uri.joinPath(named.uri, ...rest);
  return folders[0] ? vscode.Uri.joinPath(folders[0].uri, filePath) : vscode.Uri.file(filePath);
}

/** The document a job was about: its own URI when captured in the editor, else its path. */
export function uriForJob(job: Pick<JobRecord, 'request'>): vscode.Uri {
  const t = job.request.target;
  return t.documentUri ? vscode.Uri.parse(t.documentUri) : uriForPath(t.filePath);
}

function findingOf(job: JobRecord, id: string) {
  const i = findingIndex(id);
  const finding = i === undefined ? undefined : job.result?.findings[i];
  if (!finding) throw new Error('That finding no longer exists.');
  return finding;
}

async function checkedFix(job: JobRecord, id: string) {
  const finding = findingOf(job, id);
  const doc = await vscode.workspace.openTextDocument(uriForJob(job));
  const check = checkFix(job.request.target, finding, (s, e) =>
    e <= doc.lineCount && s >= 1 ? doc.getText(new vscode.Range(s - 1, 0, e - 1, doc.lineAt(e - 1).text.length)) : undefined,
  );
  if (!check.ok) throw new Error(check.reason);
  return { doc, check, finding };
}

/** Virtual documents holding "the file with the fix applied", for the diff editor. */
export class FixPreviewProvider implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  async preview(job: JobRecord, id: string): Promise<void> {
    const { doc, check, finding } = await checkedFix(job, id);
    const uri = vscode.Uri.from({ scheme: FIX_PREVIEW_SCHEME, path: doc.uri.path, query: `${job.id}-${id}` });
    this.contents.set(uri.toString(), applyToText(doc.getText(), check.startLine, check.endLine, check.replacement));
    const name = doc.uri.path.split('/').pop() ?? 'file';
    await vscode.commands.executeCommand('vscode.diff', doc.uri, uri, `${name} ↔ fix: ${finding.title}`, { preview: true, selection: new vscode.Range(check.startLine - 1, 0, check.startLine - 1, 0) });
  }
}

/** Replaces the finding's lines; returns false if VS Code refused the edit. Undo reverts it. */
export async function applyFix(job: JobRecord, id: string): Promise<boolean> {
  const { doc, check } = await checkedFix(job, id);
  const edit = new vscode.WorkspaceEdit();
  const range = new vscode.Range(check.startLine - 1, 0, check.endLine - 1, doc.lineAt(check.endLine - 1).text.length);
  const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
  edit.replace(doc.uri, range, check.replacement.split('\n').join(eol), { label: 'Deep Review fix', needsConfirmation: false });
  return vscode.workspace.applyEdit(edit);
}
