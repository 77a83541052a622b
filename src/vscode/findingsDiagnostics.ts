// Findings in the editor: a "Deep Review" diagnostic collection at each finding's range. Reviews
// of different parts of a file add up: a new review replaces only earlier findings on the lines
// it covered, and an answer without structured findings replaces none. When the file changes
// after the analysis its findings say they are stale (in words: the Unnecessary tag would grey
// real code out as if it were unused).
import * as vscode from 'vscode';
import { findingId } from '../core/results/findingIdentity';
import type { JobRecord } from '../core/jobs/job';
import type { FindingSeverity } from '../core/results/result';
import { FINDINGS_SOURCE } from './capture';

const SEVERITY: Record<FindingSeverity, vscode.DiagnosticSeverity> = {
  critical: vscode.DiagnosticSeverity.Error,
  high: vscode.DiagnosticSeverity.Error,
  medium: vscode.DiagnosticSeverity.Warning,
  low: vscode.DiagnosticSeverity.Information,
  info: vscode.DiagnosticSeverity.Hint,
};

export const STALE_PREFIX = '[stale: file changed since the review] ';

/** Which job and finding a diagnostic came from, for the quick fix. */
export interface FindingRef {
  jobId: string;
  findingId: string;
}

interface Entry {
  ref: FindingRef;
  startLine: number;
  endLine: number;
  diagnostic: vscode.Diagnostic;
}

export class FindingsDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('deep-review');
  private readonly entries = new Map<string, Entry[]>();
  private readonly refs = new WeakMap<vscode.Diagnostic, FindingRef>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.markStale(e.document.uri);
      }),
    );
  }

  show(uri: vscode.Uri, job: JobRecord): void {
    // Text without structured findings says nothing about which lines are fine: keep what is shown.
    if (job.structured === false) return;
    const key = uri.toString();
    const t = job.request.target;
    const covered = t.type === 'file' ? { start: 1, end: Number.MAX_SAFE_INTEGER } : { start: t.startLine, end: t.endLine };
    const kept = (this.entries.get(key) ?? []).filter((e) => e.ref.jobId !== job.id && (e.endLine < covered.start || e.startLine > covered.end));
    const added: Entry[] = [];
    (job.result?.findings ?? []).forEach((f, i) => {
      if (job.dismissedFindings.includes(i)) return;
      const range = new vscode.Range(Math.max(0, f.startLine - 1), 0, Math.max(0, f.endLine - 1), Number.MAX_SAFE_INTEGER);
      const d = new vscode.Diagnostic(range, `${f.title} (${Math.round(f.confidence * 100)}% confidence): ${f.explanation}`, SEVERITY[f.severity]);
      d.source = FINDINGS_SOURCE;
      d.code = f.severity;
      const ref = { jobId: job.id, findingId: findingId(i) };
      this.refs.set(d, ref);
      added.push({ ref, startLine: f.startLine, endLine: f.endLine, diagnostic: d });
    });
    this.set(key, uri, [...kept, ...added]);
  }

  refFor(d: vscode.Diagnostic): FindingRef | undefined {
    return this.refs.get(d);
  }

  isStale(uri: vscode.Uri): boolean {
    return (this.entries.get(uri.toString()) ?? []).some((e) => e.diagnostic.message.startsWith(STALE_PREFIX));
  }

  private set(key: string, uri: vscode.Uri, entries: Entry[]): void {
    this.entries.set(key, entries);
    this.collection.set(uri, entries.map((e) => e.diagnostic));
  }

  /** The file changed: findings may point at the wrong lines now, so each says so. */
  private markStale(uri: vscode.Uri): void {
    const key = uri.toString();
    const current = this.entries.get(key);
    if (!current || current.every((e) => e.diagnostic.message.startsWith(STALE_PREFIX))) return;
    const marked = current.map((e) => {
      if (e.diagnostic.message.startsWith(STALE_PREFIX)) return e;
      const d = e.diagnostic;
      const copy = new vscode.Diagnostic(d.range, `${STALE_PREFIX}${d.message}`, d.severity);
      copy.source = d.source;
      copy.code = d.code;
      this.refs.set(copy, e.ref);
      return { ...e, diagnostic: copy };
    });
    this.set(key, uri, marked);
  }

  dispose(): void {
    this.collection.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
