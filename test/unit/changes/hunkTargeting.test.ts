import * as assert from 'node:assert/strict';
import { changeTarget, changedRanges, describeDiff, describeRanges, keepFindingsOnChangedLines } from '../../../src/core/changes/hunkTargeting';
import { skipReasonFromContent, skipReasonFromDiff, DEFAULT_CHANGE_FILE_LIMITS } from '../../../src/core/changes/skipReasons';
import { parseUnifiedDiff, unquoteGitPath, wholeFileAdded } from '../../../src/core/changes/unifiedDiff';
import type { Finding } from '../../../src/core/results/result';

const GIT_DIFF = [
  'diff --git a/src/cart.ts b/src/cart.ts',
  'index 1111111..2222222 100644',
  '--- a/src/cart.ts',
  '+++ b/src/cart.ts',
  '@@ -2,4 +2,5 @@ export function total(items) {',
  '   let sum = 0;',
  '-  for (const i of items) sum += i.price;',
  '+  for (const i of items) {',
  '+    sum += i.price * i.qty;',
  '+  }',
  '   return sum;',
  '@@ -20,3 +21,2 @@ function other() {',
  '   a();',
  '-  b();',
  '   c();',
  'diff --git a/gone.ts b/gone.ts',
  'deleted file mode 100644',
  'index 3333333..0000000',
  '--- a/gone.ts',
  '+++ /dev/null',
  '@@ -1,2 +0,0 @@',
  '-one',
  '-two',
  'diff --git a/new file.ts b/new file.ts',
  'new file mode 100644',
  '--- /dev/null',
  '+++ b/new file.ts',
  '@@ -0,0 +1,2 @@',
  '+first',
  '+second',
  '\\ No newline at end of file',
  'diff --git a/old.ts b/moved.ts',
  'similarity index 100%',
  'rename from old.ts',
  'rename to moved.ts',
  'diff --git a/logo.png b/logo.png',
  'Binary files a/logo.png and b/logo.png differ',
  '',
].join('\n');

function finding(startLine: number, endLine = startLine): Finding {
  return { title: `at ${startLine}`, severity: 'medium', confidence: 0.5, startLine, endLine, explanation: '' };
}

describe('unified diff parsing', () => {
  const files = parseUnifiedDiff(GIT_DIFF);

  it('splits per file with status, paths and hunks', () => {
    assert.deepEqual(
      files.map((f) => [f.status, f.oldPath, f.newPath, f.binary, f.hunks.length]),
      [
        ['modified', 'src/cart.ts', 'src/cart.ts', false, 2],
        ['deleted', 'gone.ts', undefined, false, 1],
        ['added', undefined, 'new file.ts', false, 1],
        ['renamed', 'old.ts', 'moved.ts', false, 0],
        ['modified', 'logo.png', 'logo.png', true, 0],
      ],
    );
  });

  it('numbers hunk lines in the old and the new file', () => {
    const h = files[0]!.hunks[0]!;
    assert.deepEqual(
      h.lines.map((l) => [l.kind, l.oldLine ?? null, l.newLine ?? null]),
      [
        ['context', 2, 2],
        ['removed', 3, null],
        ['added', null, 3],
        ['added', null, 4],
        ['added', null, 5],
        ['context', 4, 6],
      ],
    );
    assert.equal(files[2]!.hunks[0]!.lines.length, 2, 'the "no newline" marker is not a line');
  });

  it('unquotes git-quoted paths and survives garbage', () => {
    assert.equal(unquoteGitPath('"t\\303\\244st \\"q\\".ts"'), 'täst "q".ts');
    assert.deepEqual(parseUnifiedDiff('not a diff\n@@ broken @@\n+x'), []);
    const cut = parseUnifiedDiff('diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n-b');
    assert.equal(cut[0]!.hunks[0]!.lines.length, 2, 'a diff cut off mid-hunk keeps what it has');
  });
});

