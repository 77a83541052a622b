// The fault matrix: every provider failure Deep Review must survive, scripted for the local model
// server, with what the engine is expected to make of it. Used end to end by
// test/unit/faultMatrix.test.ts (engine and CLI), which also writes/checks docs/reliability.md.
import { gzipSync } from 'node:zlib';
import type { ModelErrorKind } from '../../src/core/modelError';
import type { ProviderId } from '../../src/core/modelClient';
import { EMPTY_AFTER_REASONING_WARNING, UNSTRUCTURED_WARNING } from '../../src/core/results/resultParser';
import type { ScriptedResponse } from './modelServer';
import { anthropicErrorBody, anthropicEvents, chatCompletionChunks, chatSse, jsonResponse, namedSse, sseResponse } from './transcripts';
import { thinkingOverrunWarning } from '../../src/core/providers/errorMessages';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../../src/core/providers/providerFactory';

/** The reviewed file: 7 lines with an off-by-one in the loop bound. */
export const FAULT_CODE = ['export function average(values: number[]): number {', '  let total = 0;', '  for (let i = 0; i <= values.length; i++) {', '    total += values[i];', '  }', '  return total / values.length;', '}', ''].join('\n');

/** A well-formed answer with one finding on line 3. */
export const FAULT_ANSWER = JSON.stringify({
  summary: 'Off-by-one: the loop reads past the end.',
  findings: [{ title: 'Loop reads values[values.length]', severity: 'high', confidence: 0.9, startLine: 3, endLine: 3, explanation: 'Use < instead of <=.', suggestedFix: '  for (let i = 0; i < values.length; i++) {' }],
  answer: 'Change `<=` to `<`.',
});

/** What the model is made to say instead of the requested JSON. */
export const PROSE_ANSWER = 'The loop bound looks inclusive, so the last iteration reads past the end. I would change it to a strict comparison.';

export const FAULT_REASONING = ['Looking ', 'closely.'];

/** What every complete transcript bills: 1,200 input tokens, 900 output of which 500 thinking. */
export const BILLED = { inputTokens: 1200, outputTokens: 900, reasoningTokens: 500 };

const pieces = (s: string): string[] => s.match(/[\s\S]{1,40}/g) ?? [];

export interface FaultProvider {
  provider: ProviderId;
  /** The provider's label in messages. */
  label: string;
  /** The wire format, for the doc. */
  wire: string;
  model: string;
  basePath: string;
  keyEnv: string;
  /** A complete streamed answer: reasoning first, then `answer` (FAULT_ANSWER by default). */
  stream(answer?: string, reasoning?: string[]): string[];
  /** How many chunks of `stream()` it takes to deliver all of FAULT_REASONING. */
  reasoningChunks: number;
}

export const ANTHROPIC: FaultProvider = {
  provider: 'anthropic',
  label: 'Anthropic',
  wire: 'Anthropic Messages',
  model: 'claude-sonnet-4-5',
  basePath: '/v1',
  keyEnv: 'ANTHROPIC_API_KEY',
  stream: (answer = FAULT_ANSWER, reasoning = FAULT_REASONING) =>
    namedSse(anthropicEvents({ thinking: reasoning, text: pieces(answer), inputTokens: BILLED.inputTokens, outputTokens: BILLED.outputTokens, thinkingTokens: BILLED.reasoningTokens })),
  // message_start, content_block_start, ping, two thinking deltas
  reasoningChunks: 5,
};

export const OPENROUTER: FaultProvider = {
  provider: 'openrouter',
  label: 'OpenRouter',
  wire: 'Chat Completions (OpenRouter)',
  model: 'anthropic/claude-sonnet-4.5',
  basePath: '/api/v1',
  keyEnv: 'OPENROUTER_API_KEY',
  stream: (answer = FAULT_ANSWER, reasoning = FAULT_REASONING) =>
    chatSse(
      chatCompletionChunks({
        model: 'anthropic/claude-sonnet-4.5',
        reasoningField: 'reasoning',
        reasoning,
        content: pieces(answer),
        usage: { prompt_tokens: BILLED.inputTokens, completion_tokens: BILLED.outputTokens, total_tokens: BILLED.inputTokens + BILLED.outputTokens, completion_tokens_details: { reasoning_tokens: BILLED.reasoningTokens } },
      }),
    ),
  // the role chunk, two reasoning chunks
  reasoningChunks: 3,
};

