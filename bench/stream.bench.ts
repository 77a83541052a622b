// Stream processing benchmark: one large reasoning transcript served by the local model server
// (test/support/modelServer.ts, no artificial delays), consumed through our provider path and
// through the official SDKs, side by side in one run.
//   node esbuild.mjs --tests && node bench/run.mjs stream
//   BENCH_RUNS=15 BENCH_WARMUP=3 BENCH_PROVIDERS=anthropic,openai BENCH_LAYERS=1   (defaults shown)
//
// Per provider, the same generated transcript (~1 MB of reasoning in 5,000 deltas plus ~100 KB of
// answer in 1,000 deltas, with quotes, backslashes, newlines and non-ASCII text) is read by:
//   ours        createModelClient(...).stream(call): fetch + eventsource-parser + a wire reader behind our
//               ModelClient, i.e. exactly what a review job consumes
//   sdk         the official SDK's raw stream: anthropic.messages.create({ stream: true }) /
//               openai.responses.create({ stream: true }); the headline comparison (target ≤ 1.0)
//   sdk-helper  the official SDK's accumulating helper: anthropic.messages.stream(...) /
//               openai.responses.stream(...) with finalMessage() / finalResponse() for usage
//   floor       fetch() and decode the body to text, no SSE or JSON parsing: the transport floor
// and, to show where our path's time goes (BENCH_LAYERS=0 leaves them out):
//   ai-streamText  streamText() on the adapter's model and settings, without our client's loop
//   ai-provider    the provider package's model.doStream() alone (no streamText)
// BENCH_PATHS=ours,sdk runs only the named paths (e.g. to profile one with node --cpu-prof).
// Every path accumulates reasoning and answer text and reads the usage; after each run (outside
// the timed region) both texts are compared with the expected ones and the usage with the
// transcript's, and the server must have answered exactly one request. Any mismatch fails the
// bench: a benchmark that silently drops data is worthless. (The ai-* layer paths check the text
// and the output token count; the AI SDK's own usage has no Anthropic thinking count.)
//
// The model server runs in a child process (this same bundle, forked) and closes the connection
// after each response (every path pays the same loopback connect), so the figures are the
// consumer's alone: wall time from the call to the last event, and the consumer process's CPU
// time (process.cpuUsage, user + system) over the same interval. Runs are interleaved (each round
// runs every path once, the starting path rotating), after warm-up rounds, with a GC before each
// run when --expose-gc is on (bench/run.mjs sets it).
// Prints machine details, a readable table, then one JSON line (prefix `BENCH_JSON `).
import Anthropic from '@anthropic-ai/sdk';
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { ModelCall, ModelClient, ModelSpec, Usage } from '../src/core/modelClient';
import { createModelClient } from '../src/core/providers/providerFactory';
import { ModelServer, type ScriptedResponse } from '../test/support/modelServer';
import { anthropicEvents, chatCompletionChunks, chatSse, namedSse, ndjsonLines, ollamaChatLines, openaiResponsesEvents, sseResponse } from '../test/support/transcripts';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { paceAndStartup } from './streamStartup';
import { rng } from '../test/support/seededRandom';
import { machine } from './machine';
import { median, stats, type Stats } from './stats';

const ROLE_ENV = 'DEEP_REVIEW_STREAM_BENCH_ROLE';
const API_KEY = 'sk-bench-not-a-real-key';
const SYSTEM = 'You are a careful code reviewer.';
const PROMPT = 'Review this code:\nfunction add(a, b) { return a - b; }';

const gc = (globalThis as { gc?: () => void }).gc;

// ---------------------------------------------------------------------------------------------
// Transcript

/** One per wire format: Anthropic Messages, OpenAI Responses, Chat Completions (as DeepSeek sends it), Ollama NDJSON. */
export type ProviderName = 'anthropic' | 'openai' | 'chat' | 'ollama';
const PROVIDERS: readonly ProviderName[] = ['anthropic', 'openai', 'chat', 'ollama'];
const SEEDS: Record<ProviderName, [number, number]> = { anthropic: [1, 3], openai: [2, 4], chat: [5, 6], ollama: [7, 8] };