describe('hunk targeting', () => {
  const files = parseUnifiedDiff(GIT_DIFF);

  it('changed lines are the added lines, and a pure deletion marks the line after it', () => {
    assert.deepEqual(changedRanges(files[0]!, 30), [
      { startLine: 3, endLine: 5 },
      { startLine: 22, endLine: 22 },
    ]);
    assert.deepEqual(changedRanges(files[2]!, 2), [{ startLine: 1, endLine: 2 }]);
  });

  it('a deletion at the end of the file marks the last line', () => {
    const [f] = parseUnifiedDiff('--- a/x\n+++ b/x\n@@ -3,2 +3,1 @@\n keep\n-dropped\n');
    assert.deepEqual(changedRanges(f!, 3), [{ startLine: 3, endLine: 3 }]);
  });

  it('the target spans first to last changed line, with context lines around it', () => {
    const text = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n');
    const t = changeTarget(text, changedRanges(files[0]!, 30), 2)!;
    assert.equal(t.startLine, 3);
    assert.equal(t.endLine, 22);
    assert.equal(t.code.split('\n')[0], 'line 3');
    assert.equal(t.code.split('\n').at(-1), 'line 22');
    assert.equal(t.contextBefore, 'line 1\nline 2');
    assert.equal(t.contextAfter, 'line 23\nline 24');
    assert.equal(changeTarget(text, [], 2), undefined);
  });

  it('keeps findings touching a changed line and counts the dropped ones', () => {
    const changed = [
      { startLine: 3, endLine: 5 },
      { startLine: 22, endLine: 22 },
    ];
    const { kept, dropped } = keepFindingsOnChangedLines([finding(4), finding(10), finding(1, 3), finding(20, 21), finding(22), finding(6, 21)], changed);
    assert.deepEqual(
      kept.map((f) => f.title),
      ['at 4', 'at 1', 'at 22'],
    );
    assert.equal(dropped, 3);
  });

  it('describes ranges and the diff for the prompt, bounded', () => {
    assert.equal(describeRanges([{ startLine: 3, endLine: 5 }, { startLine: 9, endLine: 9 }]), 'lines 3–5, 9');
    assert.equal(describeRanges([{ startLine: 9, endLine: 9 }]), 'line 9');
    const full = describeDiff(files[0]!, 10_000);
    assert.match(full, /^@@ -2,4 \+2,5 @@\n {3}let sum = 0;\n- {2}for \(const i of items\) sum \+= i\.price;\n\+/);
    const short = describeDiff(files[0]!, 150);
    assert.match(short, /1 more hunk\(s\) not shown/);
  });
});

describe('skipped files', () => {
  const files = parseUnifiedDiff(GIT_DIFF);

  it('gives a reason for deleted, renamed and binary files', () => {
    assert.deepEqual(
      files.map((f) => skipReasonFromDiff(f) ?? null),
      [null, 'deleted', null, 'renamed from old.ts without changes', 'binary'],
    );
    assert.equal(skipReasonFromDiff(wholeFileAdded('empty.ts', '')), 'empty file');
    assert.equal(skipReasonFromDiff(parseUnifiedDiff('diff --git a/x.sh b/x.sh\nold mode 100644\nnew mode 100755\n')[0]!), 'no changed lines (mode change only)');
  });

  it('skips oversized files and oversized change spans, and content with NUL bytes', () => {
    const limits = DEFAULT_CHANGE_FILE_LIMITS;
    assert.match(skipReasonFromContent('x', limits.maxFileBytes + 1, 1, limits)!, /^too large \(257 KB, limit 256 KB\)$/);
    assert.match(skipReasonFromContent('x', 10, limits.maxTargetLines + 1, limits)!, /^too large a change/);
    assert.equal(skipReasonFromContent('a\u0000b', 3, 1, limits), 'binary');
    assert.equal(skipReasonFromContent('fine', 4, 1, limits), undefined);
  });
});
