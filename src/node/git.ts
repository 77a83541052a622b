// The `git` executable for Review Changes in the CLI: execFile with arguments (never a shell),
// bounded output and time. Finds the change set for "uncommitted", "staged" or a ref, and
// reads files from the working tree or the index.
import { execFile } from 'node:child_process';
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { ChangeSource } from '../core/changes/changeReview';
import { parseUnifiedDiff, wholeFileAdded, type FileDiff } from '../core/changes/unifiedDiff';
import type { RepoFiles } from '../core/context/repoFiles';

const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
const TIMEOUT_MS = 60_000;
/** git's id of the empty tree: the base for a repository without commits. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
/** Options that make diff output the same whatever the user's git configuration. */
const DIFF_FLAGS = ['--no-color', '--no-ext-diff', '--no-textconv', '-M', '--src-prefix=a/', '--dst-prefix=b/'];

export class GitError extends Error {}

export type ChangeSpec = { kind: 'uncommitted' } | { kind: 'staged' } | { kind: 'ref'; ref: string };

export function parseChangeSpec(raw: string): ChangeSpec {
  if (raw === 'uncommitted' || raw === '') return { kind: 'uncommitted' };
  if (raw === 'staged') return { kind: 'staged' };
  return { kind: 'ref', ref: raw };
}

export function git(cwd: string, args: readonly string[], maxBytes = MAX_OUTPUT_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', ['-c', 'core.quotePath=false', ...args], { cwd, maxBuffer: maxBytes, timeout: TIMEOUT_MS, encoding: 'utf8', windowsHide: true }, (err, stdout, stderr) => {
      if (err) {
        const detail = (stderr || err.message).trim().split('\n')[0] ?? '';
        reject(new GitError(`git ${args[0] ?? ''} failed: ${detail}`));
      } else resolve(stdout);
    });
  });
}

/** The repository's top folder for a folder inside it. */
export async function repositoryRoot(dir: string): Promise<string> {
  try {
    return (await git(dir, ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    throw new GitError(`${dir} is not inside a git repository.`);
  }
}

async function hasHead(root: string): Promise<boolean> {
  return git(root, ['rev-parse', '--verify', '--quiet', 'HEAD']).then(
    () => true,
    () => false,
  );
}

/** The commit a ref names; refuses anything that is not a commit-ish (and option-like input). */
async function resolveRef(root: string, ref: string): Promise<string> {
  if (ref.startsWith('-') || /[\s\0]/.test(ref)) throw new GitError(`“${ref}” is not a branch, tag or commit.`);
  try {
    return (await git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])).trim();
  } catch {
    throw new GitError(`“${ref}” is not a branch, tag or commit in this repository.`);
  }
}

/**
 * The change set for a spec. Uncommitted: working tree and index against HEAD, plus untracked
 * files (new files are changes too). Staged: the index against HEAD. A ref: the working tree
 * against the merge base of the ref and HEAD, which is "this branch against main" including
 * work not yet committed.
 */
export async function changeSourceFor(root: string, spec: ChangeSpec): Promise<ChangeSource> {
  const head = (await hasHead(root)) ? 'HEAD' : EMPTY_TREE;
  if (spec.kind === 'staged') {
    const files = parseUnifiedDiff(await git(root, ['diff', '--cached', ...DIFF_FLAGS, head]));
    return { description: 'staged changes', files, readNew: (path) => readIndex(root, path) };
  }
  let base = head;
  let description = 'uncommitted changes';
  if (spec.kind === 'ref') {
    const commit = await resolveRef(root, spec.ref);
    base = head === 'HEAD' ? (await git(root, ['merge-base', commit, 'HEAD']).catch(() => commit)).trim() || commit : commit;
    description = `changes against ${spec.ref}`;
  }
  const files = parseUnifiedDiff(await git(root, ['diff', ...DIFF_FLAGS, base]));
  if (spec.kind === 'uncommitted') files.push(...(await untrackedFiles(root)));
  return { description, files, readNew: (path) => readWorkingTree(root, path, MAX_FILE_READ_BYTES) };
}

const MAX_FILE_READ_BYTES = 4 * 1024 * 1024;

/** Untracked files as added files, every line changed. */
async function untrackedFiles(root: string): Promise<FileDiff[]> {
  const out = await git(root, ['ls-files', '-z', '--others', '--exclude-standard']);
  const files: FileDiff[] = [];
  for (const path of out.split('\0').filter((p) => p !== '')) {
    const text = await readWorkingTree(root, path, MAX_FILE_READ_BYTES);
    if (text === undefined) continue;
    files.push(wholeFileAdded(path, text));
  }
  return files;
}

/** A file's staged content. */
async function readIndex(root: string, path: string): Promise<string | undefined> {
  return git(root, ['show', `:${path}`]).catch(() => undefined);
}

/** Reads up to `maxBytes` of a working-tree file, refusing paths that leave the repository. */
export async function readWorkingTree(root: string, path: string, maxBytes: number): Promise<string | undefined> {
  if (isAbsolute(path)) return undefined;
  const full = join(root, path);
  try {
    const real = await realpath(full);
    const rel = relative(await realpath(root), real);
    if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return undefined;
    const handle = await open(real, 'r');
    try {
      const buffer = Buffer.alloc(maxBytes);
      const { bytesRead } = await handle.read(buffer, 0, maxBytes, 0);
      return buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

/** The repository's files (tracked and untracked, not ignored) for the definition search. */
export function gitRepoFiles(root: string): RepoFiles {
  let listed: Promise<string[]> | undefined;
  return {
    list: () => (listed ??= git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']).then((out) => [...new Set(out.split('\0').filter((p) => p !== ''))])),
    read: (path, maxBytes) => readWorkingTree(root, path, maxBytes),
  };
}