/**
 * A server that counts reasoning beside completion_tokens (xAI's convention; some OpenAI-compatible
 * servers do the same): total = prompt + completion + reasoning. A local server here, serving a
 * model with a list price, so the row also shows that detection does not depend on the vendor.
 */
export const REASONING_OUTSIDE: FaultProvider = {
  provider: 'openai-compatible',
  label: 'OpenAI-compatible server',
  wire: 'Chat Completions (OpenAI-compatible server)',
  model: 'deepseek-reasoner',
  basePath: '/v1',
  keyEnv: 'OPENAI_COMPATIBLE_API_KEY',
  stream: (answer = FAULT_ANSWER, reasoning = FAULT_REASONING) =>
    chatSse(
      chatCompletionChunks({
        model: 'deepseek-reasoner',
        reasoningField: 'reasoning_content',
        reasoning,
        content: pieces(answer),
        usage: {
          prompt_tokens: BILLED.inputTokens,
          completion_tokens: BILLED.outputTokens - BILLED.reasoningTokens,
          total_tokens: BILLED.inputTokens + BILLED.outputTokens,
          completion_tokens_details: { reasoning_tokens: BILLED.reasoningTokens },
        },
      }),
    ),
  reasoningChunks: 3,
};

/** How the engine bills the faulty job in the ledger. */
export type Billing =
  /** Nothing was billed: 0 tokens, $0. */
  | 'nothing'
  /** Exactly the usage the provider reported at the end of the stream. */
  | 'reported'
  /** A stream cut after output: input as the provider reported it (or estimated), output estimated from the text that arrived. */
  | 'partial';

export interface FaultExpectation {
  status: 'succeeded' | 'failed';
  /** The ModelError kind on a failed job. */
  kind?: ModelErrorKind;
  /** The job's error message (failed) — checked against this. */
  message?: RegExp;
  /** A warning the succeeded job must carry. */
  warning?: string;
  /** job.retries: retries made after the first attempt. */
  retries: number;
  /** HTTP requests that reached the server. */
  requests: number;
  /** Waits the client asked for before each retry (random jitter fixed at 0). */
  sleeps: readonly number[];
  /** The reasoning streamed before the failure is still on the job. */
  reasoningKept: boolean;
  /** The reasoning on the job when it is not FAULT_REASONING (e.g. cut short by the client). */
  reasoningText?: string;
  billed: Billing;
  /** Input tokens the provider reported before a partial stream broke (undefined: estimated). */
  partialInputTokens?: number;
  /** Output tokens billed for a partial stream when not the estimate of the text that arrived. */
  partialOutputTokens?: number;
  /** Whether the analysis ends up in the cache. */
  cached: boolean;
  /** Findings on a succeeded job. */
  findings?: number;
}

export interface FaultCase {
  id: string;
  /** The "fault" column of the doc (markdown). */
  fault: string;
  via: FaultProvider;
  /** The server's responses, in order. `cli`: the CLI has no injected sleep, so waits are kept short. */
  script(target: 'engine' | 'cli'): ScriptedResponse[];
  /** Idle timeout for this row (default: generous). */
  idleTimeoutMs?: number;
  /** Also run through the CLI child process. */
  cli: boolean;
  expect: FaultExpectation;
}

const anthropicError = (status: number, type: string, message: string, headers: Record<string, string> = {}): ScriptedResponse => jsonResponse(status, anthropicErrorBody(type, message), headers);
const times = <T>(n: number, make: () => T): T[] => Array.from({ length: n }, make);
const reasoningThen = (p: FaultProvider, ...rest: string[]): string[] => [...p.stream().slice(0, p.reasoningChunks), ...rest];

/** The stall row's idle timeout: short for the test, long enough for a busy machine to connect. */
export const STALL_IDLE_MS = 2000;

const HTTP_FAILURE = { retries: 0, requests: 1, sleeps: [], reasoningKept: false, billed: 'nothing', cached: false } as const;
const MID_STREAM_FAILURE = { retries: 0, requests: 1, sleeps: [], reasoningKept: true, billed: 'partial', cached: false } as const;

