// Keeps the `deepReview.activeEditorHasProblems` context key true while the active editor's
// file has errors or warnings, so the debug commands show only where they can work.
import * as vscode from 'vscode';
import { problemsOf } from './capture';

export const HAS_PROBLEMS_KEY = 'deepReview.activeEditorHasProblems';

export function trackActiveEditorProblems(): vscode.Disposable {
  let last: boolean | undefined;
  const update = () => {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const has = uri !== undefined && problemsOf(uri).length > 0;
    if (has === last) return;
    last = has;
    void vscode.commands.executeCommand('setContext', HAS_PROBLEMS_KEY, has);
  };
  update();
  return vscode.Disposable.from(
    vscode.window.onDidChangeActiveTextEditor(update),
    vscode.languages.onDidChangeDiagnostics((e) => {
      const active = vscode.window.activeTextEditor?.document.uri.toString();
      if (active && e.uris.some((u) => u.toString() === active)) update();
    }),
  );
}
