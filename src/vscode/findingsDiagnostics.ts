// Findings in the editor: a "Deep Review" diagnostic collection at each finding's range, marked
// stale when the file changes after the analysis (and cleared when it is closed).
import * as vscode from 'vscode';
import type { JobRecord } from '../core/job';
import type { FindingSeverity } from '../core/result';
import { FINDINGS_SOURCE } from './capture';
import { findingId } from './panelModel';

const SEVERITY: Record<FindingSeverity, vscode.DiagnosticSeverity> = {
  critical: vscode.DiagnosticSeverity.Error,
  high: vscode.DiagnosticSeverity.Error,
  medium: vscode.DiagnosticSeverity.Warning,
  low: vscode.DiagnosticSeverity.Information,
  info: vscode.DiagnosticSeverity.Hint,
};

/** Which job and finding a diagnostic came from, for the quick fix. */
export interface FindingRef {
  jobId: string;
  findingId: string;
}

export class FindingsDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('deep-review');
  private readonly refs = new WeakMap<vscode.Diagnostic, FindingRef>();
  private readonly stale = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.markStale(e.document.uri);
      }),
    );
  }

  show(uri: vscode.Uri, job: JobRecord): void {
    const findings = job.result?.findings ?? [];
    const diagnostics: vscode.Diagnostic[] = [];
    findings.forEach((f, i) => {
      if (job.dismissedFindings.includes(i)) return;
      const range = new vscode.Range(Math.max(0, f.startLine - 1), 0, Math.max(0, f.endLine - 1), Number.MAX_SAFE_INTEGER);
      const d = new vscode.Diagnostic(range, `${f.title} (${Math.round(f.confidence * 100)}% confidence): ${f.explanation}`, SEVERITY[f.severity]);
      d.source = FINDINGS_SOURCE;
      d.code = f.severity;
      this.refs.set(d, { jobId: job.id, findingId: findingId(i) });
      diagnostics.push(d);
    });
    this.stale.delete(uri.toString());
    this.collection.set(uri, diagnostics);
  }

  refFor(d: vscode.Diagnostic): FindingRef | undefined {
    return this.refs.get(d);
  }

  isStale(uri: vscode.Uri): boolean {
    return this.stale.has(uri.toString());
  }

  /** The file changed: findings may point at the wrong lines now, so say so on each. */
  private markStale(uri: vscode.Uri): void {
    const key = uri.toString();
    const current = this.collection.get(uri);
    if (!current || current.length === 0 || this.stale.has(key)) return;
    this.stale.add(key);
    const marked = current.map((d) => {
      const copy = new vscode.Diagnostic(d.range, `[stale: file changed since the review] ${d.message}`, d.severity);
      copy.source = d.source;
      copy.code = d.code;
      copy.tags = [vscode.DiagnosticTag.Unnecessary];
      const ref = this.refs.get(d);
      if (ref) this.refs.set(copy, ref);
      return copy;
    });
    this.collection.set(uri, marked);
  }

  dispose(): void {
    this.collection.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
