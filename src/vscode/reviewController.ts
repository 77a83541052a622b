// Runs reviews for the editor: the entry points (selection, file, problems, re-runs) and the run
// itself: capture → resolve provider → plan → preflight → background job with progress. It
// announces starts and ends as events; the panel, the findings and the notifications listen.
import { promptText } from '../core/prompts/prompts';
import * as vscode from 'vscode';
import type { JobRecord } from '../core/jobs/job';
import type { ReviewEngine, ReviewPlan } from '../core/reviewEngine';
import type { ReviewRequestInput } from '../core/requests/request';
import type { ApiKeys } from './apiKeys';
import { CaptureError, debugRequest, fileRequest, problemsAtCursor, problemsOf, selectionRequest } from './capture';
import { uriForJob } from './fixes';
import { pickJob } from './jobPicker';
import { withEditorContext } from './definitionContext';
import { showJobProgress } from './jobProgress';
import { preflight } from './preflight';
import type { ProviderResolver } from './providerResolution';
import type { DeepReviewSettings } from './settings';

export interface ReviewControllerDeps {
  engine: ReviewEngine;
  providers: ProviderResolver;
  keys: ApiKeys;
  log: vscode.LogOutputChannel;
  settings: () => DeepReviewSettings;
  /** Sends a confirmed plan to the provider's batch API ("Run Later (Half Price)"); returns the job id. */
  runLater?: (plan: ReviewPlan) => Promise<string | undefined>;
}

export interface JobStarted {
  jobId: string;
  fromCache: boolean;
}

export class ReviewController implements vscode.Disposable {
  private readonly started = new vscode.EventEmitter<JobStarted>();
  private readonly finished = new vscode.EventEmitter<JobRecord>();
  /** A job this window started: just queued, joined, or answered from the cache. */
  readonly onDidStart = this.started.event;
  /** A job this window started has ended (any outcome). */
  readonly onDidFinish = this.finished.event;

  constructor(private readonly deps: ReviewControllerDeps) {}

  // ---- entry points -------------------------------------------------------------------

  async reviewSelection(): Promise<string | undefined> {
    const editor = activeEditor();
    return this.submit(() => selectionRequest(editor, this.deps.settings().contextLines), editor.document, true);
  }

  async reviewFile(uri?: vscode.Uri): Promise<string | undefined> {
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : activeEditor().document;
    return this.submit(() => fileRequest(doc), doc, true);
  }

  async debugProblemsAtCursor(): Promise<string | undefined> {
    const editor = activeEditor();
    const problems = problemsAtCursor(editor);
    if (problems.length === 0) {
      void vscode.window.showInformationMessage('Deep Review: there is no problem at the cursor. Use “Debug Problems in File” for all of them.');
      return undefined;
    }
    return this.submit(() => debugRequest(editor.document, problems, this.deps.settings().contextLines), editor.document);
  }

  /** All problems of a file in one request. `diagnostics` narrows it (the quick fix passes its own). */
  async debugProblemsInFile(uri?: vscode.Uri, diagnostics?: readonly vscode.Diagnostic[]): Promise<string | undefined> {
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : activeEditor().document;
    const problems = diagnostics && diagnostics.length > 0 ? diagnostics : problemsOf(doc.uri);
    return this.submit(() => debugRequest(doc, problems, this.deps.settings().contextLines), doc);
  }

  /** Escalate: the next tier up (fast → capable → reasoning). */
  async escalate(jobId: string): Promise<string | undefined> {
    const job = this.deps.engine.jobs.get(jobId);
    if (!job) return undefined;
    const doc = await openDoc(job);
    return this.run(() => this.deps.engine.planEscalation(jobId, doc?.getText(), job.route.tier === 'fast' ? 'capable' : 'reasoning'), doc);
  }

  async rerunWithExtendedThinking(jobId?: string): Promise<string | undefined> {
    const id = jobId ?? (await pickJob(this.deps.engine, 'Re-run which job with extended thinking?', (j) => j.route.tier !== 'reasoning' && j.status !== 'running' && j.status !== 'queued'));
    const job = id ? this.deps.engine.jobs.get(id) : undefined;
    if (!job) return undefined;
    const doc = await openDoc(job);
    return this.run(() => this.deps.engine.planEscalation(job.id, doc?.getText(), 'reasoning'), doc);
  }

