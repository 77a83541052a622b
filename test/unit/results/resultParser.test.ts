import * as assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/results/result';
import { EMPTY_AFTER_REASONING_WARNING, EMPTY_WARNING, parseModelOutput, TRUNCATED_WARNING, UNSTRUCTURED_WARNING } from '../../../src/core/results/resultParser';

const TARGET = { startLine: 10, endLine: 30 };

function finding(overrides: Partial<Finding>): Finding {
  return { title: 'Off-by-one in loop bound', severity: 'high', confidence: 0.9, startLine: 12, endLine: 12, explanation: 'The loop reads one past the end.', ...overrides };
}

/** A well-formed answer, as the prompt asks for it. */
const VALID = {
  summary: 'One bug: the loop reads past the end of the array.',
  findings: [
    {
      title: 'Off-by-one in loop bound',
      severity: 'high',
      confidence: 0.9,
      startLine: 12,
      endLine: 12,
      explanation: 'The loop reads one past the end.',
      suggestedFix: '  for (let i = 0; i < items.length; i++) {',
    },
    { title: 'Unused variable', severity: 'low', confidence: 0.6, startLine: 20, endLine: 21, explanation: '`tmp` is never read.' },
  ],
  answer: 'The loop on line 12 uses `<=`.',
};
const VALID_FINDINGS: Finding[] = [
  finding({ suggestedFix: '  for (let i = 0; i < items.length; i++) {' }),
  finding({ title: 'Unused variable', severity: 'low', confidence: 0.6, startLine: 20, endLine: 21, explanation: '`tmp` is never read.' }),
];

interface Case {
  name: string;
  raw: string;
  findings: Finding[];
  warnings?: string[];
  summary?: string;
  answer?: string;
  reasoning?: string;
}

