// Code actions: "Debug with Deep Review" on problems, "Apply/Preview Deep Review fix" on our own
// findings, and "Deep Review selection" on a selection.
import * as vscode from 'vscode';
import { FINDINGS_SOURCE } from './capture';
import type { FindingsDiagnostics } from './findingsDiagnostics';

export const REVIEW_SELECTION_KIND = vscode.CodeActionKind.RefactorRewrite.append('deepReview');

export class DeepReviewCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, REVIEW_SELECTION_KIND],
  };

  constructor(
    private readonly findings: FindingsDiagnostics,
    private readonly hasFix: (jobId: string, findingId: string) => boolean,
  ) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const problems = context.diagnostics.filter((d) => d.source !== FINDINGS_SOURCE && d.severity <= vscode.DiagnosticSeverity.Warning);
    if (problems.length > 0) {
      const action = new vscode.CodeAction('Debug with Deep Review', vscode.CodeActionKind.QuickFix);
      action.diagnostics = problems;
      action.command = { command: 'deepReview.internal.debugDiagnostics', title: 'Debug with Deep Review', arguments: [doc.uri, problems] };
      actions.push(action);
    }
    for (const d of context.diagnostics.filter((x) => x.source === FINDINGS_SOURCE)) {
      const ref = this.findings.refFor(d);
      if (!ref || !this.hasFix(ref.jobId, ref.findingId)) continue;
      const apply = new vscode.CodeAction('Apply Deep Review fix', vscode.CodeActionKind.QuickFix);
      apply.diagnostics = [d];
      apply.isPreferred = true;
      apply.command = { command: 'deepReview.internal.applyFix', title: 'Apply Deep Review fix', arguments: [ref.jobId, ref.findingId] };
      const preview = new vscode.CodeAction('Preview Deep Review fix', vscode.CodeActionKind.QuickFix);
      preview.diagnostics = [d];
      preview.command = { command: 'deepReview.internal.previewFix', title: 'Preview Deep Review fix', arguments: [ref.jobId, ref.findingId] };
      actions.push(apply, preview);
    }
    if (!range.isEmpty) {
      const review = new vscode.CodeAction('Deep Review selection', REVIEW_SELECTION_KIND);
      review.command = { command: 'deepReview.reviewSelection', title: 'Deep Review selection' };
      actions.push(review);
    }
    return actions;
  }
}