interface Transcript {
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

// ---------------------------------------------------------------------------------------------
// The model server, in a child process

type ToServerBody = { type: 'load'; name: string; chunks: string[]; chunkDelayMs?: number } | { type: 'enqueue'; name: string } | { type: 'served' } | { type: 'close' };
type ToServer = ToServerBody & { id: number };
interface FromServer {
  id: number;
  url?: string;
  /** Requests the server received since the previous `served`, with their paths. */
  served?: string[];
  /** Scripted responses still queued (must be 0 when a run ends). */
  pending?: number;
  error?: string;
}

async function serverMain(): Promise<void> {
  const server = await ModelServer.start();
  const loaded = new Map<string, ScriptedResponse>();
  const reply = (message: FromServer): void => {
    process.send?.(message);
  };
  process.on('message', (raw: unknown) => {
    const message = raw as ToServer;
    switch (message.type) {
      case 'load':
        // A fresh connection per request, for every path alike: with keep-alive, a pooled socket
        // that the server times out (5 s) just as a request reuses it fails as "other side closed"
        // on a busy machine, and only some clients retry that.
        loaded.set(message.name, sseResponse(message.chunks, { headers: { connection: 'close' }, ...(message.chunkDelayMs ? { chunkDelayMs: message.chunkDelayMs } : {}) }));
        reply({ id: message.id });
        break;
      case 'enqueue': {
        const script = loaded.get(message.name);
        if (!script) {
          reply({ id: message.id, error: `no transcript ${message.name}` });
          break;
        }
        server.enqueue(script);
        reply({ id: message.id, pending: server.pending });
        break;
      }
      case 'served': {
        const served = server.requests.map((r) => `${r.method} ${r.path}`);
        server.requests.splice(0);
        reply({ id: message.id, served, pending: server.pending });
        break;
      }
      case 'close':
        void server.close().then(() => {
          reply({ id: message.id });
          process.exit(0);
        });
        break;
    }
  });
  process.on('disconnect', () => process.exit(0));
  reply({ id: 0, url: server.baseUrl });
}

export class ServerProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, (m: FromServer) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {
    child.on('message', (raw: unknown) => {
      const message = raw as FromServer;
      this.waiting.get(message.id)?.(message);
      this.waiting.delete(message.id);
    });
    child.on('exit', (code) => {
      for (const [id, settle] of this.waiting) settle({ id, error: `model server process exited with ${code}` });
      this.waiting.clear();
    });
  }

  static async start(): Promise<ServerProcess> {
    const child = fork(__filename, [], { env: { ...process.env, [ROLE_ENV]: 'server' }, execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await new Promise<FromServer>((resolve, reject) => {
      child.once('message', (m: unknown) => resolve(m as FromServer));
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`model server process exited with ${code}`)));
    });
    if (!ready.url) throw new Error('model server process sent no address');
    return new ServerProcess(child, ready.url);
  }

  private request(message: ToServerBody): Promise<FromServer> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (m) => (m.error ? reject(new Error(m.error)) : resolve(m)));
      this.child.send({ ...message, id });
    });
  }

  async load(name: string, chunks: string[], chunkDelayMs?: number): Promise<void> {
    await this.request({ type: 'load', name, chunks, ...(chunkDelayMs ? { chunkDelayMs } : {}) });
  }

  /** Queues one response for the next request. */
  async enqueue(name: string): Promise<void> {
    const m = await this.request({ type: 'enqueue', name });
    if (m.pending !== 1) throw new Error(`model server: ${m.pending} responses queued, expected exactly this one`);
  }

  /** The requests served since the previous call, and the responses still queued. */
  async served(): Promise<{ served: string[]; pending: number }> {
    const m = await this.request({ type: 'served' });
    return { served: m.served ?? [], pending: m.pending ?? 0 };
  }

  async close(): Promise<void> {
    await Promise.race([this.request({ type: 'close' }), new Promise((r) => setTimeout(r, 2_000))]);
    this.child.kill();
  }
}

// ---------------------------------------------------------------------------------------------
// The consumers

export interface Consumed {
  reasoning: string;
  answer: string;
  usage: { inputTokens: number; outputTokens: number; reasoningTokens: number } | undefined;
  events: number;
  /** Bytes and decoded characters read (floor only). */
  bytes?: number;
  chars?: number;
}

