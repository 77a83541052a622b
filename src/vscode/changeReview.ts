// "Deep Review: Review Changes" (palette and the Source Control view's title bar): uncommitted,
// staged or against a branch, through VS Code's git extension. One run covers the change set:
// plan every file, check the set's worst case against the budget, then one job per file with
// one progress notification (files done / total); results grouped by file in the panel,
// findings as diagnostics in each file. "Review Changes (Run Later, Half Price)", or that choice in
// the confirmation, sends the whole set to the provider's batch API as one batch instead.
import * as vscode from 'vscode';
import { ChangeSetRefusedError, fileResult, planChangeReview, runChangeReview, type ChangeFileResult, type ChangeSetPlan } from '../core/changes/changeReview';
import { changeSetLaterProblem, laterCostLine, submitChangeReviewLater, type BatchSubmitter, type ChangeSetLaterResult } from '../core/changes/changeReviewLater';
import { contextSentList } from '../core/context/contextPiece';
import { discoverGuidelines } from '../core/context/guidelines';
import { cachingRepoFiles, type RepoFiles } from '../core/context/repoFiles';
import { DEFAULT_CONTEXT_TOKENS, assembleContext } from '../core/context/reviewContext';
import { languageIdForPath } from '../core/requests/languageIds';
import type { ReviewEngine } from '../core/reviewEngine';
import type { PanelChangeSet } from '../protocol/panelMessages';
import { editorDefinitions } from './definitionContext';
import type { FindingsDiagnostics } from './findingsDiagnostics';
import { askModal } from './modalPrompts';
import { gitApi, gitChangeSource, repositoryFor, workspaceRepoFiles, type ChangeScope, type GitRepository } from './gitApi';
import { findingId } from '../core/results/findingIdentity';
import type { DeepReviewSettings } from './settings';

export const REVIEW_CHANGES_COMMAND = 'deepReview.reviewChanges';
export const REVIEW_CHANGES_LATER_COMMAND = 'deepReview.reviewChangesLater';
const RUN_LATER = 'Run Later (Half Price)';

/** Where a change set's results are shown (the results panel). */
export interface ChangeSetView {
  showChangeSet(set: PanelChangeSet, reveal?: boolean): void;
  refreshJobs(): void;
}

export interface ChangeReviewDeps {
  engine: Promise<ReviewEngine>;
  panel(): Promise<ChangeSetView>;
  findings: FindingsDiagnostics;
  log: vscode.LogOutputChannel;
  settings(): DeepReviewSettings;
  /** The batch API (batchJobs.ts), for running the set later at half price. */
  batch?: BatchSubmitter;
}

/** Registers the command; extension.ts calls this once. */
export function registerChangeReview(context: vscode.ExtensionContext, deps: ChangeReviewDeps): vscode.Disposable {
  const register = (command: string, later: boolean) =>
    vscode.commands.registerCommand(command, async (arg?: unknown, scopeArg?: unknown) => {
      try {
        return await reviewChanges(deps, arg, scopeArg, later);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        deps.log.error(`Review Changes failed: ${message}`);
        void vscode.window.showErrorMessage(`Deep Review: ${message}`);
        return undefined;
      }
    });
  const disposable = vscode.Disposable.from(register(REVIEW_CHANGES_COMMAND, false), register(REVIEW_CHANGES_LATER_COMMAND, true));
  context.subscriptions.push(disposable);
  return disposable;
}

/** `scopeArg` ('uncommitted' | 'staged' | a ref) skips the quick pick (tests, keybindings). */
async function pickScope(repo: GitRepository, scopeArg: unknown): Promise<ChangeScope | undefined> {
  if (typeof scopeArg === 'string' && scopeArg !== '') return scopeArg === 'uncommitted' || scopeArg === 'staged' ? { kind: scopeArg } : { kind: 'ref', ref: scopeArg };
  const picked = await vscode.window.showQuickPick(
    [
      { label: '$(edit) Uncommitted changes', detail: 'Working tree and staged changes against HEAD, and new files', scope: 'uncommitted' as const },
      { label: '$(check) Staged changes', detail: 'What the next commit would contain', scope: 'staged' as const },
      { label: '$(git-branch) Against a branch…', detail: 'This branch (and uncommitted work) against a base branch, tag or commit', scope: 'ref' as const },
    ],
    { placeHolder: 'Review which changes?' },
  );
  if (!picked) return undefined;
  if (picked.scope !== 'ref') return { kind: picked.scope };
  const head = repo.state.HEAD?.name;
  const refs = repo.state.refs.filter((r) => r.name && r.name !== head).map((r) => ({ label: r.name!, description: r.remote ? 'remote branch' : r.type === 2 ? 'tag' : 'branch' }));
  const ref = await vscode.window.showQuickPick(refs, { placeHolder: 'Compare against which branch, tag or commit?' });
  return ref ? { kind: 'ref', ref: ref.label } : undefined;
}

