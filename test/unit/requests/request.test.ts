import * as assert from 'node:assert/strict';
import { reviewRequestSchema, targetText, withLineNumbers } from '../../../src/core/requests/request';

describe('request', () => {
  it('numbers lines with aligned widths', () => {
    assert.equal(withLineNumbers('a\nb', 9), ' 9 | a\n10 | b');
  });

  it('fills defaults and rejects a diagnostics target without diagnostics', () => {
    const ok = reviewRequestSchema.parse({ kind: 'review', target: { type: 'selection', filePath: 'a.ts', startLine: 1, endLine: 1, code: 'x' } });
    assert.equal(ok.target.languageId, 'plaintext');
    assert.deepEqual(ok.options, {});
    const bad = reviewRequestSchema.safeParse({ kind: 'debug', target: { type: 'diagnostics', filePath: 'a.ts', startLine: 1, endLine: 1, code: 'x', diagnostics: [] } });
    assert.equal(bad.success, false);
  });

  it('joins context and code into the target text', () => {
    const r = reviewRequestSchema.parse({ kind: 'review', target: { type: 'selection', filePath: 'a.ts', startLine: 2, endLine: 2, code: 'b', contextBefore: 'a', contextAfter: 'c' } });
    assert.equal(targetText(r.target), 'a\nb\nc');
  });
});

describe('formatCount', () => {
  it('groups thousands', async () => {
    const { formatCount } = await import('../../../src/core/cost/formatCount');
    assert.deepEqual([0, 999, 1000, 1234567, 12.6].map(formatCount), ['0', '999', '1,000', '1,234,567', '13']);
  });
});
