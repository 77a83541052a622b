// The change set in the editor, through VS Code's built-in git extension (vscode.git, API 1).
// Only the members used here are declared (the full API is extensions/git/src/api/git.d.ts).
// Per-file diff texts come from the API and are parsed by the same core parser as the CLI's.
import * as vscode from 'vscode';
import type { ChangeSource } from '../core/changes/changeReview';
import { parseUnifiedDiff, wholeFileAdded, type FileChangeStatus, type FileDiff } from '../core/changes/unifiedDiff';
import { cutToBytes, type RepoFiles } from '../core/context/repoFiles';

/** git.d.ts `Status` (the stable first members). */
const enum GitStatus {
  INDEX_MODIFIED = 0,
  INDEX_ADDED = 1,
  INDEX_DELETED = 2,
  INDEX_RENAMED = 3,
  INDEX_COPIED = 4,
  MODIFIED = 5,
  DELETED = 6,
  UNTRACKED = 7,
}

export interface GitChange {
  readonly uri: vscode.Uri;
  readonly originalUri: vscode.Uri;
  readonly renameUri: vscode.Uri | undefined;
  readonly status: number;
}

export interface GitRef {
  readonly type: number;
  readonly name?: string;
  readonly commit?: string;
  readonly remote?: string;
}

export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: {
    readonly HEAD: GitRef | undefined;
    readonly refs: GitRef[];
    readonly workingTreeChanges: GitChange[];
    readonly indexChanges: GitChange[];
    readonly untrackedChanges?: GitChange[];
  };
  show(ref: string, path: string): Promise<string>;
  diffWith(ref: string): Promise<GitChange[]>;
  diffWith(ref: string, path: string): Promise<string>;
  diffIndexWithHEAD(): Promise<GitChange[]>;
  diffIndexWithHEAD(path: string): Promise<string>;
  getMergeBase(ref1: string, ref2: string): Promise<string | undefined>;
}

export interface GitApi {
  readonly repositories: GitRepository[];
}

interface GitExtension {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}

/** The git extension's API, or undefined (with the reason) when git is unavailable. */
export async function gitApi(): Promise<{ api?: GitApi; reason?: string }> {
  const ext = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!ext) return { reason: 'the built-in Git extension is not available' };
  const exports = ext.isActive ? ext.exports : await ext.activate();
  if (!exports.enabled) return { reason: 'Git is disabled (setting git.enabled)' };
  return { api: exports.getAPI(1) };
}

export type ChangeScope = { kind: 'uncommitted' } | { kind: 'staged' } | { kind: 'ref'; ref: string };

function statusOf(change: GitChange): FileChangeStatus {
  switch (change.status) {
    case GitStatus.INDEX_ADDED:
    case GitStatus.UNTRACKED:
      return 'added';
    case GitStatus.INDEX_DELETED:
    case GitStatus.DELETED:
      return 'deleted';
    case GitStatus.INDEX_RENAMED:
      return 'renamed';
    case GitStatus.INDEX_COPIED:
      return 'copied';
    default:
      return 'modified';
  }
}

function relativePath(root: vscode.Uri, uri: vscode.Uri): string {
  const base = root.path.endsWith('/') ? root.path : `${root.path}/`;
  return uri.path.startsWith(base) ? uri.path.slice(base.length) : uri.path;
}

const MAX_READ_BYTES = 4 * 1024 * 1024;

async function readUri(uri: vscode.Uri, maxBytes: number): Promise<string | undefined> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type & vscode.FileType.Directory) return undefined;
    const bytes = await vscode.workspace.fs.readFile(uri);
    return cutToBytes(new TextDecoder('utf-8').decode(bytes.subarray(0, maxBytes + 4)), maxBytes);
  } catch {
    return undefined;
  }
}

/**
 * The change set of a repository. Uncommitted: working tree and index against HEAD, plus
 * untracked files. Staged: the index against HEAD. A ref: the working tree against the merge
 * base of the ref and HEAD (as the CLI does).
 */