export type PathName = 'ours' | 'sdk' | 'sdk-helper' | 'floor';
const ALL_PATHS: readonly PathName[] = ['ours', 'sdk', 'sdk-helper', 'floor'];
/** BENCH_PATHS=ours (say) runs only those paths, e.g. to profile one of them. */
const PATHS: readonly PathName[] = process.env.BENCH_PATHS ? ALL_PATHS.filter((p) => process.env.BENCH_PATHS!.split(',').includes(p)) : ALL_PATHS;
export type Consumer = () => Promise<Consumed>;

const OUR_PROVIDER = { anthropic: 'anthropic', openai: 'openai', chat: 'deepseek', ollama: 'ollama' } as const;
const OUR_BASE = { anthropic: '/v1', openai: '/v1', chat: '/v1', ollama: '/api' } as const;

function spec(provider: ProviderName): ModelSpec {
  const model = { anthropic: 'claude-sonnet-4-6', openai: 'gpt-5', chat: 'deepseek-reasoner', ollama: 'qwen3:8b' }[provider];
  return { provider: OUR_PROVIDER[provider], model, reasoning: true, effort: 'high', maxThinkingTokens: 16_000, maxAnswerTokens: 4_096 };
}

export function oursConsumer(provider: ProviderName, baseUrl: string): Consumer {
  // The thinking cap is a safety net for runaway streams; the bench transcript is long on purpose.
  const client: ModelClient = createModelClient({ provider: OUR_PROVIDER[provider], apiKey: API_KEY, baseUrl: `${baseUrl}${OUR_BASE[provider]}` });
  return async () => {
    const call: ModelCall = { spec: { ...spec(provider), maxThinkingTokens: 1_000_000 }, system: SYSTEM, prompt: PROMPT, signal: new AbortController().signal };
    let reasoning = '';
    let answer = '';
    let usage: Usage | undefined;
    let events = 0;
    for await (const event of client.stream(call)) {
      events++;
      switch (event.type) {
        case 'reasoning-delta':
          reasoning += event.text;
          break;
        case 'answer-delta':
          answer += event.text;
          break;
        case 'usage':
          usage = event.usage;
          break;
        case 'retry':
          throw new Error(`our client retried: ${event.reason}`);
        case 'finish':
          if (event.reason !== 'stop') throw new Error(`our client finished with ${event.reason}`);
          break;
      }
    }
    return { reasoning, answer, usage: usage && { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, reasoningTokens: usage.reasoningTokens }, events };
  };
}