const structuredCases: Case[] = [
  { name: 'bare JSON', raw: JSON.stringify(VALID), findings: VALID_FINDINGS, summary: VALID.summary, answer: VALID.answer },
  {
    name: 'a ```json fence between prose',
    raw: `Here is my review.\n\n\`\`\`json\n${JSON.stringify(VALID, null, 2)}\n\`\`\`\n\nLet me know if you need more.`,
    findings: VALID_FINDINGS,
    answer: VALID.answer,
  },
  {
    name: 'several fenced blocks, only one a result',
    raw: `The fix:\n\`\`\`ts\nfor (let i = 0; i < n; i++) {}\n\`\`\`\nConfig:\n\`\`\`json\n{ "compilerOptions": { "strict": true } }\n\`\`\`\nResult:\n\`\`\`json\n${JSON.stringify(VALID)}\n\`\`\``,
    findings: VALID_FINDINGS,
  },
  {
    name: 'JSON after prose with a stray brace, without a fence',
    raw: `In \`function f() {\` the loop is wrong. Result: ${JSON.stringify(VALID)} — hope this helps.`,
    findings: VALID_FINDINGS,
  },
  {
    name: 'JSON after many code snippets in prose',
    raw: `${'Consider `if (x) { return y; }` here. '.repeat(40)}\n${JSON.stringify(VALID)}`,
    findings: VALID_FINDINGS,
  },
  {
    name: 'trailing commas and // comments',
    raw: '{\n  // overall\n  "summary": "s",\n  "findings": [\n    { "title": "Off-by-one in loop bound", "severity": "high", "confidence": 0.9, "startLine": 12, "endLine": 12, "explanation": "The loop reads one past the end.", }, // the bug\n  ],\n  "answer": "a",\n}',
    findings: [finding({})],
    summary: 's',
    answer: 'a',
  },
  {
    name: 'smart quotes around keys and values',
    raw: '{“summary”: “s”, “findings”: [{“title”: “Off-by-one in loop bound”, “severity”: “high”, “confidence”: 0.9, “startLine”: 12, “endLine”: 12, “explanation”: “The loop reads one past the end.”}], “answer”: “a”}',
    findings: [finding({})],
  },
  {
    name: 'Python-style literals, single quotes and unquoted keys',
    raw: "{summary: 'ok', findings: [{title: 'Off-by-one in loop bound', severity: High, confidence: 0.9, line: 12, explanation: 'The loop reads one past the end.', suggestedFix: None, verified: True}], answer: 'a'}",
    findings: [finding({})],
  },
  {
    name: 'raw line breaks and tabs inside strings',
    raw: '{"summary": "s", "findings": [{"title": "Off-by-one in loop bound", "severity": "high", "confidence": 0.9, "startLine": 12, "endLine": 13, "explanation": "The loop reads one past the end.", "suggestedFix": "for (;;) {\n\tstep();\n}"}]}',
    findings: [finding({ endLine: 13, suggestedFix: 'for (;;) {\n\tstep();\n}' })],
  },
  {
    name: 'severity synonyms and unknown words',
    raw: JSON.stringify({
      summary: 's',
      findings: ['error', 'Warning', 'note', 'SUGGESTION', 'Critical', 'minor', 'urgent', 42, 'High severity'].map((severity, i) => ({ title: `T${i}`, severity, confidence: 0.5, startLine: 10 + i, endLine: 10 + i, explanation: '' })),
    }),
    findings: (['high', 'medium', 'info', 'info', 'critical', 'low', 'medium', 'medium', 'high'] as const).map((severity, i) => ({ title: `T${i}`, severity, confidence: 0.5, startLine: 10 + i, endLine: 10 + i, explanation: '' })),
  },
  {
    name: 'confidence as percent, string, word or missing',
    raw: `{"summary": "s", "findings": [${['85', '"85%"', '"0.7"', '"high"', 'null', '-3', '250', '85%'].map((c, i) => `{"title": "T${i}", "severity": "low", "confidence": ${c}, "startLine": 15, "endLine": 15, "explanation": "e"}`).join(', ')}, {"title": "T8", "severity": "low", "startLine": 15, "endLine": 15, "explanation": "e"}]}`,
    findings: [0.85, 0.85, 0.7, 0.8, 0.5, 0.5, 1, 0.85, 0.5].map((confidence, i) => ({ title: `T${i}`, severity: 'low', confidence, startLine: 15, endLine: 15, explanation: 'e' })),
  },
  {
    name: 'line numbers as strings and ranges, and `line` instead of startLine/endLine',
    raw: JSON.stringify({
      summary: 's',
      findings: [
        { title: 'A', startLine: '12', endLine: '14', explanation: '' },
        { title: 'B', line: 'L18', explanation: '' },
        { title: 'C', line: '20-22', explanation: '' },
        { title: 'D', lines: [24, 26], explanation: '' },
        { title: 'E', start_line: 27, end_line: 28, explanation: '' },
        { title: 'F', line: 29.7, explanation: '' },
      ],
    }),
    findings: [
      { title: 'A', severity: 'medium', confidence: 0.5, startLine: 12, endLine: 14, explanation: '' },
      { title: 'B', severity: 'medium', confidence: 0.5, startLine: 18, endLine: 18, explanation: '' },
      { title: 'C', severity: 'medium', confidence: 0.5, startLine: 20, endLine: 22, explanation: '' },
      { title: 'D', severity: 'medium', confidence: 0.5, startLine: 24, endLine: 26, explanation: '' },
      { title: 'E', severity: 'medium', confidence: 0.5, startLine: 27, endLine: 28, explanation: '' },
      { title: 'F', severity: 'medium', confidence: 0.5, startLine: 29, endLine: 29, explanation: '' },
    ],
  },
  {
    name: 'reversed lines',
    raw: JSON.stringify({ summary: 's', findings: [{ ...VALID.findings[1], startLine: 21, endLine: 20 }], answer: 'a' }),
    findings: [VALID_FINDINGS[1] as Finding],
  },
  {
    name: 'findings partly and wholly outside the target',
    raw: JSON.stringify({
      summary: 's',
      findings: [
        { title: 'Starts before', severity: 'high', confidence: 0.9, startLine: 8, endLine: 11, explanation: 'e', suggestedFix: 'x\ny\nz\nw' },
        { title: 'Ends after', severity: 'high', confidence: 0.9, startLine: 29, endLine: 33, explanation: 'e' },
        { title: 'Far away', severity: 'high', confidence: 0.9, startLine: 90, endLine: 95, explanation: 'e' },
        { title: 'Before', severity: 'high', confidence: 0.9, line: 3, explanation: 'e' },
      ],
      answer: 'a',
    }),
    findings: [
      { title: 'Starts before', severity: 'high', confidence: 0.9, startLine: 10, endLine: 11, explanation: 'e' },
      { title: 'Ends after', severity: 'high', confidence: 0.9, startLine: 29, endLine: 30, explanation: 'e' },
    ],
    warnings: [
      'The finding "Starts before" pointed at lines 8–11, partly outside the reviewed lines; it is shown at lines 10–11. Its suggested fix was dropped, as it was written for the original lines.',
      'The finding "Ends after" pointed at lines 29–33, partly outside the reviewed lines; it is shown at lines 29–30.',
      'Dropped the finding "Far away": it points at lines 90–95, outside the reviewed lines 10–30.',
      'Dropped the finding "Before": it points at line 3, outside the reviewed lines 10–30.',
    ],
  },
  {
    name: 'a missing answer, built from the summary and findings',
    raw: JSON.stringify({ summary: 'One bug.', findings: [VALID.findings[0]] }),
    findings: [VALID_FINDINGS[0] as Finding],
    summary: 'One bug.',
    answer: 'One bug.\n\n### 1. Off-by-one in loop bound\n*high, line 12, confidence 90%*\n\nThe loop reads one past the end.\n\nSuggested fix:\n\n```\n  for (let i = 0; i < items.length; i++) {\n```',
  },
  {
    name: 'no findings and no answer',
    raw: '{"summary": "Looks correct.", "findings": []}',
    findings: [],
    summary: 'Looks correct.',
    answer: 'Looks correct.\n\nNo findings.',
  },
  {
    name: 'a missing summary, taken from the answer',
    raw: '{"findings": [], "answer": "Nothing to fix. The code is fine."}',
    findings: [],
    summary: 'Nothing to fix.',
    answer: 'Nothing to fix. The code is fine.',
  },
  {
    name: '<think> reasoning before the JSON',
    raw: `<think>\nLine 12 uses <= … that reads items[length].\n</think>\n\n\`\`\`json\n${JSON.stringify(VALID)}\n\`\`\``,
    findings: VALID_FINDINGS,
    reasoning: 'Line 12 uses <= … that reads items[length].',
  },
  {
    name: 'reasoning whose opening tag the server dropped',
    raw: `The bound is wrong.\n</think>\n${JSON.stringify(VALID)}`,
    findings: VALID_FINDINGS,
    reasoning: 'The bound is wrong.',
  },
  {
    name: 'an answer cut off inside a finding',
    raw: JSON.stringify(VALID).slice(0, JSON.stringify(VALID).indexOf('is never')),
    findings: [VALID_FINDINGS[0] as Finding],
    warnings: [TRUNCATED_WARNING],
    summary: VALID.summary,
  },
  {
    name: 'an answer cut off inside a suggested fix',
    raw: JSON.stringify(VALID).slice(0, JSON.stringify(VALID).indexOf('items.length')),
    findings: [],
    warnings: [TRUNCATED_WARNING],
    answer: `${VALID.summary}\n\nNo findings.`,
  },
  {
    name: 'a bare array of findings',
    raw: `\`\`\`json\n${JSON.stringify(VALID.findings)}\n\`\`\``,
    findings: VALID_FINDINGS,
    summary: '2 findings.',
  },
  {
    name: 'a wrapper object and synonyms for keys',
    raw: JSON.stringify({ review: { summary: 's', issues: [{ name: 'Off-by-one in loop bound', level: 'error', certainty: '90%', line_start: 12, line_end: 12, description: 'The loop reads one past the end.', fix: { code: 'x' } }] } }),
    findings: [finding({ suggestedFix: 'x' })],
  },
  {
    name: 'a fix wrapped in a fence with copied line numbers',
    raw: JSON.stringify({ summary: 's', findings: [{ ...VALID.findings[1], suggestedFix: '```ts\n20 |   const a = 1;\n21 |   return a;\n```' }] }),
    findings: [finding({ title: 'Unused variable', severity: 'low', confidence: 0.6, startLine: 20, endLine: 21, explanation: '`tmp` is never read.', suggestedFix: '  const a = 1;\n  return a;' })],
  },
  {
    name: 'a finding without a title or lines',
    raw: JSON.stringify({ summary: 's', findings: [{ severity: 'low', explanation: 'Errors are swallowed. Log them.', suggestedFix: 'catch (e) { log(e); }' }, { severity: 'low' }, 'not an object', null] }),
    findings: [{ title: 'Errors are swallowed.', severity: 'low', confidence: 0.5, startLine: 10, endLine: 30, explanation: 'Errors are swallowed. Log them.' }],
  },
  {
    name: 'wrong types',
    raw: '{"summary": 42, "findings": [{"title": ["x"], "explanation": {"a": 1}, "severity": 3, "confidence": {}, "startLine": true, "suggestedFix": 7}], "answer": null}',
    findings: [],
    summary: '42',
    answer: '42\n\nNo findings.',
  },
];

