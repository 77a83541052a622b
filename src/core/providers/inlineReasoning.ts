// Reasoning that arrives inside the answer text as <think>…</think> (local servers without a
// reasoning parser). ThinkTagStreamSplitter separates it; this decides when answer text is
// safe to show. Until some tag has been seen, answer text is held back: a lone closing tag
// later would turn everything before it into reasoning, and an answer delta cannot be taken
// back once emitted. Outputs with no tags at all therefore show their answer at the end.
import { ThinkTagStreamSplitter } from './thinkTags';

export interface InlineSplit {
  reasoning: string;
  answer: string;
}

export class InlineReasoningSplitter {
  private readonly splitter = new ThinkTagStreamSplitter();
  private held = '';
  private tagSeen = false;

  push(delta: string): InlineSplit {
    return this.route(this.splitter.push(delta));
  }

  /** Everything still held back; call once the stream has ended. */
  flush(): InlineSplit {
    const last = this.route(this.splitter.flush());
    const answer = this.held + last.answer;
    this.held = '';
    return { reasoning: last.reasoning, answer };
  }

  private route(part: { reasoning: string; answer: string; answerRetracted?: boolean }): InlineSplit {
    if (part.answerRetracted) this.held = '';
    if (part.answerRetracted || part.reasoning.length > 0) this.tagSeen = true;
    if (!this.tagSeen) {
      this.held += part.answer;
      return { reasoning: part.reasoning, answer: '' };
    }
    const answer = this.held + part.answer;
    this.held = '';
    return { reasoning: part.reasoning, answer };
  }
}
