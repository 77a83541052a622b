// Streaming text into the page: blocks that keep per-frame layout cost flat, and the live view
// of a running job (reasoning and answer appended once per animation frame).
import { h } from './dom';
import { FrameBatcher } from './frameBatcher';

/** Streamed text goes into blocks of about this many characters. */
export const BLOCK_CHARS = 4096;

/**
 * Appending a text node to one element re-lays out all of its text, so a 1 MB trace cost ~20 ms
 * of layout per frame (30× the cost at 10 KB). Streamed text goes instead into a sequence of
 * small contained blocks and only the last one is laid out and painted again. A new block starts
 * just after a line break, so the split never shows (unless a single line runs past 4 blocks).
 */
export function blockAppender(pre: HTMLElement, initial = ''): (text: string) => void {
  let block: HTMLElement = pre;
  let size = initial.length;
  let endsLine = initial.length === 0 || initial.endsWith('\n');
  const add = (text: string) => {
    if (!text) return;
    block.append(document.createTextNode(text));
    size += text.length;
    endsLine = text.endsWith('\n');
  };
  return (text) => {
    if (size >= BLOCK_CHARS) {
      const cut = endsLine ? 0 : text.indexOf('\n') + 1;
      if (endsLine || cut > 0 || size >= 4 * BLOCK_CHARS) {
        add(text.slice(0, cut));
        // A contained block (see panel.css): layout and paint skip the finished ones.
        block = h('div', { class: 'text-block' });
        pre.append(block);
        size = 0;
        text = text.slice(cut);
      }
    }
    add(text);
  };
}

/** Whether an answer so far is the structured (JSON) form: shown as progress, not as raw text. */
export function looksStructured(answer: string): boolean {
  const start = answer.trimStart();
  return start.startsWith('{') || /^```(json)?\s*(\{|$)/.test(start);
}

export interface LiveStream {
  jobId: string;
  reasoning: FrameBatcher;
  answer: FrameBatcher;
}

export function startLive(
  jobId: string,
  initialAnswer: string,
  parts: { appendReasoning: (text: string) => void; answerEl: HTMLElement; details: HTMLDetailsElement; keepReasoningExpanded: boolean },
): LiveStream {
  // While streaming, a prose answer is shown as plain text (markdown renders once it is
  // complete); a structured answer is JSON, which is no use to read: a counter shows progress.
  let written = initialAnswer;
  let started = initialAnswer.length > 0;
  const status = h('p', { class: 'muted writing' });
  const appendAnswer = blockAppender(parts.answerEl);
  const show = (text: string) => {
    if (looksStructured(written)) {
      if (!status.isConnected) parts.answerEl.replaceChildren(status);
      status.textContent = `Writing the findings… (${written.length.toLocaleString()} characters)`;
    } else appendAnswer(text);
  };
  if (started) show(initialAnswer);
  return {
    jobId,
    // Each frame's text becomes one new text node (two at a block boundary): appending never
    // copies or re-lays out what is already shown.
    reasoning: new FrameBatcher(parts.appendReasoning),
    answer: new FrameBatcher((text) => {
      if (!started) {
        started = true;
        if (!parts.keepReasoningExpanded) parts.details.open = false;
      }
      written += text;
      show(text);
    }),
  };
}
