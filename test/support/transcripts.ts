// Scripted provider responses for the model server: the wire framings (Anthropic and OpenAI
// Responses SSE with `event:` lines, Chat Completions SSE ending in [DONE], Ollama NDJSON),
// the recorded provider streams in /work/shared/fixtures/recorded, small hand-written
// transcripts and provider-shaped error bodies.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ScriptedResponse } from './modelServer';

export type Json = Record<string, unknown>;

// ---- recorded fixtures -------------------------------------------------------------------

/** The recorded-fixture folder: `shared/fixtures/recorded` in this directory or one above it. */
export function recordedFixturesDir(): string {
  // A copy lives in the repository (test/fixtures/recorded), so a clone runs on its own.
  for (const start of [process.cwd(), __dirname]) {
    let dir = start;
    for (;;) {
      const candidate = join(dir, 'test', 'fixtures', 'recorded');
      if (existsSync(join(candidate, 'README.md'))) return candidate;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  for (const start of [process.cwd(), __dirname]) {
    let dir = start;
    for (;;) {
      const candidate = join(dir, 'shared', 'fixtures', 'recorded');
      if (existsSync(candidate)) return candidate;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error('recorded fixtures not found: expected shared/fixtures/recorded above the project root');
}

/** One recorded stream: each line is one provider payload exactly as sent. */
export function recordedFixture(file: string): Json[] {
  return readFileSync(join(recordedFixturesDir(), file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Json);
}

/** The recorded OpenAI Responses file holds several responses back to back; split them. */
export function recordedResponses(file: string): Json[][] {
  const responses: Json[][] = [];
  for (const event of recordedFixture(file)) {
    if (event.type === 'response.created' || responses.length === 0) responses.push([]);
    responses[responses.length - 1]?.push(event);
  }
  return responses;
}

// ---- framings -----------------------------------------------------------------------------

/** Anthropic Messages / OpenAI Responses framing: an `event:` line before each `data:` line. */
export function namedSse(events: Json[]): string[] {
  return events.map((e) => `event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`);
}

/** Chat Completions framing: `data:` lines, then `data: [DONE]`. */
export function chatSse(chunks: Json[], done = true): string[] {
  return [...chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`), ...(done ? ['data: [DONE]\n\n'] : [])];
}

export function ndjsonLines(lines: Json[]): string[] {
  return lines.map((l) => `${JSON.stringify(l)}\n`);
}

export function sseResponse(chunks: string[], extra: Partial<ScriptedResponse> = {}): ScriptedResponse {
  return { ...extra, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...extra.headers }, chunks };
}

export function ndjsonResponse(chunks: string[], extra: Partial<ScriptedResponse> = {}): ScriptedResponse {
  return { ...extra, headers: { 'content-type': 'application/x-ndjson', ...extra.headers }, chunks };
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): ScriptedResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, chunks: [JSON.stringify(body)] };
}

// ---- error bodies -------------------------------------------------------------------------

export function anthropicErrorBody(type: string, message: string): Json {
  return { type: 'error', error: { type, message }, request_id: 'req_test' };
}

export function openaiErrorBody(message: string, type: string, code: string | null = null): Json {
  return { error: { message, type, param: null, code } };
}

export function openrouterErrorBody(code: number, message: string): Json {
  return { error: { code, message } };
}

export function ollamaErrorBody(message: string): Json {
  return { error: message };
}

// ---- hand-written transcripts -------------------------------------------------------------

export interface AnthropicTranscript {
  thinking: string[];
  text: string[];
  inputTokens: number;
  outputTokens: number;
  thinkingTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/** A Messages stream: message_start, a thinking block (with pings), a text block, usage. */
export function anthropicEvents(t: AnthropicTranscript): Json[] {
  const events: Json[] = [
    {
      type: 'message_start',
      message: {
        id: 'msg_test',
        type: 'message',
        role: 'assistant',
        content: [],
        model: 'claude-sonnet-4-5',
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: t.inputTokens, cache_creation_input_tokens: t.cacheWriteTokens ?? 0, cache_read_input_tokens: t.cacheReadTokens ?? 0, output_tokens: 1 },
      },
    },
    { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
    { type: 'ping' },
    ...t.thinking.map((thinking) => ({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking } })),
    { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'c2lnbmF0dXJl' } },
    { type: 'content_block_stop', index: 0 },
    { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
    ...t.text.map((text) => ({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text } })),
    { type: 'content_block_stop', index: 1 },
    {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: {
        input_tokens: t.inputTokens,
        cache_read_input_tokens: t.cacheReadTokens ?? 0,
        output_tokens: t.outputTokens,
        ...(t.thinkingTokens !== undefined ? { output_tokens_details: { thinking_tokens: t.thinkingTokens } } : {}),
      },
    },
    { type: 'message_stop' },
  ];
  return events;
}

export interface ResponsesTranscript {
  summary: string[];
  text: string[];
  inputTokens: number;
  cachedTokens?: number;
  cacheWriteTokens?: number;
  outputTokens: number;
  reasoningTokens: number;
}

/** A Responses stream: a reasoning item with summary deltas, then a message item, then usage. */
export function openaiResponsesEvents(t: ResponsesTranscript): Json[] {
  let seq = 0;
  const e = (event: Json): Json => ({ ...event, sequence_number: seq++ });
  const response = { id: 'resp_test', object: 'response', created_at: 1, status: 'in_progress', model: 'gpt-5', output: [], usage: null };
  return [
    e({ type: 'response.created', response }),
    e({ type: 'response.in_progress', response }),
    e({ type: 'response.output_item.added', output_index: 0, item: { id: 'rs_1', type: 'reasoning', summary: [] } }),
    e({ type: 'response.reasoning_summary_part.added', item_id: 'rs_1', output_index: 0, summary_index: 0, part: { type: 'summary_text', text: '' } }),
    ...t.summary.map((delta) => e({ type: 'response.reasoning_summary_text.delta', item_id: 'rs_1', output_index: 0, summary_index: 0, delta, obfuscation: 'x' })),
    e({ type: 'response.reasoning_summary_text.done', item_id: 'rs_1', output_index: 0, summary_index: 0, text: t.summary.join('') }),
    e({ type: 'response.reasoning_summary_part.done', item_id: 'rs_1', output_index: 0, summary_index: 0, part: { type: 'summary_text', text: t.summary.join('') } }),
    e({ type: 'response.output_item.done', output_index: 0, item: { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: t.summary.join('') }], encrypted_content: 'enc' } }),
    e({ type: 'response.output_item.added', output_index: 1, item: { id: 'msg_1', type: 'message', status: 'in_progress', role: 'assistant', content: [] } }),
    e({ type: 'response.content_part.added', item_id: 'msg_1', output_index: 1, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }),
    ...t.text.map((delta) => e({ type: 'response.output_text.delta', item_id: 'msg_1', output_index: 1, content_index: 0, delta, logprobs: [] })),
    e({ type: 'response.output_text.done', item_id: 'msg_1', output_index: 1, content_index: 0, text: t.text.join(''), logprobs: [] }),
    e({
      type: 'response.output_item.done',
      output_index: 1,
      item: { id: 'msg_1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: t.text.join(''), annotations: [] }] },
    }),
    e({
      type: 'response.completed',
      response: {
        ...response,
        status: 'completed',
        usage: {
          input_tokens: t.inputTokens,
          input_tokens_details: { cached_tokens: t.cachedTokens ?? 0, ...(t.cacheWriteTokens !== undefined ? { cache_write_tokens: t.cacheWriteTokens } : {}) },
          output_tokens: t.outputTokens,
          output_tokens_details: { reasoning_tokens: t.reasoningTokens },
          total_tokens: t.inputTokens + t.outputTokens,
        },
      },
    }),
  ];
}

export interface ChatTranscript {
  model: string;
  /** Where the reasoning deltas go: DeepSeek `reasoning_content`, OpenRouter `reasoning`. */
  reasoningField?: 'reasoning_content' | 'reasoning';
  reasoning?: string[];
  content: string[];
  /** The final usage chunk (omitted: no usage at all). */
  usage?: Json;
  /** Put usage on the last choice chunk (DeepSeek) instead of a separate choices:[] chunk. */
  usageOnFinishChunk?: boolean;
}

export function chatCompletionChunks(t: ChatTranscript): Json[] {
  const base = { id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1, model: t.model };
  const chunk = (delta: Json, finish: string | null = null, usage: Json | null = null): Json => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }], usage });
  const field = t.reasoningField ?? 'reasoning_content';
  const chunks: Json[] = [chunk({ role: 'assistant', content: '' })];
  for (const r of t.reasoning ?? []) chunks.push(chunk({ content: null, [field]: r }));
  for (const c of t.content) chunks.push(chunk({ content: c }));
  if (t.usageOnFinishChunk) {
    chunks.push(chunk({ content: '' }, 'stop', t.usage ?? null));
  } else {
    chunks.push(chunk({ content: '' }, 'stop'));
    if (t.usage) chunks.push({ ...base, choices: [], usage: t.usage });
  }
  return chunks;
}

export interface OllamaTranscript {
  model: string;
  thinking: string[];
  content: string[];
  promptEvalCount: number;
  evalCount: number;
}

export function ollamaChatLines(t: OllamaTranscript): Json[] {
  const line = (message: Json): Json => ({ model: t.model, created_at: '2026-01-01T00:00:00Z', message: { role: 'assistant', ...message }, done: false });
  return [
    ...t.thinking.map((thinking) => line({ content: '', thinking })),
    ...t.content.map((content) => line({ content })),
    {
      model: t.model,
      created_at: '2026-01-01T00:00:01Z',
      message: { role: 'assistant', content: '' },
      done: true,
      done_reason: 'stop',
      total_duration: 1_000_000,
      load_duration: 1_000,
      prompt_eval_count: t.promptEvalCount,
      prompt_eval_duration: 1_000,
      eval_count: t.evalCount,
      eval_duration: 1_000,
    },
  ];
}
