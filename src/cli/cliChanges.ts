// `deep-review review --changes [uncommitted|staged|<ref>]`: reviews a git change set, one
// analysis per changed file, and prints one result grouped by file. Also builds the context
// (guidelines, definitions) that single-file CLI reviews send.
import { realpathSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { BudgetLimits } from '../core/cost/budget';
import { planChangeReview, runChangeReview, type ChangeFileResult, type ChangeSetPlan, type SkippedChangeFile } from '../core/changes/changeReview';
import { pieceLabel, type ContextPiece } from '../core/context/contextPiece';
import { DEFAULT_DEFINITION_LIMITS, calledIdentifiers, searchDefinitions } from '../core/context/definitionSearch';
import { discoverGuidelines } from '../core/context/guidelines';
import { cachingRepoFiles, type RepoFiles } from '../core/context/repoFiles';
import { DEFAULT_CONTEXT_TOKENS, assembleContext, type ReviewContext } from '../core/context/reviewContext';
import { jobToMarkdown } from '../core/jobs/jobReport';
import type { ReviewRequestInput } from '../core/requests/request';
import type { ReviewEngine } from '../core/reviewEngine';
import { GitError, changeSourceFor, gitRepoFiles, parseChangeSpec, readWorkingTree, repositoryRoot } from '../node/git';
import { UsageError, type ReviewCommand } from './cliArgs';
import { jobToJson, jobToText } from './cliOutput';

export interface CliChangesDeps {
  openEngine(): Promise<ReviewEngine>;
  languageOf(path: string): string;
  writeOut(text: string): void;
  budget: BudgetLimits;
  redactSecrets: boolean;
  /** `--batch`: sends the planned set to the batch API instead (cliBatchChanges.ts); returns the exit code. */
  submitLater(engine: ReviewEngine, set: ChangeSetPlan): Promise<number>;
}

/** Context for one target: the guidelines plus definitions of what the code calls, budgeted. */
async function contextForTarget(repo: RepoFiles, guidelines: readonly ContextPiece[], target: { filePath: string; code: string; visibleStart: number; visibleEnd: number }, maxTokens: number, redact: boolean, deadline = Infinity): Promise<ReviewContext> {
  if (maxTokens <= 0) return { pieces: [], tokens: 0, notices: [] };
  const timeMs = Math.min(DEFAULT_DEFINITION_LIMITS.timeMs, deadline - Date.now());
  if (timeMs <= 0) {
    const context = await assembleContext(guidelines, { maxTokens, redact });
    return { ...context, notices: [...context.notices, 'No definitions were searched for: the change set used up its time for context.'] };
  }
  const defs = await searchDefinitions(repo, { identifiers: calledIdentifiers(target.code), exclude: { path: target.filePath, startLine: target.visibleStart, endLine: target.visibleEnd }, nearPath: target.filePath }, { ...DEFAULT_DEFINITION_LIMITS, timeMs });
  return assembleContext([...guidelines, ...defs.pieces], { maxTokens, redact });
}

/** The real path (git reports the repository root with symbolic links resolved). */
function realFile(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function lineCount(text: string): number {
  return text === '' ? 0 : text.split('\n').length;
}

/** The repository's files, or (outside a git repository) just the guideline files of the folder. */
async function repoAt(dir: string): Promise<{ root: string; files: RepoFiles }> {
  try {
    const root = await repositoryRoot(dir);
    return { root, files: gitRepoFiles(root) };
  } catch {
    return { root: dir, files: { list: async () => [], read: (path, maxBytes) => readWorkingTree(dir, path, maxBytes) } };
  }
}

/** The context a single-file or selection review sends (undefined when there is none). */
export async function cliContext(cmd: ReviewCommand, request: ReviewRequestInput, redact: boolean): Promise<{ pieces: ContextPiece[] | undefined; notices: string[] }> {
  const maxTokens = cmd.contextTokens ?? DEFAULT_CONTEXT_TOKENS;
  if (maxTokens <= 0) return { pieces: undefined, notices: [] };
  const { root, files } = await repoAt(process.cwd());
  const t = request.target;
  const filePath = relative(root, realFile(resolve(t.filePath))).split('\\').join('/');
  const guidelines = await discoverGuidelines(files);
  const visibleStart = Math.max(1, t.startLine - lineCount(t.contextBefore ?? ''));
  const visibleEnd = t.endLine + lineCount(t.contextAfter ?? '');
  const context = await contextForTarget(files, guidelines, { filePath, code: t.code, visibleStart, visibleEnd }, maxTokens, redact);
  return { pieces: context.pieces.length > 0 ? context.pieces : undefined, notices: context.notices };
}

export async function reviewChanges(cmd: ReviewCommand, deps: CliChangesDeps): Promise<number> {
  if (cmd.format === 'html') throw new UsageError('--format html is not available with --changes; use text, markdown or json.');
  let root: string;
  let set: ChangeSetPlan;
  let engine: ReviewEngine;
  try {
    root = await repositoryRoot(resolve(cmd.repo ?? process.cwd()));
    const source = await changeSourceFor(root, parseChangeSpec(cmd.changes ?? 'uncommitted'));
    engine = await deps.openEngine();
    const files = cachingRepoFiles(gitRepoFiles(root));
    const guidelines = await discoverGuidelines(files);
    const maxTokens = cmd.contextTokens ?? DEFAULT_CONTEXT_TOKENS;
    set = await planChangeReview(engine, source, {
      instruction: cmd.instruction,
      options: { ...(cmd.tier !== 'auto' ? { forcedTier: cmd.tier } : {}), ...(cmd.noCache ? { noCache: true } : {}) },
      contextLines: cmd.contextLines,
      budget: deps.budget,
      redactSecrets: deps.redactSecrets,
      languageOf: deps.languageOf,
      contextFor: ({ filePath, target, deadline }) =>
        contextForTarget(files, guidelines, { filePath, code: target.code, visibleStart: Math.max(1, target.startLine - lineCount(target.contextBefore)), visibleEnd: target.endLine + lineCount(target.contextAfter) }, maxTokens, deps.redactSecrets, deadline),
    });
  } catch (err) {
    // Not a repository, an unknown ref: the user's input, so a usage error.
    if (err instanceof GitError) throw new UsageError(err.message);
    throw err;
  }
  for (const f of set.files) for (const n of f.plan.notices) process.stderr.write(`note: ${f.filePath}: ${n}\n`);
  for (const s of set.skipped) process.stderr.write(`skipped: ${s.filePath} (${s.skipped})\n`);
  // Checked against the budget at the batch price there.
  if (cmd.batch) return deps.submitLater(engine, set);
  if (!set.budget.allowed) {
    process.stderr.write(`deep-review: ${set.budget.message}\n`);
    return 1;
  }
  if (set.files.length === 0) process.stderr.write(`deep-review: no changed files to review in the ${set.description}.\n`);
  const result = await runChangeReview(engine, set, (p) => p.done > 0 && process.stderr.write(`[${p.done}/${p.total}] ${p.filePath}\n`));
  await engine.flush();
  const failed = result.files.filter((f) => f.status !== 'succeeded');
  for (const f of failed) process.stderr.write(`deep-review: ${f.filePath}: ${f.job.error?.message ?? `the review ended as ${f.status}`}\n`);
  deps.writeOut(render(cmd.format, root, result.description, result.files, result.skipped, set));
  return failed.length > 0 ? 1 : 0;
}

function render(format: ReviewCommand['format'], root: string, description: string, files: ChangeFileResult[], skipped: SkippedChangeFile[], set: ChangeSetPlan): string {
  const contextOf = new Map(set.files.map((f) => [f.filePath, f]));
  const entries = [...files.map((f) => ({ path: f.filePath, f })), ...skipped.map((s) => ({ path: s.filePath, s }))].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const filtered = (f: ChangeFileResult) => ({ ...f.job, result: f.job.result ? { ...f.job.result, findings: f.findings } : undefined });
  if (format === 'json') {
    const out = entries.map((e) => {
      if ('s' in e && e.s) return { filePath: e.path, skipped: e.s.skipped };
      const f = (e as { f: ChangeFileResult }).f;
      const planned = contextOf.get(f.filePath);
      return {
        filePath: f.filePath,
        ...jobToJson(filtered(f)),
        droppedOutsideChange: f.droppedOutsideChange,
        changedLines: planned?.changed ?? [],
        context: (planned?.context.pieces ?? []).map((p) => ({ kind: p.kind, label: pieceLabel(p), symbol: p.symbol ?? null, tokens: p.tokens })),
      };
    });
    return `${JSON.stringify({ repository: root, changes: description, files: out }, null, 2)}\n`;
  }
  const parts: string[] = [];
  for (const e of entries) {
    if ('s' in e && e.s) {
      parts.push(format === 'markdown' ? `## ${e.path}\n\nSkipped: ${e.s.skipped}\n` : `== ${e.path} — skipped: ${e.s.skipped}\n`);
      continue;
    }
    const f = (e as { f: ChangeFileResult }).f;
    const dropped = f.droppedOutsideChange > 0 ? `${f.droppedOutsideChange} finding${f.droppedOutsideChange === 1 ? '' : 's'} on unchanged lines dropped.` : '';
    if (format === 'markdown') parts.push(`${jobToMarkdown(filtered(f))}${dropped ? `\n${dropped}\n` : ''}`);
    else parts.push(`== ${f.filePath}\n${jobToText(filtered(f))}${dropped ? `note: ${dropped}\n` : ''}`);
  }
  return parts.join('\n');
}