  async retry(jobId: string): Promise<string | undefined> {
    const job = this.deps.engine.jobs.get(jobId);
    if (!job) return undefined;
    const doc = await openDoc(job);
    return this.run(() => this.deps.engine.planRerun(jobId, doc?.getText()), doc);
  }

  async cancelJob(jobId?: string): Promise<void> {
    const id = jobId ?? (await pickJob(this.deps.engine, 'Cancel which job?', (j) => j.status === 'running' || j.status === 'queued'));
    if (id) this.deps.engine.cancel(id);
  }

  // ---- the run ------------------------------------------------------------------------

  private async submit(capture: () => ReviewRequestInput, doc: vscode.TextDocument, offerForLongWaits = false): Promise<string | undefined> {
    let request: ReviewRequestInput;
    try {
      request = capture();
    } catch (err) {
      if (!(err instanceof CaptureError)) throw err;
      void vscode.window.showInformationMessage(`Deep Review: ${err.message}`);
      return undefined;
    }
    return this.run(async () => this.deps.engine.plan(await withEditorContext(request, doc, this.deps.settings().engine.redactSecrets), doc.getText()), doc, offerForLongWaits);
  }

  private async run(makePlan: () => Promise<ReviewPlan>, doc: vscode.TextDocument | undefined, offerForLongWaits = false): Promise<string | undefined> {
    const { engine, log } = this.deps;
    if (!(await this.deps.providers.resolve())) return undefined;
    const plan = await makePlan();
    const limits = this.deps.settings().engine.budget;
    const offer = { canRunLater: this.deps.runLater !== undefined, offerForLongWaits, confirmAboveUsd: limits.confirmAboveUsd, budget: { spent: engine.committedSpend(), limits } };
    const choice = await preflight(plan, engine.tierSpecs(), this.deps.keys, log, offer);
    if (choice === undefined) return undefined;
    if (choice === 'later') return this.deps.runLater?.(plan);
    const started = engine.start(plan);
    const { jobId } = started;
    for (const notice of plan.notices) log.info(notice);
    // Code goes to the log only at trace level, which the user must choose.
    log.trace(`Job ${jobId} prompt:\n${promptText(plan.prompt)}`);
    log.info(`Job ${jobId}: ${started.fromCache ? 'cache hit' : started.joined ? 'joined a running identical job' : 'queued'} · ${plan.route.tier} ${plan.route.model.provider}/${plan.route.model.model} · ${plan.route.reasons.join('; ')}`);
    if (plan.notices.length) void vscode.window.showInformationMessage(`Deep Review: ${plan.notices.join(' ')}`);
    this.started.fire({ jobId, fromCache: started.fromCache });
    if (started.joined) return jobId;
    const done = started.fromCache ? engine.jobs.whenDone(jobId) : showJobProgress(engine, jobId);
    void Promise.resolve(done).then(
      (job) => this.ended(job),
      (err: unknown) => log.error(`Job ${jobId} failed: ${err instanceof Error ? err.message : String(err)}`),
    );
    return jobId;
  }

  private ended(job: JobRecord): void {
    const u = job.usage;
    this.deps.log.info(
      `Job ${job.id} ${job.status} in ${job.finishedAt && job.startedAt ? job.finishedAt - job.startedAt : 0} ms` +
        (u ? ` · ${u.inputTokens} in / ${u.reasoningTokens} thinking / ${Math.max(0, u.outputTokens - u.reasoningTokens)} answer tokens` : '') +
        (job.retries ? ` · ${job.retries} retries` : '') +
        (job.costUsd !== undefined ? ` · cost ${job.costUsd === null ? 'unknown' : `$${job.costUsd.toFixed(4)}`}` : ''),
    );
    if (job.error) this.deps.log.warn(`Job ${job.id}: ${job.error.kind}: ${job.error.message}`);
    this.finished.fire(job);
  }

  dispose(): void {
    this.started.dispose();
    this.finished.dispose();
  }
}

function activeEditor(): vscode.TextEditor {
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new Error('Open a file in the editor first.');
  return editor;
}

async function openDoc(job: JobRecord): Promise<vscode.TextDocument | undefined> {
  try {
    return await vscode.workspace.openTextDocument(uriForJob(job));
  } catch {
    return undefined;
  }
}
