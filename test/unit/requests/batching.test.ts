import * as assert from 'node:assert/strict';
import { buildDebugRequest, groupDiagnostics, planDebugSpan, type SourceDocument } from '../../../src/core/requests/batching';
import { reviewRequestSchema, type Diagnostic } from '../../../src/core/requests/request';

function problem(startLine: number, severity: Diagnostic['severity'] = 'error', message = `problem at ${startLine}`, endLine = startLine): Diagnostic {
  return { message, severity, startLine, endLine };
}

/** A document whose line n reads `line n`. */
function numberedDoc(lineCount: number, eol = '\n'): SourceDocument {
  return { filePath: 'src/app.ts', languageId: 'typescript', text: Array.from({ length: lineCount }, (_, i) => `line ${i + 1}`).join(eol) };
}

function target(request: ReturnType<typeof buildDebugRequest>): Extract<ReturnType<typeof buildDebugRequest>['target'], { type: 'diagnostics' }> {
  assert.equal(request.target.type, 'diagnostics');
  if (request.target.type !== 'diagnostics') throw new Error('unreachable');
  return request.target;
}

describe('batching', () => {
  describe('groupDiagnostics', () => {
    it('merges nearby and overlapping problems, sorted by line', () => {
      const groups = groupDiagnostics([problem(30), problem(5), problem(12), problem(40, 'warning', 'long', 44), problem(42)]);
      assert.deepEqual(
        groups.map((g) => [g.startLine, g.endLine, g.diagnostics.map((d) => d.startLine)]),
        [
          [5, 12, [5, 12]],
          [30, 44, [30, 40, 42]],
        ],
      );
    });

    it('splits at gaps larger than maxGapLines', () => {
      assert.equal(groupDiagnostics([problem(1), problem(11)], 10).length, 1);
      assert.equal(groupDiagnostics([problem(1), problem(12)], 10).length, 2);
      assert.equal(groupDiagnostics([problem(1), problem(4)], 2).length, 2);
    });

    it('returns nothing for no problems', () => {
      assert.deepEqual(groupDiagnostics([]), []);
    });
  });

  describe('buildDebugRequest', () => {
    it('makes one debug request covering problems far apart', () => {
      const doc = numberedDoc(200);
      const request = buildDebugRequest(doc, [problem(150, 'warning'), problem(10)], { contextLines: 3, instruction: 'Fix these' });
      const t = target(request);
      assert.equal(request.kind, 'debug');
      assert.equal(request.instruction, 'Fix these');
      assert.equal(t.startLine, 10);
      assert.equal(t.endLine, 150);
      assert.equal(t.code.split('\n').length, 141);
      assert.ok(t.code.startsWith('line 10\n'));
      assert.ok(t.code.endsWith('\nline 150'));
      assert.equal(t.contextBefore, 'line 7\nline 8\nline 9');
      assert.equal(t.contextAfter, 'line 151\nline 152\nline 153');
      assert.deepEqual(t.diagnostics.map((d) => d.startLine), [10, 150]);
      assert.equal(t.filePath, 'src/app.ts');
      assert.equal(t.languageId, 'typescript');
      // The result is a valid request as the rest of the pipeline sees it.
      assert.equal(reviewRequestSchema.safeParse(request).success, true);
    });

    it('drops identical problems but keeps different ones on the same line', () => {
      const request = buildDebugRequest(numberedDoc(20), [problem(5), problem(5), problem(5, 'error', 'another'), { ...problem(5), source: 'eslint' }], { contextLines: 0 });
      assert.equal(target(request).diagnostics.length, 3);
    });

    it('clips context at the start and end of the file', () => {
      const doc = numberedDoc(6);
      const t = target(buildDebugRequest(doc, [problem(2), problem(5)], { contextLines: 10 }));
      assert.equal(t.contextBefore, 'line 1');
      assert.equal(t.contextAfter, 'line 6');
      const whole = target(buildDebugRequest(doc, [problem(1), problem(6)], { contextLines: 10 }));
      assert.equal(whole.contextBefore, '');
      assert.equal(whole.contextAfter, '');
      assert.equal(whole.code, 'line 1\nline 2\nline 3\nline 4\nline 5\nline 6');
    });

    it('reads CRLF documents without stray carriage returns', () => {
      const t = target(buildDebugRequest(numberedDoc(10, '\r\n'), [problem(4), problem(6)], { contextLines: 1 }));
      assert.equal(t.code, 'line 4\nline 5\nline 6');
      assert.equal(t.contextBefore, 'line 3');
      assert.equal(t.contextAfter, 'line 7');
      assert.ok(!t.code.includes('\r'));
    });

    it('clips a stale problem past the end of the document to its last line', () => {
      const t = target(buildDebugRequest(numberedDoc(5), [problem(3), problem(9)], { contextLines: 1 }));
      assert.equal(t.startLine, 3);
      assert.equal(t.endLine, 5);
      assert.equal(t.code, 'line 3\nline 4\nline 5');
    });

    it('keeps the most severe problems within maxLines and names the rest in the instruction', () => {
      const doc = numberedDoc(1_000);
      const diagnostics = [problem(10, 'warning'), problem(20, 'warning'), problem(500, 'error', 'null dereference'), problem(560, 'error'), problem(900, 'hint')];
      const request = buildDebugRequest(doc, diagnostics, { contextLines: 2, maxLines: 100, instruction: 'Why does it crash?' });
      const t = target(request);
      assert.equal(t.startLine, 500);
      assert.equal(t.endLine, 560);
      assert.deepEqual(t.diagnostics.map((d) => d.startLine), [500, 560]);
      assert.equal(
        request.instruction,
        [
          'Why does it crash?',
          '',
          'Note: 3 other problems in this file are outside lines 500–560 and not shown:',
          '- line 10 (warning): problem at 10',
          '- line 20 (warning): problem at 20',
          '- line 900 (hint): problem at 900',
        ].join('\n'),
      );
    });

    it('never exceeds maxLines, even for one long problem', () => {
      const t = target(buildDebugRequest(numberedDoc(1_000), [problem(100, 'error', 'huge', 900), problem(950, 'warning')], { contextLines: 0, maxLines: 50 }));
      assert.equal(t.startLine, 100);
      assert.equal(t.endLine, 149);
      assert.equal(t.code.split('\n').length, 50);
      assert.deepEqual(t.diagnostics.map((d) => d.message), ['huge']);
    });

    it('refuses an empty list of problems', () => {
      assert.throws(() => buildDebugRequest(numberedDoc(3), [], { contextLines: 1 }), /no problems to debug/);
    });
  });

  describe('planDebugSpan', () => {
    it('keeps everything when it fits', () => {
      const span = planDebugSpan([problem(1), problem(399)], 400);
      assert.deepEqual([span.startLine, span.endLine, span.included.length, span.leftOut.length], [1, 399, 2, 0]);
    });

    it('prefers one error over many warnings and the earliest window on a tie', () => {
      const warnings = Array.from({ length: 20 }, (_, i) => problem(i * 3 + 1, 'warning'));
      const span = planDebugSpan([...warnings, problem(300, 'error')], 50);
      assert.equal(span.startLine, 300);
      assert.equal(span.included.length, 1);
      assert.equal(span.leftOut.length, 20);
      const tie = planDebugSpan([problem(10), problem(200)], 50);
      assert.equal(tie.startLine, 10);
    });
  });
});
