// Parses `git diff` output (unified format, git's extended headers) into per-file hunks.
// Never throws: lines it does not understand are skipped, so a strange diff yields fewer
// hunks, not a crash. Paths are repository-relative, as git prints them.

export type FileChangeStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied';

export interface DiffLine {
  kind: 'context' | 'added' | 'removed';
  text: string;
  /** Line number in the old file (context and removed lines). */
  oldLine?: number;
  /** Line number in the new file (context and added lines). */
  newLine?: number;
}

export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
}

export interface FileDiff {
  /** The path before the change (undefined for an added file). */
  oldPath?: string;
  /** The path after the change (undefined for a deleted file). */
  newPath?: string;
  status: FileChangeStatus;
  binary: boolean;
  hunks: DiffHunk[];
}

/** The path a file diff is known by: the new path, or the old one for a deletion. */
export function diffPath(file: FileDiff): string {
  return file.newPath ?? file.oldPath ?? '';
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Undoes git's C-style quoting of paths with unusual characters ("a/t\303\244st.ts"). */
export function unquoteGitPath(raw: string): string {
  if (!raw.startsWith('"') || !raw.endsWith('"') || raw.length < 2) return raw;
  const body = raw.slice(1, -1);
  const bytes: number[] = [];
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = body[i + 1] ?? '';
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else if (next in simple) {
      bytes.push(simple[next]!);
      i += 1;
    } else {
      bytes.push(92);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Strips the a/ or b/ prefix (and /dev/null) from a ---/+++ path. */
function headerPath(raw: string): string | undefined {
  const path = unquoteGitPath(raw.replace(/\t.*$/, '').trim());
  if (path === '/dev/null') return undefined;
  return path.replace(/^[ab]\//, '');
}

/** Paths from `diff --git a/x b/y`; ambiguous when names contain " b/", settled later by ---/+++. */
function gitHeaderPaths(rest: string): { oldPath?: string; newPath?: string } {
  const quoted = /^("(?:[^"\\]|\\.)*")\s+("(?:[^"\\]|\\.)*")$/.exec(rest);
  if (quoted) return { oldPath: headerPath(quoted[1]!), newPath: headerPath(quoted[2]!) };
  const half = (rest.length - 1) / 2;
  // Same path on both sides (the common case): "a/<p> b/<p>".
  if (Number.isInteger(half) && rest.slice(2, half) === rest.slice(half + 3)) return { oldPath: rest.slice(2, half), newPath: rest.slice(half + 3) };
  const split = rest.indexOf(' b/');
  if (split === -1) return {};
  return { oldPath: headerPath(rest.slice(0, split)), newPath: headerPath(rest.slice(split + 1)) };
}

export function parseUnifiedDiff(text: string): FileDiff[] {
  const files: FileDiff[] = [];
  let file: FileDiff | undefined;
  let hunk: DiffHunk | undefined;
  let oldLine = 0;
  let newLine = 0;
  let oldLeft = 0;
  let newLeft = 0;

  const startFile = (init: Partial<FileDiff>): FileDiff => {
    const f: FileDiff = { status: 'modified', binary: false, hunks: [], ...init };
    files.push(f);
    hunk = undefined;
    return f;
  };

  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (hunk && (oldLeft > 0 || newLeft > 0)) {
      const tag = line[0];
      const body = line.slice(1);
      if (tag === ' ' || (line === '' && oldLeft > 0 && newLeft > 0)) {
        hunk.lines.push({ kind: 'context', text: body, oldLine: oldLine++, newLine: newLine++ });
        oldLeft--;
        newLeft--;
        continue;
      }
      if (tag === '-' && oldLeft > 0) {
        hunk.lines.push({ kind: 'removed', text: body, oldLine: oldLine++ });
        oldLeft--;
        continue;
      }
      if (tag === '+' && newLeft > 0) {
        hunk.lines.push({ kind: 'added', text: body, newLine: newLine++ });
        newLeft--;
        continue;
      }
      if (tag === '\\') continue; // "\ No newline at end of file"
      hunk = undefined; // a malformed hunk ends here
    }
    if (line.startsWith('\\')) continue;
    if (line.startsWith('diff --git ')) {
      file = startFile(gitHeaderPaths(line.slice('diff --git '.length)));
      continue;
    }
    const header = HUNK_HEADER.exec(line);
    if (header) {
      if (!file) file = startFile({});
      oldLine = Number(header[1]);
      oldLeft = header[2] === undefined ? 1 : Number(header[2]);
      newLine = Number(header[3]);
      newLeft = header[4] === undefined ? 1 : Number(header[4]);
      hunk = { oldStart: oldLine, oldLines: oldLeft, newStart: newLine, newLines: newLeft, lines: [] };
      file.hunks.push(hunk);
      continue;
    }
    if (line.startsWith('--- ')) {
      // A plain unified diff (no git header) starts a file at its --- line.
      if (!file || file.hunks.length > 0) file = startFile({});
      const p = headerPath(line.slice(4));
      file.oldPath = p;
      if (p === undefined) file.status = 'added';
      continue;
    }
    if (line.startsWith('+++ ') && file) {
      const p = headerPath(line.slice(4));
      file.newPath = p;
      if (p === undefined) file.status = 'deleted';
      continue;
    }
    if (!file) continue;
    if (line.startsWith('new file mode')) {
      file.status = 'added';
      file.oldPath = undefined;
    } else if (line.startsWith('deleted file mode')) {
      file.status = 'deleted';
      file.newPath = undefined;
    } else if (line.startsWith('rename from ')) {
      file.status = 'renamed';
      file.oldPath = unquoteGitPath(line.slice('rename from '.length));
    } else if (line.startsWith('rename to ')) {
      file.status = 'renamed';
      file.newPath = unquoteGitPath(line.slice('rename to '.length));
    } else if (line.startsWith('copy from ')) {
      file.status = 'copied';
      file.oldPath = unquoteGitPath(line.slice('copy from '.length));
    } else if (line.startsWith('copy to ')) {
      file.status = 'copied';
      file.newPath = unquoteGitPath(line.slice('copy to '.length));
    } else if (line.startsWith('Binary files ') || line === 'GIT binary patch') {
      file.binary = true;
    }
  }
  return files;
}

/** A new file with no diff of its own (untracked): every line added. */
export function wholeFileAdded(path: string, text: string): FileDiff {
  const binary = text.slice(0, 8000).includes('\u0000');
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
  const hunks: DiffHunk[] = binary || text === '' ? [] : [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: lines.length, lines: lines.map((l, i) => ({ kind: 'added', text: l, newLine: i + 1 })) }];
  return { newPath: path, status: 'added', binary, hunks };
}
