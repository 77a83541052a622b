import * as assert from 'node:assert/strict';
import { readJson } from '../../../src/core/results/lenientJson';

describe('lenientJson (jsonrepair plus cut-off tracking)', () => {
  it('repairs what models get wrong', () => {
    assert.deepEqual(readJson("{summary: 'ok', findings: [{title: “T”, confidence: 85%, fix: None, ok: True,},], // note\n}")?.value, { summary: 'ok', findings: [{ title: 'T', confidence: '85%', fix: null, ok: true }] });
  });

  it('keeps strings with unbalanced brackets (code in a fix) that jsonrepair alone rejects', () => {
    const read = readJson('{"findings": [{"title": "Loop", "suggestedFix": "for (;;) {\\n  x[i"},], }');
    assert.deepEqual(read?.value, { findings: [{ title: 'Loop', suggestedFix: 'for (;;) {\n  x[i' }] });
    assert.equal(read?.truncated, false);
  });

  it('reads the first value and ignores text after it', () => {
    assert.deepEqual(readJson('{"a": 1,} and then {"b": 2}')?.value, { a: 1 });
  });

  it('says when the text was cut, and which containers the cut was in', () => {
    const read = readJson('{"summary": "s", "findings": [{"title": "A", "fix": "if (x) {"}, {"title": "B", "fix": "half a f');
    assert.ok(read);
    assert.equal(read.truncated, true);
    const value = read.value as { findings: object[] };
    assert.equal(value.findings.length, 2);
    assert.equal(read.incomplete.has(value.findings[0]!), false);
    assert.equal(read.incomplete.has(value.findings[1]!), true);
    assert.equal(read.incomplete.has(value.findings), true);
  });

  it('refuses mismatched brackets, nesting beyond any result, and non-JSON', () => {
    assert.equal(readJson('{"summary": "s" "findings": [}'), undefined);
    assert.equal(readJson('['.repeat(100_000)), undefined);
    assert.equal(readJson('just prose'), undefined);
  });
});