export async function gitChangeSource(repo: GitRepository, scope: ChangeScope): Promise<ChangeSource> {
  const root = repo.rootUri;
  let changes: GitChange[];
  let diffOf: (change: GitChange) => Promise<string>;
  let description: string;
  let readNew = (path: string) => readUri(vscode.Uri.joinPath(root, path), MAX_READ_BYTES);
  if (scope.kind === 'staged') {
    changes = await repo.diffIndexWithHEAD();
    diffOf = (c) => repo.diffIndexWithHEAD(c.uri.fsPath);
    description = 'staged changes';
    // A file without unstaged edits reads from disk; otherwise its index blob (`show(':path')`),
    // bounded in time: the git extension may wait for the window's focus before it answers.
    const unstaged = new Set(repo.state.workingTreeChanges.map((c) => relativePath(root, c.uri)));
    readNew = (path) => (unstaged.has(path) ? withTimeout(repo.show('', vscode.Uri.joinPath(root, path).fsPath), 10_000) : readUri(vscode.Uri.joinPath(root, path), MAX_READ_BYTES));
  } else {
    const base = scope.kind === 'ref' ? ((await repo.getMergeBase(scope.ref, 'HEAD').catch(() => undefined)) ?? scope.ref) : 'HEAD';
    changes = await repo.diffWith(base);
    diffOf = (c) => repo.diffWith(base, c.uri.fsPath);
    description = scope.kind === 'ref' ? `changes against ${scope.ref}` : 'uncommitted changes';
    if (scope.kind === 'uncommitted') {
      const seen = new Set(changes.map((c) => c.uri.toString()));
      const untracked = [...(repo.state.untrackedChanges ?? []), ...repo.state.workingTreeChanges.filter((c) => c.status === GitStatus.UNTRACKED)];
      for (const c of untracked) {
        if (seen.has(c.uri.toString())) continue;
        changes.push(c);
        seen.add(c.uri.toString());
      }
    }
  }
  const files: FileDiff[] = [];
  for (const change of changes) {
    const path = relativePath(root, change.uri);
    const status = statusOf(change);
    if (change.status === GitStatus.UNTRACKED) {
      const text = await readNew(path);
      if (text !== undefined) files.push(wholeFileAdded(path, text));
      continue;
    }
    if (status === 'deleted' || status === 'renamed' || status === 'copied') {
      files.push({ oldPath: relativePath(root, change.originalUri), newPath: status === 'deleted' ? undefined : path, status, binary: false, hunks: [] });
      continue;
    }
    const parsed = parseUnifiedDiff(await diffOf(change).catch(() => ''))[0];
    files.push({ oldPath: status === 'added' ? undefined : path, newPath: path, status, binary: parsed?.binary ?? false, hunks: parsed?.hunks ?? [] });
  }
  return { description, files, readNew };
}

/** The promise's value, or undefined when it fails or takes longer than `ms`. */
export function withTimeout<T>(promise: Thenable<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    Promise.resolve(promise).then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}

/** The repository's files for the definition search and guideline discovery. */
export function workspaceRepoFiles(root: vscode.Uri, maxFiles = 5000): RepoFiles {
  let listed: Promise<string[]> | undefined;
  return {
    list: () =>
      (listed ??= Promise.resolve(vscode.workspace.findFiles(new vscode.RelativePattern(root, '**/*'), '{**/node_modules/**,**/.git/**,**/dist/**,**/out/**}', maxFiles)).then((uris) =>
        uris.map((u) => relativePath(root, u)).sort(),
      )),
    read: (path, maxBytes) => readUri(vscode.Uri.joinPath(root, path), maxBytes),
  };
}

/** The repository a command was invoked on: the Source Control view passes its provider. */
export function repositoryFor(api: GitApi, arg: unknown): GitRepository | undefined {
  const rootUri = arg && typeof arg === 'object' && 'rootUri' in arg ? (arg as { rootUri?: unknown }).rootUri : undefined;
  if (rootUri instanceof vscode.Uri) {
    const match = api.repositories.find((r) => r.rootUri.toString() === rootUri.toString());
    if (match) return match;
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active) {
    const containing = api.repositories.filter((r) => active.path.startsWith(`${r.rootUri.path}/`)).sort((a, b) => b.rootUri.path.length - a.rootUri.path.length)[0];
    if (containing) return containing;
  }
  return api.repositories.length === 1 ? api.repositories[0] : undefined;
}

export { relativePath as repoRelativePath };