export const FAULT_CASES: FaultCase[] = [
  {
    id: '401',
    fault: '401 Unauthorized (bad API key)',
    via: ANTHROPIC,
    script: () => [anthropicError(401, 'authentication_error', 'invalid x-api-key')],
    cli: true,
    expect: { ...HTTP_FAILURE, status: 'failed', kind: 'auth', message: /^Anthropic rejected the API key \(401\): invalid x-api-key\. Run “Deep Review: Set API Key” or set ANTHROPIC_API_KEY\.$/ },
  },
  {
    id: '403',
    fault: '403 Forbidden (model not allowed for the key)',
    via: ANTHROPIC,
    script: () => [anthropicError(403, 'permission_error', 'Your API key does not have permission to use the specified resource')],
    cli: false,
    expect: { ...HTTP_FAILURE, status: 'failed', kind: 'permission', message: /^Anthropic refused access to “claude-sonnet-4-5” \(403\): .*Check that your API key's account/ },
  },
  {
    id: '404',
    fault: '404 model not found',
    via: ANTHROPIC,
    script: () => [anthropicError(404, 'not_found_error', 'model: claude-sonnet-4-5')],
    cli: false,
    expect: { ...HTTP_FAILURE, status: 'failed', kind: 'not-found', message: /^Anthropic has no model “claude-sonnet-4-5” \(404\): model: claude-sonnet-4-5\. Check the model name/ },
  },
  {
    id: '400-context',
    fault: '400 context too long',
    via: ANTHROPIC,
    script: () => [anthropicError(400, 'invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum')],
    cli: false,
    expect: { ...HTTP_FAILURE, status: 'failed', kind: 'context-too-long', message: /^The request is too long for “claude-sonnet-4-5” \(400\): prompt is too long.*Review a smaller selection/ },
  },
  {
    id: '429',
    fault: '429 rate limit with `retry-after: 1`, then success',
    via: ANTHROPIC,
    script: () => [anthropicError(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', { 'retry-after': '1' }), sseResponse(ANTHROPIC.stream())],
    cli: true,
    expect: { status: 'succeeded', retries: 1, requests: 2, sleeps: [1000], reasoningKept: true, billed: 'reported', cached: true, findings: 1 },
  },
  {
    id: '500',
    fault: '500 server error, then success',
    via: ANTHROPIC,
    script: () => [anthropicError(500, 'api_error', 'Internal server error'), sseResponse(ANTHROPIC.stream())],
    cli: false,
    expect: { status: 'succeeded', retries: 1, requests: 2, sleeps: [500], reasoningKept: true, billed: 'reported', cached: true, findings: 1 },
  },
  {
    id: '503',
    fault: '503 Service Unavailable on every attempt',
    via: ANTHROPIC,
    script: () => times(4, () => anthropicError(503, 'overloaded_error', 'Service Unavailable')),
    cli: false,
    expect: { ...HTTP_FAILURE, status: 'failed', kind: 'overloaded', message: /^Anthropic is overloaded \(503\) after 4 attempts: Service Unavailable\. Try again in a few minutes/, retries: 3, requests: 4, sleeps: [500, 1000, 2000] },
  },
  {
    id: '529',
    fault: '529 overloaded on every attempt',
    via: ANTHROPIC,
    // The CLI cannot take an injected sleep; `retry-after-ms: 1` keeps its real waits short.
    script: (target) => times(4, () => anthropicError(529, 'overloaded_error', 'Overloaded', target === 'cli' ? { 'retry-after-ms': '1' } : {})),
    cli: true,
    expect: { ...HTTP_FAILURE, status: 'failed', kind: 'overloaded', message: /^Anthropic is overloaded \(529\) after 4 attempts: Overloaded\. Try again in a few minutes, or choose another model\.$/, retries: 3, requests: 4, sleeps: [500, 1000, 2000] },
  },
  {
    id: 'error-event',
    fault: '`event: error` (overloaded) inside a 200 stream, after reasoning',
    via: ANTHROPIC,
    script: () => [sseResponse(reasoningThen(ANTHROPIC, 'event: error\ndata: {"type":"error","error":{"details":null,"type":"overloaded_error","message":"Overloaded"}}\n\n'))],
    cli: true,
    expect: {
      ...MID_STREAM_FAILURE,
      status: 'failed',
      kind: 'stream-error',
      message: /^Anthropic reported an error mid-response: .*Overloaded\. Try again in a few minutes\.$/,
      partialInputTokens: BILLED.inputTokens,
    },
  },
  {
    id: 'data-error',
    fault: '`data: {"error":…}` inside a 200 stream, after reasoning',
    via: OPENROUTER,
    script: () => [sseResponse(reasoningThen(OPENROUTER, 'data: {"error":{"code":502,"message":"Upstream provider disconnected"}}\n\n'))],
    cli: false,
    expect: { ...MID_STREAM_FAILURE, status: 'failed', kind: 'stream-error', message: /^OpenRouter reported an error mid-response: .*Upstream provider disconnected\. Try again\.$/ },
  },
  {
    id: 'reset',
    fault: 'connection reset mid-stream, after reasoning',
    via: ANTHROPIC,
    script: () => [sseResponse(ANTHROPIC.stream(), { faultAfterChunks: ANTHROPIC.reasoningChunks, ending: 'reset' })],
    cli: true,
    expect: { ...MID_STREAM_FAILURE, status: 'failed', kind: 'network', message: /^The connection to Anthropic was cut mid-response.*Check your network connection, proxy and the base URL\.$/, partialInputTokens: BILLED.inputTokens },
  },
  {
    id: 'stall',
    fault: `stalled stream after reasoning (idle timeout ${STALL_IDLE_MS / 1000} s)`,
    via: ANTHROPIC,
    script: () => [sseResponse(ANTHROPIC.stream(), { faultAfterChunks: ANTHROPIC.reasoningChunks, ending: 'stall' })],
    idleTimeoutMs: STALL_IDLE_MS,
    cli: true,
    expect: { ...MID_STREAM_FAILURE, status: 'failed', kind: 'timeout', message: new RegExp(`^Anthropic sent nothing for ${STALL_IDLE_MS / 1000} s, so Deep Review stopped waiting\\. Try again, or raise the idle timeout`), partialInputTokens: BILLED.inputTokens },
  },
  {
    id: 'malformed-line',
    fault: 'malformed SSE line after reasoning',
    via: ANTHROPIC,
    script: () => [sseResponse([...reasoningThen(ANTHROPIC, 'data: {"choices": [\n\n'), ...ANTHROPIC.stream().slice(ANTHROPIC.reasoningChunks)])],
    cli: false,
    // The SDK reads on past the bad line, so the rest of the response and its usage arrive: the
    // job fails, and the ledger holds the full usage the provider reported.
    expect: { ...MID_STREAM_FAILURE, status: 'failed', kind: 'malformed-stream', message: /^Anthropic sent a response Deep Review could not read.*Check that the base URL/, billed: 'reported' },
  },
  {
    id: 'prose-answer',
    fault: 'the model answers prose instead of the requested JSON',
    via: ANTHROPIC,
    script: () => [sseResponse(ANTHROPIC.stream(PROSE_ANSWER))],
    cli: true,
    expect: { status: 'succeeded', warning: UNSTRUCTURED_WARNING, retries: 0, requests: 1, sleeps: [], reasoningKept: true, billed: 'reported', cached: true, findings: 0 },
  },
  {
    id: 'empty-answer',
    fault: 'empty answer after reasoning',
    via: ANTHROPIC,
    script: () => [sseResponse(ANTHROPIC.stream(''))],
    cli: false,
    // Reasoning streamed separately, so the warning says the model may have run out of tokens.
    expect: { status: 'succeeded', warning: EMPTY_AFTER_REASONING_WARNING, retries: 0, requests: 1, sleeps: [], reasoningKept: true, billed: 'reported', cached: false, findings: 0 },
  },
];

/** Thinking that never stops: 400-character deltas (100 estimated tokens each). */
const RUNAWAY_DELTA = 'Consider the bound again, and again, and again. '.repeat(9).slice(0, 400);
/** With maxThinkingTokens 4096 the client stops past 4096 + 2048 estimated tokens: after 62 deltas. */
const OVERRUN_DELTAS = 62;
/** A gzip body of SSE comments that inflates to 1 GiB from about 1 MB (concatenated gzip members). */
function gzipBomb(): Buffer {
  const member = gzipSync(Buffer.from(': keep-alive\n\n'.repeat((10 * 1024 * 1024) / 14)), { level: 9 });
  return Buffer.concat(Array.from({ length: 100 }, () => member));
}
const PING = 'event: ping\ndata: {"type": "ping"}\n\n';

/** The bounds and trust rows (issue 9): redirects, non-API answers, keep-alives, size and thinking caps, usage shapes. */
FAULT_CASES.push(
  {
    id: 'redirect-cross-origin',
    fault: '307 redirect to another origin',
    via: ANTHROPIC,
    script: () => [{ status: 307, headers: { location: 'https://collector.example/v1/messages' }, chunks: [] }],
    cli: true,
    expect: { ...HTTP_FAILURE, status: 'failed', kind: 'config', message: /^Anthropic at http:\/\/127\.0\.0\.1:\d+ answered with a redirect \(307\) to https:\/\/collector\.example\/v1\/messages, another address\. Deep Review does not follow redirects to another address, so your API key was not sent there\./ },
  },
  {
    id: 'html-200',
    fault: 'an HTML page with status 200 (a login or proxy page)',
    via: ANTHROPIC,
    script: () => [{ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, chunks: ['<!doctype html><html><body><h1>Sign in</h1></body></html>'] }],
    cli: true,
    expect: { ...HTTP_FAILURE, status: 'failed', kind: 'malformed-stream', message: /^http:\/\/127\.0\.0\.1:\d+\/v1 answered with an HTML page where a streamed Anthropic API response was expected\. Check that the base URL is the API address/ },
  },
  {
    id: 'json-200',
    fault: 'plain JSON with status 200 instead of a stream',
    via: OPENROUTER,
    script: () => [jsonResponse(200, { id: 'gen-1', object: 'chat.completion', choices: [{ message: { role: 'assistant', content: 'Hi' } }] })],
    cli: false,
    expect: { ...HTTP_FAILURE, status: 'failed', kind: 'malformed-stream', message: /^http:\/\/127\.0\.0\.1:\d+\/api\/v1 answered with plain JSON where a streamed OpenRouter API response was expected\./ },
  },
  {
    id: 'ping-forever',
    fault: `keep-alive pings and SSE comments, nothing else (idle timeout ${STALL_IDLE_MS / 1000} s)`,
    via: ANTHROPIC,
    script: () => [sseResponse([PING], { repeat: { chunk: `: keep-alive\n\n${PING}`, everyMs: 100 } })],
    idleTimeoutMs: STALL_IDLE_MS,
    cli: true,
    expect: { ...HTTP_FAILURE, status: 'failed', kind: 'timeout', message: new RegExp(`^Anthropic sent nothing for ${STALL_IDLE_MS / 1000} s, so Deep Review stopped waiting\\.`) },
  },
  {
    id: 'gzip-bomb',
    fault: 'a 1 MB gzip body that inflates to 1 GiB',
    via: ANTHROPIC,
    script: () => [{ status: 200, headers: { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' }, chunks: [gzipBomb()] }],
    cli: true,
    expect: { ...HTTP_FAILURE, status: 'failed', kind: 'malformed-stream', message: new RegExp(`^Anthropic sent more than ${DEFAULT_MAX_RESPONSE_BYTES / (1024 * 1024)} MB in one response, so Deep Review stopped reading\\.`) },
  },
  {
    id: 'thinking-overrun',
    fault: 'thinking far past the 4,096-token limit (40,000 tokens streamed)',
    via: ANTHROPIC,
    script: () => [sseResponse(ANTHROPIC.stream(FAULT_ANSWER, Array.from({ length: 400 }, () => RUNAWAY_DELTA)))],
    cli: true,
    expect: {
      status: 'succeeded',
      warning: thinkingOverrunWarning('Anthropic', 4096),
      retries: 0,
      requests: 1,
      sleeps: [],
      reasoningKept: true,
      reasoningText: RUNAWAY_DELTA.repeat(OVERRUN_DELTAS),
      billed: 'partial',
      partialInputTokens: BILLED.inputTokens,
      partialOutputTokens: (RUNAWAY_DELTA.length / 4) * OVERRUN_DELTAS,
      cached: false,
      findings: 0,
    },
  },
  {
    id: 'reasoning-outside',
    fault: 'reasoning counted outside `completion_tokens` (total = prompt + completion + reasoning)',
    via: REASONING_OUTSIDE,
    script: () => [sseResponse(REASONING_OUTSIDE.stream())],
    cli: true,
    expect: { status: 'succeeded', retries: 0, requests: 1, sleeps: [], reasoningKept: true, billed: 'reported', cached: true, findings: 1 },
  },
);

export { STORAGE_AND_SPEND_NOTES } from './reliabilityNotes';
