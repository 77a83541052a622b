// The generated transcript the stream benchmarks serve: ~1 MB of reasoning in 5,000 deltas plus
// ~100 KB of answer in 1,000 deltas (quotes, backslashes, newlines, non-ASCII text), framed in each
// wire format.
import { anthropicEvents, chatCompletionChunks, chatSse, namedSse, ndjsonLines, ollamaChatLines, openaiResponsesEvents } from '../test/support/transcripts';
import { rng } from '../test/support/seededRandom';


/** One per wire format: Anthropic Messages, OpenAI Responses, Chat Completions (as DeepSeek sends it), Ollama NDJSON. */
export type ProviderName = 'anthropic' | 'openai' | 'chat' | 'ollama';
export const PROVIDERS: readonly ProviderName[] = ['anthropic', 'openai', 'chat', 'ollama'];
const SEEDS: Record<ProviderName, [number, number]> = { anthropic: [1, 3], openai: [2, 4], chat: [5, 6], ollama: [7, 8] };

export interface Transcript {
  provider: ProviderName;
  reasoningDeltas: string[];
  answerDeltas: string[];
  reasoning: string;
  answer: string;
  /** What every path must report. */
  usage: { inputTokens: number; outputTokens: number; reasoningTokens: number };
  /** SSE body pieces, one per event, each written separately by the server. */
  chunks: string[];
  bytes: number;
}


const WORDS = [
  'the', 'call', 'to', 'flush()', 'returns', 'before', 'write', 'finishes,', 'so', 'a', 'second', 'caller', 'can', 'observe', 'stale', 'state', 'in',
  '`this.items`.', 'If', 'retries', '=', '0', 'the', 'loop', 'runs', 'once;', 'with', 'i', '<=', 'retries', 'it', 'runs', 'retries', '+', '1', 'times.',
  '"path"', 'may', 'be', 'undefined', '→', 'String(undefined)', 'is', '"undefined",', 'not', './data.json.', 'Überprüfe', 'die', 'Grenze', '≤', 'n',
  'C:\\temp\\cache', 'naïve', 'café', '—', 'résumé', '数据竞争', 'ошибка', '🙂', 'const x = a - b;', '{ "ok": true }', 'await', 'Promise.all([...])',
];

/** Deltas of whole words (no split surrogate pairs) of about `size` characters, with newlines. */
function generateDeltas(count: number, size: number, seed: number): string[] {
  const rand = rng(seed);
  const deltas: string[] = [];
  for (let i = 0; i < count; i++) {
    const target = Math.round(size * (0.5 + rand()));
    let delta = '';
    while (delta.length < target) {
      delta += WORDS[Math.floor(rand() * WORDS.length)]!;
      const r = rand();
      delta += r < 0.03 ? '\n\n' : r < 0.08 ? '\n' : ' ';
    }
    deltas.push(delta);
  }
  return deltas;
}

const REASONING_DELTAS = 5_000;
const REASONING_DELTA_CHARS = 200;
const ANSWER_DELTAS = 1_000;
const ANSWER_DELTA_CHARS = 100;

export function buildTranscript(provider: ProviderName, reasoningCount = REASONING_DELTAS, answerCount = ANSWER_DELTAS): Transcript {
  const [rs, as] = SEEDS[provider];
  const reasoningDeltas = generateDeltas(reasoningCount, REASONING_DELTA_CHARS, rs);
  const answerDeltas = generateDeltas(answerCount, ANSWER_DELTA_CHARS, as);
  const reasoning = reasoningDeltas.join('');
  const answer = answerDeltas.join('');
  const usage = { inputTokens: 1_234, outputTokens: Math.ceil((reasoning.length + answer.length) / 4), reasoningTokens: Math.ceil(reasoning.length / 4) };
  let chunks: string[];
  switch (provider) {
    case 'anthropic':
      chunks = namedSse(anthropicEvents({ thinking: reasoningDeltas, text: answerDeltas, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, thinkingTokens: usage.reasoningTokens }));
      break;
    case 'openai':
      chunks = namedSse(openaiResponsesEvents({ summary: reasoningDeltas, text: answerDeltas, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, reasoningTokens: usage.reasoningTokens }));
      break;
    case 'chat':
      chunks = chatSse(
        chatCompletionChunks({
          model: 'deepseek-reasoner',
          reasoningField: 'reasoning_content',
          reasoning: reasoningDeltas,
          content: answerDeltas,
          usage: { prompt_tokens: usage.inputTokens, completion_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens, completion_tokens_details: { reasoning_tokens: usage.reasoningTokens } },
        }),
      );
      break;
    case 'ollama':
      // Ollama reports no thinking count: ours estimates it, as ceil(chars / 4), which is what the transcript says.
      chunks = ndjsonLines(ollamaChatLines({ model: 'qwen3:8b', thinking: reasoningDeltas, content: answerDeltas, promptEvalCount: usage.inputTokens, evalCount: usage.outputTokens }));
      break;
  }
  const bytes = chunks.reduce((n, c) => n + Buffer.byteLength(c), 0);
  return { provider, reasoningDeltas, answerDeltas, reasoning, answer, usage, chunks, bytes };
}

/** Where each format's request goes on the test server. */
export const REQUEST_PATH: Record<ProviderName, string> = { anthropic: '/v1/messages', openai: '/v1/responses', chat: '/v1/chat/completions', ollama: '/api/chat' };