describe('resultParser', () => {
  describe('reads malformed but usable answers', () => {
    for (const c of structuredCases) {
      it(c.name, () => {
        const parsed = parseModelOutput(c.raw, TARGET);
        assert.equal(parsed.structured, true);
        assert.deepEqual(parsed.result.findings, c.findings);
        assert.deepEqual(parsed.warnings, c.warnings ?? []);
        if (c.summary !== undefined) assert.equal(parsed.result.summary, c.summary);
        if (c.answer !== undefined) assert.equal(parsed.result.answer, c.answer);
        assert.equal(parsed.inlineReasoning, c.reasoning ?? '');
      });
    }
  });

  describe('falls back to text when nothing can be structured', () => {
    const cases: { name: string; raw: string; answer: string; reasoning?: string; warning?: string }[] = [
      { name: 'a prose review', raw: '## Review\n\nThe loop on line 12 is off by one: use `<`.', answer: '## Review\n\nThe loop on line 12 is off by one: use `<`.' },
      { name: 'prose after reasoning', raw: '<think>hmm</think>\nLooks fine to me.', answer: 'Looks fine to me.', reasoning: 'hmm' },
      { name: 'JSON null', raw: 'null', answer: 'null' },
      { name: 'an array of numbers', raw: '[1, 2, 3]', answer: '[1, 2, 3]' },
      { name: 'an unrelated object', raw: '```json\n{"name": "deep-review", "version": "1.0.0"}\n```', answer: '```json\n{"name": "deep-review", "version": "1.0.0"}\n```' },
      { name: 'broken JSON', raw: '{"summary": "s" "findings": [}', answer: '{"summary": "s" "findings": [}' },
      { name: 'an empty answer', raw: '   ', answer: '', warning: EMPTY_WARNING },
      { name: 'reasoning that never ended', raw: '<think>Let me check line 12 {"summary": ', answer: '', reasoning: 'Let me check line 12 {"summary":', warning: EMPTY_AFTER_REASONING_WARNING },
    ];
    for (const c of cases) {
      it(c.name, () => {
        assert.deepEqual(parseModelOutput(c.raw, TARGET), {
          result: { summary: '', findings: [], answer: c.answer },
          inlineReasoning: c.reasoning ?? '',
          structured: false,
          warnings: [c.warning ?? UNSTRUCTURED_WARNING],
        });
      });
    }
  });

  it('reads the whole text when a think tag is only mentioned inside the JSON', () => {
    const raw = JSON.stringify({ ...VALID, answer: 'Strip the </think> tag first.' });
    const parsed = parseModelOutput(raw, TARGET);
    assert.equal(parsed.structured, true);
    assert.deepEqual(parsed.result.findings, VALID_FINDINGS);
  });

  it('keeps "__proto__" keys as data', () => {
    const parsed = parseModelOutput('{"summary": "s", "findings": [], "__proto__": {"polluted": true},}', TARGET);
    assert.equal(parsed.structured, true);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  it('clamps against a target given with reversed lines', () => {
    const parsed = parseModelOutput(JSON.stringify({ summary: 's', findings: [{ title: 'T', line: 15, explanation: '' }] }), { startLine: 20, endLine: 10 });
    assert.deepEqual(parsed.result.findings.map((f) => [f.startLine, f.endLine]), [[15, 15]]);
  });

  describe('never throws', () => {
    const hostile: [string, unknown][] = [
      ['empty', ''],
      ['null at run time', null],
      ['undefined at run time', undefined],
      ['a number at run time', 42],
      ['deeply nested arrays', '['.repeat(100_000) + ']'.repeat(100_000)],
      ['deeply nested objects', '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000)],
      ['deeply nested unclosed', '{"findings":['.repeat(20_000)],
      ['lone surrogates and control characters', '{"summary": "\ud800\u0000", "findings": [{"title": "\udfff", "line": "\u0007"}]}'],
      ['bad escapes', '{"summary": "\\u12", "findings": [], "answer": "\\'],
      ['prototype-ish words', '{"summary": "s", "findings": [{"title": "t", "severity": "constructor", "confidence": "toString", "line": 12}]}'],
    ];
    for (const [name, raw] of hostile) {
      it(`on ${name}`, () => {
        const parsed = parseModelOutput(raw as string, TARGET);
        assert.equal(typeof parsed.result.answer, 'string');
        assert.ok(Array.isArray(parsed.warnings));
        for (const f of parsed.result.findings) {
          assert.ok(['critical', 'high', 'medium', 'low', 'info'].includes(f.severity));
          assert.ok(f.confidence >= 0 && f.confidence <= 1);
        }
      });
    }

    it('on every truncation of a valid answer, keeping only complete findings', () => {
      const raw = `<think>Checking the bound.</think>\n\`\`\`json\n${JSON.stringify(VALID, null, 2)}\n\`\`\``;
      for (let end = 0; end <= raw.length; end++) {
        const parsed = parseModelOutput(raw.slice(0, end), TARGET);
        for (const f of parsed.result.findings) {
          const complete = VALID_FINDINGS.find((v) => v.title === f.title);
          assert.deepEqual(f, complete, `cut at ${end}`);
        }
        if (parsed.structured) assert.ok(parsed.result.summary.length > 0 || parsed.result.answer.length > 0);
      }
      assert.deepEqual(parseModelOutput(raw, TARGET).result.findings, VALID_FINDINGS);
    });

    it('on random mutations of a valid answer', () => {
      const raw = JSON.stringify(VALID, null, 1);
      const alphabet = '{}[]",:/\\`\n *<>think0123456789.-%“”\'';
      let seed = 12345;
      const random = (n: number): number => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % n;
      };
      for (let i = 0; i < 2000; i++) {
        const chars = [...raw];
        for (let k = 0; k < 1 + random(8); k++) {
          const at = random(chars.length);
          const op = random(3);
          if (op === 0) chars.splice(at, 1);
          else if (op === 1) chars.splice(at, 0, alphabet.charAt(random(alphabet.length)));
          else chars[at] = alphabet.charAt(random(alphabet.length));
        }
        const parsed = parseModelOutput(chars.join(''), TARGET);
        for (const f of parsed.result.findings) {
          assert.ok(f.startLine >= TARGET.startLine && f.endLine <= TARGET.endLine && f.startLine <= f.endLine);
          assert.ok(f.title.length > 0);
        }
      }
    });
  });

  describe('stays fast on large answers', () => {
    const valid = JSON.stringify({
      summary: 's',
      findings: Array.from({ length: 400 }, (_, i) => ({ title: `T${i}`, severity: 'low', confidence: 0.5, startLine: 10 + (i % 20), endLine: 10 + (i % 20), explanation: 'x'.repeat(400), suggestedFix: 'y\n'.repeat(20) })),
      answer: 'z'.repeat(5000),
    });
    const inputs: Record<string, string> = {
      'a valid 200 KB answer': valid,
      'the same, cut off': valid.slice(0, -3000),
      'the same, in prose with stray braces': `In \`f() {\` and {x} ${valid} done`,
      'unclosed braces': '{'.repeat(200_000),
      'unclosed nested keys': '{"a":'.repeat(40_000),
      'fence lines': '```\n'.repeat(50_000),
      'prose with braces and quotes': 'word { "word '.repeat(16_000),
      'many small braces': '{} {"a": 1} { x } '.repeat(10_000),
      'one long string': `{"summary": "${'x\\"'.repeat(70_000)}"`,
    };
    for (const [name, raw] of Object.entries(inputs)) {
      it(name, () => {
        const started = performance.now();
        parseModelOutput(raw, TARGET);
        const elapsed = performance.now() - started;
        assert.ok(elapsed < 1000, `${name}: ${elapsed.toFixed(0)} ms`);
      });
    }
  });
});
