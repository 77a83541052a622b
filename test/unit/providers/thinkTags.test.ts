import * as assert from 'node:assert/strict';
import { splitThinkTags, ThinkTagStreamSplitter, type ThinkSplit } from '../../../src/core/providers/thinkTags';

/** Streams `deltas` through a splitter the way a caller would, honouring retractions. */
function stream(deltas: readonly string[]): ThinkSplit & { perPush: ThinkSplit[] } {
  const splitter = new ThinkTagStreamSplitter();
  let reasoning = '';
  let answer = '';
  const perPush: ThinkSplit[] = [];
  for (const part of [...deltas.map((d) => splitter.push(d)), splitter.flush()]) {
    if (part.answerRetracted) answer = '';
    reasoning += part.reasoning;
    answer += part.answer;
    perPush.push({ reasoning: part.reasoning, answer: part.answer });
  }
  return { reasoning, answer, perPush };
}

/** Every way of cutting `text` into two deltas, plus one character at a time. */
function cuts(text: string): string[][] {
  const result: string[][] = [[...text]];
  for (let i = 0; i <= text.length; i++) result.push([text.slice(0, i), text.slice(i)]);
  return result;
}

describe('thinkTags', () => {
  describe('splitThinkTags', () => {
    const cases: { name: string; text: string; reasoning: string; answer: string }[] = [
      { name: 'no tags', text: 'Just an answer.', reasoning: '', answer: 'Just an answer.' },
      { name: 'a think block first', text: '<think>\nLet me see.\n</think>\n\n{"a":1}', reasoning: 'Let me see.', answer: '{"a":1}' },
      { name: 'a thinking block', text: '<thinking>hmm</thinking>done', reasoning: 'hmm', answer: 'done' },
      { name: 'upper-case tags', text: '<THINK>hmm</Think>done', reasoning: 'hmm', answer: 'done' },
      { name: 'leading whitespace before the tag', text: '  \n<think>a</think>b', reasoning: 'a', answer: 'b' },
      { name: 'a missing closing tag', text: '<think>still thinking {"x":', reasoning: 'still thinking {"x":', answer: '' },
      { name: 'a dropped opening tag', text: 'Okay, the loop is off by one.\n</think>\n\nThe answer.', reasoning: 'Okay, the loop is off by one.', answer: 'The answer.' },
      { name: 'an answer starting with a lone closing tag', text: '</think>The answer.', reasoning: '', answer: 'The answer.' },
      { name: 'two blocks', text: '<think>one</think>\n<think>two</think>answer', reasoning: 'one\n\ntwo', answer: 'answer' },
      { name: 'a tag mentioned inside the answer', text: 'Use <think> tags for reasoning.', reasoning: '', answer: 'Use <think> tags for reasoning.' },
      { name: 'a closing tag after a complete block', text: '<think>a</think>see </think> here', reasoning: 'a', answer: 'see </think> here' },
      { name: 'comparisons in reasoning', text: '<think>if a < b and b <thin x</think>ok', reasoning: 'if a < b and b <thin x', answer: 'ok' },
      { name: 'an unfinished tag at the end', text: 'answer <thi', reasoning: '', answer: 'answer <thi' },
      { name: 'empty text', text: '', reasoning: '', answer: '' },
    ];
    for (const c of cases) {
      it(`splits ${c.name}`, () => {
        assert.deepEqual(splitThinkTags(c.text), { reasoning: c.reasoning, answer: c.answer });
      });
    }
  });

  describe('ThinkTagStreamSplitter', () => {
    it('gives the same split whatever the deltas, for every case', () => {
      const texts = [
        '<think>\nLet me see.\n</think>\n\n{"a":1}',
        '<thinking>hmm</thinking>done',
        'Okay, reasoning.\n</think>\nThe answer.',
        '<think>one</think>\n<think>two</think>answer',
        'Use <think> tags. a < b',
        '<think>a <b> c</thinking>d',
        '<think>never closed',
      ];
      for (const text of texts) {
        const whole = splitThinkTags(text);
        for (const deltas of cuts(text)) {
          const streamed = stream(deltas);
          assert.deepEqual({ reasoning: streamed.reasoning.trim(), answer: streamed.answer.trim() }, whole, `${JSON.stringify(deltas)}`);
        }
      }
    });

    it('recognizes a tag split across deltas', () => {
      assert.deepEqual(stream(['<thi', 'nk>reason', 'ing</th', 'ink>answer']), {
        reasoning: 'reasoning',
        answer: 'answer',
        perPush: [
          { reasoning: '', answer: '' },
          { reasoning: 'reason', answer: '' },
          { reasoning: 'ing', answer: '' },
          { reasoning: '', answer: 'answer' },
          { reasoning: '', answer: '' },
        ],
      });
    });

    it('treats everything after an unclosed tag as reasoning until flush', () => {
      const splitter = new ThinkTagStreamSplitter();
      assert.deepEqual(splitter.push('<think>step 1'), { reasoning: 'step 1', answer: '' });
      assert.deepEqual(splitter.push(', step 2 </thi'), { reasoning: ', step 2 ', answer: '' });
      assert.deepEqual(splitter.flush(), { reasoning: '</thi', answer: '' });
    });

    it('passes ordinary text through at once, holding back only a possible partial tag', () => {
      const splitter = new ThinkTagStreamSplitter();
      assert.deepEqual(splitter.push('The answer'), { reasoning: '', answer: 'The answer' });
      assert.deepEqual(splitter.push(' is x <'), { reasoning: '', answer: ' is x ' });
      assert.deepEqual(splitter.push(' y'), { reasoning: '', answer: '< y' });
      assert.deepEqual(splitter.push(' </thin'), { reasoning: '', answer: ' ' });
      assert.deepEqual(splitter.push('gs> z'), { reasoning: '', answer: '</things> z' });
    });

    it('holds nothing back once a reasoning block has ended', () => {
      const splitter = new ThinkTagStreamSplitter();
      splitter.push('<think>r</think>');
      assert.deepEqual(splitter.push('text </thi'), { reasoning: '', answer: 'text </thi' });
    });

    it('retracts answer text when a lone closing tag shows it was reasoning', () => {
      const splitter = new ThinkTagStreamSplitter();
      assert.deepEqual(splitter.push('Okay, so'), { reasoning: '', answer: 'Okay, so' });
      assert.deepEqual(splitter.push(' the bug is here.</think>\n\nAnswer'), {
        reasoning: 'Okay, so the bug is here.',
        answer: 'Answer',
        answerRetracted: true,
      });
      assert.deepEqual(splitter.push(' more'), { reasoning: '', answer: ' more' });
    });

    it('does not retract when the lone closing tag comes before any answer was returned', () => {
      const splitter = new ThinkTagStreamSplitter();
      assert.deepEqual(splitter.push('reasoning</think>answer'), { reasoning: 'reasoning', answer: 'answer' });
    });

    it('is linear: a megabyte in small deltas splits quickly', () => {
      const splitter = new ThinkTagStreamSplitter();
      const started = Date.now();
      let reasoning = 0;
      let answer = 0;
      const chunk = 'a < b <thi x '.repeat(4);
      splitter.push('<think>');
      for (let i = 0; i < 20_000; i++) reasoning += splitter.push(chunk).reasoning.length;
      splitter.push('</think>');
      for (let i = 0; i < 20_000; i++) answer += splitter.push(chunk).answer.length;
      answer += splitter.flush().answer.length;
      assert.equal(reasoning, chunk.length * 20_000);
      assert.equal(answer, chunk.length * 20_000);
      assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
    });
  });
});
