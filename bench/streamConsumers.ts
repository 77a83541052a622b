// The consumers the stream benchmarks time: our ModelClient, the official SDKs (raw stream and
// accumulating helper) and the transport floor (fetch + decode). Each accumulates reasoning and
// answer text and reads the usage, so a run can be verified.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { ModelCall, ModelClient, ModelSpec, Usage } from '../src/core/modelClient';
import { createModelClient } from '../src/core/providers/providerFactory';
import { REQUEST_PATH, type ProviderName } from './streamTranscript';

const API_KEY = 'sk-bench-not-a-real-key';
const SYSTEM = 'You are a careful code reviewer.';
const PROMPT = 'Review this code:\nfunction add(a, b) { return a - b; }';


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
export const ALL_PATHS: readonly PathName[] = ['ours', 'sdk', 'sdk-helper', 'floor'];
/** BENCH_PATHS=ours (say) runs only those paths, e.g. to profile one of them. */
export const PATHS: readonly PathName[] = process.env.BENCH_PATHS ? ALL_PATHS.filter((p) => process.env.BENCH_PATHS!.split(',').includes(p)) : ALL_PATHS;
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

export function sdkConsumer(provider: ProviderName, baseUrl: string, helper: boolean): Consumer | undefined {
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
