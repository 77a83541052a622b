// Splits inline reasoning (`<think>…</think>`, `<thinking>…</thinking>`) out of a model's
// answer. Local models and DeepSeek R1 style servers put their reasoning in the answer text
// itself instead of a separate channel.
//
// Rules, the same for whole texts and streams:
// - An opening tag counts only at the start of the answer (leading whitespace allowed) or
//   right after a reasoning block, so an answer that merely mentions `<think>` is left alone.
// - Everything after an opening tag is reasoning until its closing tag (or the end).
// - Some servers drop the opening tag: before any tag was seen, a lone closing tag turns
//   the text before it into reasoning.
// - Tags are matched case-insensitively; whitespace after a reasoning block is dropped.

export interface ThinkSplit {
  reasoning: string;
  answer: string;
}

/** What one `push` adds. */
export interface ThinkSplitDelta extends ThinkSplit {
  /**
   * True when answer text returned by earlier pushes turned out to be reasoning (a lone
   * closing tag arrived): the caller should discard the answer shown so far; that text is
   * included again at the start of `reasoning`.
   */
  answerRetracted?: boolean;
}

const OPENING_TAGS = ['<thinking>', '<think>'];
const CLOSING_TAGS = ['</thinking>', '</think>'];
type TagMatch = { kind: 'full'; length: number } | { kind: 'partial' } | { kind: 'none' };

/** Whether `text` at `at` holds one of `tags` in full, only its beginning (at the end of the text), or neither. */
function matchTag(text: string, at: number, tags: readonly string[]): TagMatch {
  let partial = false;
  for (const tag of tags) {
    const available = Math.min(tag.length, text.length - at);
    if (text.slice(at, at + available).toLowerCase() !== tag.slice(0, available)) continue;
    if (available === tag.length) return { kind: 'full', length: tag.length };
    partial = true;
  }
  return partial ? { kind: 'partial' } : { kind: 'none' };
}

function isWhitespace(char: string): boolean {
  return char === ' ' || char === '\n' || char === '\r' || char === '\t' || char === '\f' || char === '\v';
}

/**
 * The streaming form: feed deltas as they arrive, get back what each one adds. Holds back
 * only what could be the start of a tag (at most a few characters) and, at the start of an
 * answer, leading whitespace. Each character is examined a bounded number of times.
 */
export class ThinkTagStreamSplitter {
  /** 'start': at the start of an answer, where an opening tag may come. */
  private state: 'start' | 'reasoning' | 'answer' = 'start';
  /** Text received but not yet classified (a possible partial tag). */
  private pending = '';
  private sawTag = false;
  private reasoningEmitted = false;
  /** Answer returned by earlier pushes while no tag was seen, in case a lone closing tag retracts it. */
  private untaggedAnswer = '';

  push(delta: string): ThinkSplitDelta {
    return this.consume(this.pending + delta, false);
  }

  /** Classifies whatever is still held back; call once the stream has ended. */
  flush(): ThinkSplitDelta {
    const rest = this.pending;
    this.pending = '';
    return this.consume(rest, true);
  }

  private consume(text: string, final: boolean): ThinkSplitDelta {
    this.pending = '';
    let reasoning = '';
    let answer = '';
    let retracted = false;
    let pos = 0;
    while (pos < text.length) {
      if (this.state === 'start') {
        while (pos < text.length && isWhitespace(text.charAt(pos))) pos++;
        if (pos >= text.length) break;
        const opening = matchTag(text, pos, OPENING_TAGS);
        if (opening.kind === 'partial' && !final) {
          this.pending = text.slice(pos);
          pos = text.length;
        } else if (opening.kind === 'full') {
          pos += opening.length;
          if (this.reasoningEmitted) reasoning += '\n\n';
          this.sawTag = true;
          this.state = 'reasoning';
        } else {
          this.state = 'answer';
        }
      } else if (this.state === 'reasoning') {
        const end = this.findTag(text, pos, CLOSING_TAGS, final);
        reasoning += text.slice(pos, end.index);
        if (reasoning.length > 0) this.reasoningEmitted = true;
        if (end.length > 0) this.state = 'start';
        // Without a full tag, the rest (if any) is a partial tag now held in `pending`.
        pos = end.length > 0 ? end.index + end.length : text.length;
      } else if (this.sawTag) {
        answer += text.slice(pos);
        pos = text.length;
      } else {
        const end = this.findTag(text, pos, CLOSING_TAGS, final);
        const before = text.slice(pos, end.index);
        pos = end.length > 0 ? end.index + end.length : text.length;
        if (end.length === 0) {
          answer += before;
        } else {
          // A lone closing tag: everything so far was reasoning whose opening tag was dropped.
          // No tag was seen yet, so nothing has been classified as reasoning before it.
          retracted = this.untaggedAnswer.length > 0;
          reasoning = this.untaggedAnswer + answer + before;
          answer = '';
          this.untaggedAnswer = '';
          this.sawTag = true;
          if (reasoning.length > 0) this.reasoningEmitted = true;
          this.state = 'start';
        }
      }
    }
    if (!this.sawTag) this.untaggedAnswer += answer;
    return retracted ? { reasoning, answer, answerRetracted: true } : { reasoning, answer };
  }

  /**
   * Where the next full tag starts in `text` from `from` (and its length), or, when there
   * is none, where the text that is safe to classify ends (a possible partial tag at the end
   * is kept in `pending`; length 0).
   */
  private findTag(text: string, from: number, tags: readonly string[], final: boolean): { index: number; length: number } {
    let at = text.indexOf('<', from);
    while (at !== -1) {
      const match = matchTag(text, at, tags);
      if (match.kind === 'full') return { index: at, length: match.length };
      // A partial match is always at the very end of the text.
      if (match.kind === 'partial' && !final) {
        this.pending = text.slice(at);
        return { index: at, length: 0 };
      }
      at = text.indexOf('<', at + 1);
    }
    return { index: text.length, length: 0 };
  }
}

/** Splits a whole text; reasoning and answer come back trimmed. */
export function splitThinkTags(text: string): ThinkSplit {
  const splitter = new ThinkTagStreamSplitter();
  let reasoning = '';
  let answer = '';
  for (const part of [splitter.push(text), splitter.flush()]) {
    if (part.answerRetracted) answer = '';
    reasoning += part.reasoning;
    answer += part.answer;
  }
  return { reasoning: reasoning.trim(), answer: answer.trim() };
}
