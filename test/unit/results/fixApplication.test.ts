import * as assert from 'node:assert/strict';
import { applyToText, checkFix } from '../../../src/core/results/fixApplication';
import type { Finding } from '../../../src/core/results/result';
import type { Target } from '../../../src/core/requests/request';

const target: Target = { type: 'selection', filePath: 'a.ts', languageId: 'typescript', startLine: 3, endLine: 5, code: 'a\n  for (i <= n)\nc', contextBefore: '', contextAfter: '' };
const finding: Finding = { title: 'off by one', severity: 'high', confidence: 0.9, startLine: 4, endLine: 4, explanation: 'x', suggestedFix: '  for (i < n)\n' };
const file = ['l1', 'l2', 'a', '  for (i <= n)', 'c', 'l6'];
const lines = (f: string[]) => (s: number, e: number) => (e <= f.length ? f.slice(s - 1, e).join('\n') : undefined);

describe('fix application', () => {
  it('accepts a fix whose lines are unchanged and applies it to the text', () => {
    const check = checkFix(target, finding, lines(file));
    assert.deepEqual(check, { ok: true, replacement: '  for (i < n)', startLine: 4, endLine: 4 });
    assert.equal(applyToText(file.join('\n'), 4, 4, '  for (i < n)'), 'l1\nl2\na\n  for (i < n)\nc\nl6');
  });

  it('refuses when the lines changed since the review, or are gone', () => {
    const edited = [...file];
    edited[3] = '  for (j <= m)';
    const changed = checkFix(target, finding, lines(edited));
    assert.equal(changed.ok, false);
    assert.match(changed.ok ? '' : changed.reason, /changed since the review/);
    const gone = checkFix(target, { ...finding, startLine: 9, endLine: 9 }, lines(file));
    assert.equal(gone.ok, false);
  });

  it('keeps CRLF line endings and can replace several lines with fewer', () => {
    assert.equal(applyToText('a\r\nb\r\nc\r\nd', 2, 3, 'x'), 'a\r\nx\r\nd');
  });

  it('refuses a finding without a fix', () => {
    const { suggestedFix: _unused, ...noFix } = finding;
    assert.equal(checkFix(target, noFix, lines(file)).ok, false);
  });
});

describe('fix application with redacted secrets', () => {
  it('refuses a fix on a line whose secret was redacted, so the real value is never overwritten', () => {
    const redacted: Target = { ...target, code: 'a\n  const key = "[REDACTED:aws-access-key]";\nc' };
    const f: Finding = { ...finding, suggestedFix: '  const key = process.env.KEY;' };
    const check = checkFix(redacted, f, () => '  const key = "AKIAIOSFODNN7EXAMPLE";');
    assert.equal(check.ok, false);
    assert.match(check.ok ? '' : check.reason, /redacted/);
    const echoes = checkFix(target, { ...finding, suggestedFix: '  x = "[REDACTED:token]"' }, lines(file));
    assert.equal(echoes.ok, false);
  });
});
