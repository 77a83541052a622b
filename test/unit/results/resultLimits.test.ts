import * as assert from 'node:assert/strict';
import type { Finding, FindingSeverity } from '../../../src/core/results/result';
import { RESULT_LIMITS, appendBounded, capFindings } from '../../../src/core/results/resultLimits';
import { parseModelOutput } from '../../../src/core/results/resultParser';

function finding(i: number, severity: FindingSeverity, confidence: number): Finding {
  return { title: `F${i}`, severity, confidence, startLine: 1, endLine: 1, explanation: '' };
}

describe('result limits', () => {
  it('keeps the most severe, then the most confident findings, in the order given', () => {
    const all = [finding(0, 'low', 0.9), finding(1, 'critical', 0.2), finding(2, 'high', 0.5), finding(3, 'high', 0.9), finding(4, 'info', 1)];
    const { findings, warning } = capFindings(all, 3);
    assert.deepEqual(findings.map((f) => f.title), ['F1', 'F2', 'F3']);
    assert.match(warning ?? '', /reported 5 findings; the 3 most severe are kept and 2 less severe or less confident ones were dropped/);
    assert.deepEqual(capFindings(all, 5), { findings: all });
  });

  it('caps findings, warnings about single findings and the answer when parsing', () => {
    const n = RESULT_LIMITS.findings + 250;
    const raw = JSON.stringify({
      summary: 's',
      // Every other finding points outside the target: one warning each, but only the first few are kept.
      findings: Array.from({ length: n * 2 }, (_, i) => ({ title: `T${i}`, severity: i % 4 === 0 ? 'high' : 'low', confidence: 0.5, startLine: i % 2 === 0 ? 12 : 900, explanation: 'e' })),
      answer: 'a'.repeat(RESULT_LIMITS.answerChars + 10),
    });
    const parsed = parseModelOutput(raw, { startLine: 10, endLine: 30 });
    assert.equal(parsed.result.findings.length, RESULT_LIMITS.findings);
    // Half of the in-target findings are high: all of them are kept.
    assert.equal(parsed.result.findings.filter((f) => f.severity === 'high').length, Math.ceil(n / 2));
    const single = parsed.warnings.filter((w) => w.startsWith('Dropped the finding'));
    assert.equal(single.length, RESULT_LIMITS.findingWarnings);
    assert.ok(parsed.warnings.some((w) => new RegExp(`and ${(n - RESULT_LIMITS.findingWarnings).toLocaleString('en-US')} more notes`).test(w)));
    assert.ok(parsed.warnings.some((w) => /250 less severe/.test(w)));
    assert.ok(parsed.result.answer.length < RESULT_LIMITS.answerChars + 100);
    assert.match(parsed.result.answer, /cut: 10 more characters/);
    assert.ok(parsed.warnings.some((w) => /answer was .* characters long/.test(w)));
  });

  it('cuts an unstructured answer too', () => {
    const parsed = parseModelOutput('x'.repeat(RESULT_LIMITS.answerChars * 2), { startLine: 1, endLine: 1 });
    assert.equal(parsed.structured, false);
    assert.ok(parsed.result.answer.length < RESULT_LIMITS.answerChars + 100);
  });

  it('drops a suggested fix too long to keep whole', () => {
    const raw = JSON.stringify({ summary: 's', findings: [{ title: 'Big', severity: 'low', confidence: 1, startLine: 1, endLine: 1, explanation: 'e', suggestedFix: 'y'.repeat(RESULT_LIMITS.fixChars + 1) }], answer: 'a' });
    const parsed = parseModelOutput(raw, { startLine: 1, endLine: 1 });
    assert.equal(parsed.result.findings[0]?.suggestedFix, undefined);
    assert.ok(parsed.warnings.some((w) => /suggested fix of "Big" .* dropped/.test(w)));
  });

  it('appends streamed text up to the bound and says when it cut', () => {
    assert.deepEqual(appendBounded('ab', 'cd', 5), { text: 'abcd', added: 'cd', cut: false });
    assert.deepEqual(appendBounded('abcd', 'efg', 5), { text: 'abcde', added: 'e', cut: true });
    assert.deepEqual(appendBounded('abcde', 'f', 5), { text: 'abcde', added: '', cut: true });
  });
});