async function reviewChanges(deps: ChangeReviewDeps, arg: unknown, scopeArg: unknown, later: boolean): Promise<PanelChangeSet | undefined> {
  const { api, reason } = await gitApi();
  if (!api) throw new Error(`Review Changes needs Git: ${reason}.`);
  let repo = repositoryFor(api, arg);
  if (!repo && api.repositories.length > 1) {
    const picked = await vscode.window.showQuickPick(
      api.repositories.map((r) => ({ label: vscode.workspace.asRelativePath(r.rootUri), repo: r })),
      { placeHolder: 'Review changes in which repository?' },
    );
    repo = picked?.repo;
  }
  if (!repo) {
    if (api.repositories.length === 0) void vscode.window.showInformationMessage('Deep Review: open a folder with a git repository to review its changes.');
    return undefined;
  }
  const scope = await pickScope(repo, scopeArg);
  if (!scope) return undefined;
  const engine = await deps.engine;
  const settings = deps.settings();
  const root = repo.rootUri;
  const files = cachingRepoFiles(workspaceRepoFiles(root));
  const set = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Deep Review: collecting the changes and their context…' }, () => planSet(engine, repo!, scope, files, settings));
  for (const s of set.skipped) deps.log.info(`Review Changes: skipped ${s.filePath} (${s.skipped})`);
  if (set.files.length === 0) {
    void vscode.window.showInformationMessage(`Deep Review: no changed files to review in the ${set.description}${set.skipped.length ? ` (${set.skipped.length} skipped)` : ''}.`);
    (await deps.panel()).showChangeSet(toPanel(set, []));
    return toPanel(set, []);
  }
  // Checked against the budget at the batch price there.
  if (later) return runLater(deps, set);
  if (!set.budget.allowed) {
    deps.log.info(set.budget.message);
    void vscode.window.showErrorMessage(`Deep Review: ${set.budget.message}`, 'Raise Budget').then((c) => {
      if (c) void vscode.commands.executeCommand('workbench.action.openSettings', 'deepReview.budget');
    });
    return undefined;
  }
  if (set.budget.needsConfirmation) {
    const canWait = deps.batch !== undefined && changeSetLaterProblem(set) === undefined;
    const detail = canWait ? 'Run later sends the whole set to the provider’s batch API as one batch at half price; it answers within 24 hours, usually much sooner.' : undefined;
    const choice = await askModal('warning', set.budget.message ?? 'This change set may cost more than your confirmation threshold.', detail, ...(canWait ? ['Send', RUN_LATER] : ['Send']));
    if (choice === RUN_LATER) return runLater(deps, set);
    if (choice !== 'Send') return undefined;
  }
  const panel = await deps.panel();
  panel.showChangeSet(toPanel(set, []));
  const results = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Deep Review: reviewing ${set.description}`, cancellable: true },
    async (progress, token) => {
      progress.report({ message: `0/${set.files.length} files` });
      let jobIds: string[] = [];
      const partial: ChangeFileResult[] = [];
      const cancel = token.onCancellationRequested(() => jobIds.forEach((id) => engine.cancel(id)));
      try {
        return await runChangeReview(engine, set, (p) => {
          jobIds = p.jobIds;
          if (token.isCancellationRequested) jobIds.forEach((id) => engine.cancel(id));
          if (p.done === 0) return;
          progress.report({ message: `${p.done}/${p.total} files · ${p.filePath}`, increment: 100 / p.total });
          const i = set.files.findIndex((f) => f.filePath === p.filePath);
          const job = engine.jobs.get(p.jobIds[i] ?? '');
          if (!job || i < 0) return;
          showFindings(deps, root, job.id);
          // The panel fills in file by file.
          partial.push(fileResult(set.files[i]!, job));
          panel.showChangeSet(toPanel(set, partial), false);
        });
      } finally {
        cancel.dispose();
      }
    },
  );
  for (const f of results.files) showFindings(deps, root, f.jobId);
  const view = toPanel(set, results.files);
  panel.showChangeSet(view, false);
  panel.refreshJobs();
  const total = results.files.reduce((n, f) => n + f.findings.length, 0);
  const failures = results.files.filter((f) => f.status !== 'succeeded');
  const failed = failures.length;
  const firstError = failures.find((f) => f.job.error)?.job.error?.message;
  if (firstError) void vscode.window.showErrorMessage(`Deep Review: ${failures[0]!.filePath}: ${firstError}`);
  void vscode.window
    .showInformationMessage(`Deep Review: reviewed ${results.files.length} changed file${results.files.length === 1 ? '' : 's'}: ${total} finding${total === 1 ? '' : 's'} on changed lines${failed ? `, ${failed} failed` : ''}.`, 'Open Results')
    .then((c) => {
      if (c) panel.showChangeSet(view);
    });
  return view;
}

/** Sends the whole set to the batch API as one batch; the files show as queued until their answers arrive. */
async function runLater(deps: ChangeReviewDeps, set: ChangeSetPlan): Promise<PanelChangeSet | undefined> {
  const problem = changeSetLaterProblem(set);
  if (!deps.batch || problem) {
    void vscode.window.showInformationMessage(`Deep Review: ${problem ?? 'run later is not available.'}`);
    return undefined;
  }
  const engine = await deps.engine;
  let result: ChangeSetLaterResult;
  try {
    result = await submitChangeReviewLater(engine, deps.batch, set, deps.settings().engine.budget);
  } catch (err) {
    if (!(err instanceof ChangeSetRefusedError)) throw err;
    deps.log.info(err.message);
    void vscode.window.showErrorMessage(`Deep Review: ${err.message}`);
    return undefined;
  }
  const byPath = new Map(result.files.map((f) => [f.filePath, f]));
  const base = toPanel(set, []);
  // A cache hit has its answer already; the rest wait at the provider.
  const files = base.files.map((f) => {
    const r = byPath.get(f.filePath);
    return r ? { ...f, jobId: r.jobId, status: r.status === 'submitted' ? ('queued' as const) : r.status } : f;
  });
  const view: PanelChangeSet = { ...base, files };
  const panel = await deps.panel();
  panel.showChangeSet(view, false);
  panel.refreshJobs();
  const failed = result.files.filter((f) => f.status === 'failed');
  if (failed.length > 0) void vscode.window.showErrorMessage(`Deep Review: ${failed[0]!.filePath}: ${failed[0]!.error ?? 'the batch could not be submitted.'}`);
  const batches = [...new Set(result.files.flatMap((f) => (f.batchId ? [f.batchId] : [])))];
  const n = result.files.length - failed.length;
  deps.log.info(`Review Changes (run later): ${n} files of the ${set.description} queued, batch ${batches.join(', ')}`);
  if (n > 0) void vscode.window.showInformationMessage(`Deep Review: ${n} changed file${n === 1 ? '' : 's'} of the ${set.description} queued at half price (${laterCostLine(result)}), batch ${batches.join(', ')}. You will be notified as each finishes.`);
  return view;
}

async function planSet(engine: ReviewEngine, repo: GitRepository, scope: ChangeScope, files: RepoFiles, settings: DeepReviewSettings): Promise<ChangeSetPlan> {
  const source = await gitChangeSource(repo, scope);
  const maxTokens = Math.max(0, vscode.workspace.getConfiguration('deepReview').get<number>('context.maxTokens', DEFAULT_CONTEXT_TOKENS));
  const guidelines = maxTokens > 0 ? await discoverGuidelines(files) : [];
  const root = repo.rootUri;
  return planChangeReview(engine, source, {
    contextLines: settings.contextLines,
    budget: settings.engine.budget,
    redactSecrets: settings.engine.redactSecrets,
    languageOf: (path) => languageOf(path),
    documentUriOf: (path) => vscode.Uri.joinPath(root, path).toString(),
    contextFor: async ({ filePath, target, deadline }) => {
      if (maxTokens <= 0) return { pieces: [], tokens: 0, notices: [] };
      const visibleStart = Math.max(1, target.startLine - (target.contextBefore ? target.contextBefore.split('\n').length : 0));
      const visibleEnd = target.endLine + (target.contextAfter ? target.contextAfter.split('\n').length : 0);
      const uri = vscode.Uri.joinPath(root, filePath);
      const definitions = await editorDefinitions({ uri, filePath, startLine: target.startLine, endLine: target.endLine, code: target.code, visibleStart, visibleEnd }, root, files, deadline);
      return assembleContext([...guidelines, ...definitions], { maxTokens, redact: settings.engine.redactSecrets });
    },
  });
}

function showFindings(deps: ChangeReviewDeps, root: vscode.Uri, jobId: string): void {
  void deps.engine.then((engine) => {
    const job = engine.jobs.get(jobId);
    if (job && job.status === 'succeeded') deps.findings.show(vscode.Uri.joinPath(root, job.request.target.filePath), job);
  });
}

function toPanel(set: ChangeSetPlan, results: readonly ChangeFileResult[]): PanelChangeSet {
  const byPath = new Map(results.map((r) => [r.filePath, r]));
  const reviewed = set.files.map((f) => {
    const r = byPath.get(f.filePath);
    const all = r?.job.result?.findings ?? [];
    return {
      filePath: f.filePath,
      jobId: r?.jobId,
      status: r?.status,
      droppedOutsideChange: r?.droppedOutsideChange,
      findings: (r?.findings ?? []).map((x) => ({ id: findingId(all.indexOf(x)), title: x.title, severity: x.severity, startLine: x.startLine, endLine: x.endLine, hasFix: x.suggestedFix !== undefined })),
      context: contextSentList(f.context.pieces),
    };
  });
  const skipped = set.skipped.map((s) => ({ filePath: s.filePath, skipped: s.skipped, findings: [], context: [] }));
  return { description: set.description, done: results.length, total: set.files.length, files: [...reviewed, ...skipped].sort((a, b) => (a.filePath < b.filePath ? -1 : 1)) };
}

/** The open document's language id, else the one its extension implies. */
function languageOf(path: string): string {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.path.endsWith(`/${path}`));
  return open ? open.languageId : languageIdForPath(path);
}