interface AnthropicUsageWire {
  input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

function anthropicRequest(): Anthropic.MessageCreateParamsNonStreaming {
  const s = spec('anthropic');
  return {
    model: s.model,
    max_tokens: s.maxThinkingTokens + s.maxAnswerTokens,
    thinking: { type: 'enabled', budget_tokens: s.maxThinkingTokens },
    system: SYSTEM,
    messages: [{ role: 'user', content: PROMPT }],
  };
}

export function anthropicSdkConsumer(baseUrl: string, helper: boolean): Consumer {
  // The official SDK takes the host and adds /v1 itself.
  const client = new Anthropic({ apiKey: API_KEY, baseURL: baseUrl, maxRetries: 0 });
  const usageOf = (input: AnthropicUsageWire | undefined, output: AnthropicUsageWire | undefined): Consumed['usage'] =>
    input && output
      ? {
          inputTokens: (input.input_tokens ?? 0) + (input.cache_creation_input_tokens ?? 0) + (input.cache_read_input_tokens ?? 0),
          outputTokens: output.output_tokens ?? 0,
          reasoningTokens: output.output_tokens_details?.thinking_tokens ?? 0,
        }
      : undefined;
  if (!helper) {
    return async () => {
      const stream = await client.messages.create({ ...anthropicRequest(), stream: true });
      let reasoning = '';
      let answer = '';
      let events = 0;
      let input: AnthropicUsageWire | undefined;
      let output: AnthropicUsageWire | undefined;
      for await (const event of stream) {
        events++;
        switch (event.type) {
          case 'message_start':
            input = event.message.usage as AnthropicUsageWire;
            break;
          case 'content_block_delta':
            if (event.delta.type === 'thinking_delta') reasoning += event.delta.thinking;
            else if (event.delta.type === 'text_delta') answer += event.delta.text;
            break;
          case 'message_delta':
            output = event.usage as AnthropicUsageWire;
            if (event.delta.stop_reason !== 'end_turn') throw new Error(`stop reason ${event.delta.stop_reason}`);
            break;
          default:
            break;
        }
      }
      return { reasoning, answer, usage: usageOf(input, output), events };
    };
  }
  return async () => {
    const stream = client.messages.stream(anthropicRequest());
    let reasoning = '';
    let answer = '';
    let events = 0;
    for await (const event of stream) {
      events++;
      if (event.type === 'content_block_delta') {
        if (event.delta.type === 'thinking_delta') reasoning += event.delta.thinking;
        else if (event.delta.type === 'text_delta') answer += event.delta.text;
      }
    }
    const final = await stream.finalMessage();
    if (final.stop_reason !== 'end_turn') throw new Error(`stop reason ${final.stop_reason}`);
    // The accumulated message keeps message_start's input counts and message_delta's output ones.
    const usage = final.usage as AnthropicUsageWire;
    return { reasoning, answer, usage: usageOf(usage, usage), events };
  };
}

interface ResponsesUsageWire {
  input_tokens: number;
  output_tokens: number;
  output_tokens_details?: { reasoning_tokens?: number };
}

function openaiRequest(): Omit<OpenAI.Responses.ResponseCreateParamsNonStreaming, 'stream'> {
  const s = spec('openai');
  return {
    model: s.model,
    instructions: SYSTEM,
    input: PROMPT,
    max_output_tokens: s.maxThinkingTokens + s.maxAnswerTokens,
    reasoning: { effort: s.effort, summary: 'auto' },
    store: false,
  };
}

export function openaiSdkConsumer(baseUrl: string, helper: boolean): Consumer {
  const client = new OpenAI({ apiKey: API_KEY, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
  const usageOf = (u: ResponsesUsageWire | null | undefined): Consumed['usage'] =>
    u ? { inputTokens: u.input_tokens, outputTokens: u.output_tokens, reasoningTokens: u.output_tokens_details?.reasoning_tokens ?? 0 } : undefined;
  return async () => {
    const stream = helper ? client.responses.stream(openaiRequest()) : await client.responses.create({ ...openaiRequest(), stream: true });
    let reasoning = '';
    let answer = '';
    let events = 0;
    let usage: Consumed['usage'];
    for await (const event of stream) {
      events++;
      switch (event.type) {
        case 'response.reasoning_summary_text.delta':
          reasoning += event.delta;
          break;
        case 'response.output_text.delta':
          answer += event.delta;
          break;
        case 'response.completed':
          if (event.response.status !== 'completed') throw new Error(`status ${event.response.status}`);
          usage = usageOf(event.response.usage);
          break;
        default:
          break;
      }
    }
    if (helper && 'finalResponse' in stream) usage = usageOf((await stream.finalResponse()).usage);
    return { reasoning, answer, usage, events };
  };
}

/** The official openai SDK on Chat Completions (DeepSeek's reasoning_content read from the raw delta). */
export function chatSdkConsumer(baseUrl: string, helper: boolean): Consumer {
  const client = new OpenAI({ apiKey: API_KEY, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
  const s = spec('chat');
  const request = { model: s.model, messages: [{ role: 'system' as const, content: SYSTEM }, { role: 'user' as const, content: PROMPT }], max_tokens: s.maxThinkingTokens + s.maxAnswerTokens };
  return async () => {
    const stream = helper ? client.chat.completions.stream({ ...request, stream_options: { include_usage: true } }) : await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
    let reasoning = '';
    let answer = '';
    let events = 0;
    let usage: Consumed['usage'];
    for await (const chunk of stream) {
      events++;
      const delta = chunk.choices[0]?.delta as { content?: string | null; reasoning_content?: string } | undefined;
      if (delta?.reasoning_content) reasoning += delta.reasoning_content;
      if (delta?.content) answer += delta.content;
      if (chunk.usage) usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens, reasoningTokens: chunk.usage.completion_tokens_details?.reasoning_tokens ?? 0 };
    }
    return { reasoning, answer, usage, events };
  };
}

function sdkConsumer(provider: ProviderName, baseUrl: string, helper: boolean): Consumer | undefined {
  switch (provider) {
    case 'anthropic':
      return anthropicSdkConsumer(baseUrl, helper);
    case 'openai':
      return openaiSdkConsumer(baseUrl, helper);
    case 'chat':
      return chatSdkConsumer(baseUrl, helper);
    case 'ollama':
      // No official Ollama SDK among the dev dependencies: ours is compared with the floor only.
      return undefined;
  }
}

function floorBody(provider: ProviderName): string {
  switch (provider) {
    case 'anthropic':
      return JSON.stringify({ ...anthropicRequest(), stream: true });
    case 'openai':
      return JSON.stringify({ ...openaiRequest(), stream: true });
    default:
      return JSON.stringify({ model: spec(provider).model, messages: [{ role: 'user', content: PROMPT }], stream: true });
  }
}

/** The transport floor: the same POST, the body decoded to text and dropped. */
export function floorConsumer(provider: ProviderName, baseUrl: string): Consumer {
  const url = `${baseUrl}${REQUEST_PATH[provider]}`;
  const body = floorBody(provider);
  return async () => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` }, body });
    if (!response.ok || !response.body) throw new Error(`floor: HTTP ${response.status}`);
    const decoder = new TextDecoder();
    let bytes = 0;
    let chars = 0;
    let events = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      chars += decoder.decode(value, { stream: true }).length;
      events++;
    }
    chars += decoder.decode().length;
    return { reasoning: '', answer: '', usage: undefined, events, bytes, chars };
  };
}

// ---------------------------------------------------------------------------------------------
// Measurement

interface Sample {
  wallMs: number;
  cpuMs: number;
  events: number;
  /** Longest event-loop block during the run (monitorEventLoopDelay max, 1 ms resolution). */
  loopMaxMs: number;
}




/** Checks one run: everything arrived, the usage matches, the server answered exactly once. */
export function verify(path: PathName, t: Transcript, out: Consumed, served: string[], pending: number): void {
  const where = `${t.provider}/${path}`;
  const expectedPath = `POST ${REQUEST_PATH[t.provider]}`;
  if (pending !== 0 || served.length !== 1 || served[0] !== expectedPath) {
    throw new Error(`${where}: the server should have answered one ${expectedPath}, it answered [${served.join(', ')}] with ${pending} left`);
  }
  if (path === 'floor') {
    if (out.bytes !== t.bytes) throw new Error(`${where}: read ${out.bytes} bytes, the transcript has ${t.bytes}`);
    return;
  }
  if (out.reasoning.length !== t.reasoning.length || out.reasoning !== t.reasoning) {
    throw new Error(`${where}: reasoning has ${out.reasoning.length} chars, expected ${t.reasoning.length}${out.reasoning.length === t.reasoning.length ? ' (same length, different text)' : ''}`);
  }
  if (out.answer.length !== t.answer.length || out.answer !== t.answer) {
    throw new Error(`${where}: answer has ${out.answer.length} chars, expected ${t.answer.length}${out.answer.length === t.answer.length ? ' (same length, different text)' : ''}`);
  }
  const u = out.usage;
  if (!u || u.inputTokens !== t.usage.inputTokens || u.outputTokens !== t.usage.outputTokens || u.reasoningTokens !== t.usage.reasoningTokens) {
    throw new Error(`${where}: usage ${JSON.stringify(u)}, expected ${JSON.stringify(t.usage)}`);
  }
}

interface PathResult {
  wall: Stats;
  cpu: Stats;
  eventsPerRun: number;
  wallSamplesMs: number[];
  cpuSamplesMs: number[];
  loopBlockMedianMs: number;
  loopBlockMaxMs: number;
}

const ratio = (a: number | undefined, b: number | undefined): number | null => (a !== undefined && b !== undefined && b > 0 ? a / b : null);

interface ProviderResult {
  provider: ProviderName;
  transcript: { reasoningChars: number; answerChars: number; reasoningDeltas: number; answerDeltas: number; sseEvents: number; sseBytes: number };
  paths: Partial<Record<PathName, PathResult>>;
  /** null where a path was not run (BENCH_PATHS). */
  ratios: {
    /** ours ÷ official raw stream: the target (≤ 1.0). */
    wallMedian: number | null;
    wallP95: number | null;
    cpuMedian: number | null;
    /** Median of the per-round ratios (runs of a round are adjacent in time). */
    wallPairedMedian: number | null;
    cpuPairedMedian: number | null;
    /** ours ÷ official accumulating helper. */
    wallMedianVsHelper: number | null;
    cpuMedianVsHelper: number | null;
  };
  verifiedRuns: number;
}

async function benchProvider(t: Transcript, server: ServerProcess, rounds: number, warmup: number): Promise<ProviderResult> {
  const { provider } = t;
  const consumers: Partial<Record<PathName, Consumer>> = {
    ours: oursConsumer(provider, server.baseUrl),
    sdk: sdkConsumer(provider, server.baseUrl, false),
    'sdk-helper': sdkConsumer(provider, server.baseUrl, true),
    floor: floorConsumer(provider, server.baseUrl),
  };
  const runPaths = PATHS.filter((p) => consumers[p] !== undefined);
  const samples: Record<PathName, Sample[]> = { ours: [], sdk: [], 'sdk-helper': [], floor: [] };
  let verifiedRuns = 0;
  for (let round = 0; round < warmup + rounds; round++) {
    for (let k = 0; k < runPaths.length; k++) {
      const path = runPaths[(round + k) % runPaths.length]!;
      await server.enqueue(provider);
      gc?.();
      // The longest the event loop was blocked while this stream arrived at full speed.
      const loop = monitorEventLoopDelay({ resolution: 1 });
      loop.enable();
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      const out = await consumers[path]!();
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      const cpu = process.cpuUsage(cpu0);
      loop.disable();
      const loopMaxMs = loop.max / 1e6;
      const { served, pending } = await server.served();
      verify(path, t, out, served, pending);
      verifiedRuns++;
      if (round >= warmup) samples[path].push({ wallMs, cpuMs: (cpu.user + cpu.system) / 1e3, events: out.events, loopMaxMs });
    }
  }
  const paths: ProviderResult['paths'] = {};
  for (const p of runPaths) {
    const wall = samples[p].map((s) => s.wallMs);
    const cpu = samples[p].map((s) => s.cpuMs);
    const loop = samples[p].map((s) => s.loopMaxMs);
    paths[p] = { wall: stats(wall), cpu: stats(cpu), eventsPerRun: samples[p][0]?.events ?? 0, wallSamplesMs: wall.map(round3), cpuSamplesMs: cpu.map(round3), loopBlockMedianMs: round3(median(loop)), loopBlockMaxMs: round3(Math.max(...loop)) };
  }
  const paired = (key: 'wallMs' | 'cpuMs') => (samples.ours.length && samples.sdk.length ? median(samples.ours.map((s, i) => s[key] / samples.sdk[i]![key])) : null);
  const { ours, sdk } = paths;
  const helper = paths['sdk-helper'];
  return {
    provider,
    transcript: {
      reasoningChars: t.reasoning.length,
      answerChars: t.answer.length,
      reasoningDeltas: t.reasoningDeltas.length,
      answerDeltas: t.answerDeltas.length,
      sseEvents: t.chunks.length,
      sseBytes: t.bytes,
    },
    paths,
    ratios: {
      wallMedian: ratio(ours?.wall.medianMs, sdk?.wall.medianMs),
      wallP95: ratio(ours?.wall.p95Ms, sdk?.wall.p95Ms),
      cpuMedian: ratio(ours?.cpu.medianMs, sdk?.cpu.medianMs),
      wallPairedMedian: paired('wallMs'),
      cpuPairedMedian: paired('cpuMs'),
      wallMedianVsHelper: ratio(ours?.wall.medianMs, helper?.wall.medianMs),
      cpuMedianVsHelper: ratio(ours?.cpu.medianMs, helper?.cpu.medianMs),
    },
    verifiedRuns,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

// ---------------------------------------------------------------------------------------------
// Report

function packageVersion(name: string): string {
  const file = join(process.cwd(), 'node_modules', name, 'package.json');
  if (!existsSync(file)) return 'unknown';
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
}

function machineWithPackages() {
  return {
    ...machine(),
    availableParallelism: availableParallelism(),
    packages: Object.fromEntries(['eventsource-parser', '@anthropic-ai/sdk', 'openai'].map((p) => [p, packageVersion(p)])),
  };
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)).padStart(7);
const fmtRatio = (r: number | null) => (r === null ? 'n/a' : r.toFixed(2));

function printProvider(r: ProviderResult): void {
  const t = r.transcript;
  const n = Object.values(r.paths)[0]?.wall.n ?? 0;
  console.log(
    `\n${r.provider}: ${t.reasoningChars.toLocaleString('en-US')} reasoning chars in ${t.reasoningDeltas} deltas + ${t.answerChars.toLocaleString('en-US')} answer chars in ${t.answerDeltas} deltas; ` +
      `${t.sseEvents} SSE events, ${(t.sseBytes / 2 ** 20).toFixed(2)} MiB; ${n} measured runs per path, all ${r.verifiedRuns} runs (warm-up included) verified`,
  );
  console.log(`  ${'path'.padEnd(11)} ${'wall med'.padStart(9)} ${'wall p95'.padStart(9)} ${'CPU med'.padStart(9)} ${'CPU p95'.padStart(9)} ${'block med'.padStart(9)} ${'block max'.padStart(9)}  ${'ours ÷ this (wall / CPU, medians)'}`);
  const ours = r.paths.ours;
  for (const p of PATHS) {
    const s = r.paths[p];
    if (!s) continue;
    const vs = p === 'ours' || !ours ? '' : `${fmtRatio(ratio(ours.wall.medianMs, s.wall.medianMs))} / ${fmtRatio(ratio(ours.cpu.medianMs, s.cpu.medianMs))}`;
    console.log(`  ${p.padEnd(11)} ${fmt(s.wall.medianMs)}ms ${fmt(s.wall.p95Ms)}ms ${fmt(s.cpu.medianMs)}ms ${fmt(s.cpu.p95Ms)}ms ${fmt(s.loopBlockMedianMs)}ms ${fmt(s.loopBlockMaxMs)}ms  ${vs}`);
  }
  const { wallMedian } = r.ratios;
  if (wallMedian === null) return;
  console.log(
    `  ours ÷ sdk: wall median ${fmtRatio(wallMedian)} (paired ${fmtRatio(r.ratios.wallPairedMedian)}), p95 ${fmtRatio(r.ratios.wallP95)}, CPU median ${fmtRatio(r.ratios.cpuMedian)} (paired ${fmtRatio(r.ratios.cpuPairedMedian)})  ` +
      ((r.ratios.cpuMedian ?? Infinity) <= 1 ? '✔ CPU target ≤ 1.0 met' : '✘ CPU target ≤ 1.0 MISSED'),
  );
}

async function main(): Promise<void> {
  const rounds = Number(process.env.BENCH_RUNS ?? 15);
  const warmup = Number(process.env.BENCH_WARMUP ?? 3);
  const providers = (process.env.BENCH_PROVIDERS ?? PROVIDERS.join(','))
    .split(',')
    .map((p) => p.trim())
    .filter((p): p is ProviderName => (PROVIDERS as readonly string[]).includes(p));
  const m = machineWithPackages();
  console.log(`Stream processing: our ModelClient vs the official SDKs, same local server and transcript`);
  console.log(`Machine: ${m.cpu}, ${m.cores} cores (available ${m.availableParallelism}), ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node} (V8 ${m.v8}), load ${m.loadAverage1m}, gc ${m.gcExposed ? 'exposed' : 'NOT exposed'}`);
  console.log(`Packages: ${Object.entries(m.packages).map(([k, v]) => `${k}@${v}`).join(', ')}`);
  console.log(`Rounds: ${warmup} warm-up + ${rounds} measured; each round runs ${PATHS.join(', ')} once (rotating start); server in a child process`);

  const server = await ServerProcess.start();
  const results: ProviderResult[] = [];
  let extra: unknown;
  try {
    // Everything is generated and handed to the server before the first measured request.
    const transcripts = providers.map((p) => buildTranscript(p));
    for (const t of transcripts) await server.load(t.provider, t.chunks);
    for (const t of transcripts) {
      const r = await benchProvider(t, server, rounds, warmup);
      printProvider(r);
      results.push(r);
    }
    if (process.env.BENCH_EXTRA !== '0') extra = await paceAndStartup(server);
  } finally {
    await server.close();
  }
  console.log(
    `BENCH_JSON ${JSON.stringify({
      extra,
      bench: 'stream',
      machine: { ...m, loadAverage1mAtEnd: Math.round(loadavg()[0]! * 100) / 100 },
      rounds,
      warmup,
      targetRatio: 1.0,
      results,
    })}`,
  );
}

if (process.env[ROLE_ENV] === 'server') {
  void serverMain();
} else if (process.env.DEEP_REVIEW_STREAM_BENCH_LIBRARY !== '1') {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
