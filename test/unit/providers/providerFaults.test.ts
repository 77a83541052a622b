// The same faults against every provider, each in its own wire format and error shapes: what
// kind of ModelError comes out, with which message, after how many attempts, and what the
// caller keeps of a stream that broke.
import * as assert from 'node:assert/strict';
import type { ProviderId } from '../../../src/core/modelClient';
import { ModelServer, type ScriptedResponse } from '../../support/modelServer';
import {
  anthropicErrorBody,
  anthropicEvents,
  chatCompletionChunks,
  chatSse,
  jsonResponse,
  namedSse,
  ndjsonLines,
  ndjsonResponse,
  ollamaChatLines,
  ollamaErrorBody,
  openaiErrorBody,
  openaiResponsesEvents,
  openrouterErrorBody,
  sseResponse,
  type Json,
} from '../../support/transcripts';
import { collect, modelErrorOf, testCall, testClient, testSpec } from './providerTestKit';

interface ProviderCase {
  provider: ProviderId;
  label: string;
  model: string;
  basePath: string;
  /** A full stream whose first `reasoningChunks` chunks carry the reasoning "Looking closely." */
  chunks: () => string[];
  reasoningChunks: number;
  respond: (chunks: string[], extra?: Partial<ScriptedResponse>) => ScriptedResponse;
  errorBody: (status: number, type: string, message: string) => Json;
  /** The provider's error event inside a 200 stream. */
  midStreamError: string;
}

const REASONING = ['Looking ', 'closely.'];
const chatChunks = (field: 'reasoning_content' | 'reasoning'): string[] =>
  chatSse(chatCompletionChunks({ model: 'm', reasoningField: field, reasoning: REASONING, content: ['Fine.'], usage: { prompt_tokens: 40, completion_tokens: 30, total_tokens: 70 } }));
const openaiLikeError = (_status: number, type: string, message: string): Json => openaiErrorBody(message, type, type);

const CASES: ProviderCase[] = [
  {
    provider: 'anthropic',
    label: 'Anthropic',
    model: 'claude-sonnet-4-5',
    basePath: '/v1',
    chunks: () => namedSse(anthropicEvents({ thinking: REASONING, text: ['Fine.'], inputTokens: 40, outputTokens: 30 })),
    reasoningChunks: 5,
    respond: sseResponse,
    errorBody: (_s, type, message) => anthropicErrorBody(type, message),
    midStreamError: 'event: error\ndata: {"type":"error","error":{"details":null,"type":"overloaded_error","message":"Overloaded"}}\n\n',
  },
  {
    provider: 'openai',
    label: 'OpenAI',
    model: 'gpt-5',
    basePath: '/v1',
    chunks: () => namedSse(openaiResponsesEvents({ summary: REASONING, text: ['Fine.'], inputTokens: 40, outputTokens: 30, reasoningTokens: 20 })),
    reasoningChunks: 6,
    respond: sseResponse,
    errorBody: openaiLikeError,
    midStreamError: 'event: error\ndata: {"type":"error","code":"server_error","message":"The server had an error","param":null,"sequence_number":99}\n\n',
  },
  {
    provider: 'deepseek',
    label: 'DeepSeek',
    model: 'deepseek-reasoner',
    basePath: '',
    chunks: () => chatChunks('reasoning_content'),
    reasoningChunks: 3,
    respond: sseResponse,
    errorBody: openaiLikeError,
    midStreamError: 'data: {"error":{"message":"The server had an error","type":"server_error","code":"server_error"}}\n\n',
  },
  {
    provider: 'openrouter',
    label: 'OpenRouter',
    model: 'deepseek/deepseek-r1',
    basePath: '/api/v1',
    chunks: () => chatChunks('reasoning'),
    reasoningChunks: 3,
    respond: sseResponse,
    errorBody: (status, _t, message) => openrouterErrorBody(status, message),
    midStreamError: 'data: {"error":{"code":502,"message":"The server had an error"}}\n\n',
  },
  {
    provider: 'ollama',
    label: 'Ollama',
    model: 'qwen3:8b',
    basePath: '/api',
    chunks: () => ndjsonLines(ollamaChatLines({ model: 'qwen3:8b', thinking: REASONING, content: ['Fine.'], promptEvalCount: 40, evalCount: 30 })),
    reasoningChunks: 2,
    respond: ndjsonResponse,
    errorBody: (_s, _t, message) => ollamaErrorBody(message),
    midStreamError: '{"error":"The server had an error"}\n',
  },
  {
    provider: 'openai-compatible',
    label: 'OpenAI-compatible server',
    model: 'qwen3-32b',
    basePath: '/v1',
    chunks: () => chatChunks('reasoning_content'),
    reasoningChunks: 3,
    respond: sseResponse,
    errorBody: openaiLikeError,
    midStreamError: 'data: {"error":{"message":"The server had an error","type":"server_error","code":500}}\n\n',
  },
];

/** Resolves with the promise's value, or fails the test when it takes longer than ms. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const IDLE_MS = 150;

for (const c of CASES) {
  describe(`${c.label} faults`, () => {
    let server: ModelServer;
    beforeEach(async () => {
      server = await ModelServer.start();
    });
    afterEach(async () => {
      await server.close();
    });

    const run = (overrides: Parameters<typeof testClient>[3] = {}) => {
      const tc = testClient(server, c.provider, c.basePath, { idleTimeoutMs: IDLE_MS, ...overrides });
      return { ...tc, out: collect(tc.client.stream(testCall(testSpec(c.provider, c.model)))) };
    };
    const httpError = (status: number, type: string, message: string, headers: Record<string, string> = {}) => jsonResponse(status, c.errorBody(status, type, message), headers);

    it('401: auth, not retried, tells how to set the key', async () => {
      server.enqueue(httpError(401, 'authentication_error', 'invalid x-api-key'));
      const out = await run().out;
      const error = modelErrorOf(out, 'auth');
      assert.ok(error.message.startsWith(`${c.label} rejected the API key (401): invalid x-api-key. Run “Deep Review: Set API Key”`), error.message);
      assert.deepEqual({ status: error.details.status, attempts: error.details.attempts, retryable: error.details.retryable }, { status: 401, attempts: 1, retryable: false });
      assert.equal(out.retries.length, 0);
      assert.equal(server.requests.length, 1);
      assert.equal(out.usage, undefined, 'a rejected request costs nothing');
    });

    it('403: permission', async () => {
      server.enqueue(httpError(403, 'permission_error', 'Your key may not use this model'));
      const error = modelErrorOf(await run().out, 'permission');
      assert.ok(error.message.startsWith(`${c.label} refused access to “${c.model}” (403)`), error.message);
    });

    it('404: model not found, naming the model', async () => {
      server.enqueue(httpError(404, 'not_found_error', `model: ${c.model}`));
      const error = modelErrorOf(await run().out, 'not-found');
      assert.ok(error.message.startsWith(`${c.label} has no model “${c.model}” (404)`), error.message);
      assert.equal(error.details.retryable, false);
    });

    it('400 with a context-length message: context-too-long', async () => {
      server.enqueue(httpError(400, 'invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum'));
      const error = modelErrorOf(await run().out, 'context-too-long');
      assert.match(error.message, /too long for .*smaller selection/);
    });

    it('400 otherwise: bad-request', async () => {
      server.enqueue(httpError(400, 'invalid_request_error', 'messages: field required'));
      const error = modelErrorOf(await run().out, 'bad-request');
      assert.ok(error.message.startsWith(`${c.label} rejected the request (400): messages: field required.`), error.message);
    });

    it('429 with retry-after: waits as asked, retries once, then streams', async () => {
      server.enqueue(httpError(429, 'rate_limit_error', 'Rate limited', { 'retry-after': '3' }), c.respond(c.chunks()));
      const { out, sleeps } = run();
      const result = await out;
      assert.equal(result.error, undefined);
      assert.equal(result.reasoning, 'Looking closely.');
      assert.deepEqual(sleeps, [3000]);
      assert.equal(result.retries.length, 1);
      assert.equal(result.retries[0]?.attempt, 1);
      assert.equal(result.retries[0]?.delayMs, 3000);
      assert.match(result.retries[0]?.reason ?? '', /rate limit/);
      assert.equal(server.requests.length, 2);
    });

    it('500 then success: one retry after the base backoff', async () => {
      server.enqueue(httpError(500, 'api_error', 'Internal server error'), c.respond(c.chunks()));
      const { out, sleeps } = run();
      const result = await out;
      assert.equal(result.error, undefined);
      assert.equal(result.answer, 'Fine.');
      assert.deepEqual(sleeps, [10]);
      assert.deepEqual(result.events.slice(-2).map((e) => e.type), ['usage', 'finish']);
    });

    it('503 on every attempt: overloaded, with the attempts counted', async () => {
      server.enqueue(httpError(503, 'overloaded_error', 'Service Unavailable'), httpError(503, 'overloaded_error', 'Service Unavailable'));
      const out = await run({ retry: { maxRetries: 1 } }).out;
      const error = modelErrorOf(out, 'overloaded');
      assert.ok(error.message.startsWith(`${c.label} is overloaded (503) after 2 attempts`), error.message);
      assert.equal(error.details.attempts, 2);
      assert.equal(out.retries.length, 1);
      assert.equal(server.requests.length, 2);
    });

    it('529: overloaded', async () => {
      server.enqueue(httpError(529, 'overloaded_error', 'Overloaded'));
      const error = modelErrorOf(await run({ retry: { maxRetries: 0 } }).out, 'overloaded');
      assert.equal(error.details.status, 529);
      assert.equal(error.details.retryable, true);
      assert.equal(error.details.attempts, 1);
    });

    it('error event inside the 200 stream after reasoning: stream-error, reasoning kept, no retry', async () => {
      const chunks = c.chunks().slice(0, c.reasoningChunks);
      server.enqueue(c.respond([...chunks, c.midStreamError]), c.respond(c.chunks()));
      const out = await run().out;
      const error = modelErrorOf(out, 'stream-error');
      assert.ok(error.message.startsWith(`${c.label} reported an error mid-response`), error.message);
      assert.equal(out.reasoning, 'Looking closely.');
      assert.equal(out.retries.length, 0);
      assert.equal(error.details.attempts, 1);
      assert.equal(server.requests.length, 1);
    });

    it('connection reset mid-stream: network error, reasoning and an estimated usage kept', async () => {
      server.enqueue(c.respond(c.chunks(), { faultAfterChunks: c.reasoningChunks, ending: 'reset' }));
      const out = await run().out;
      const error = modelErrorOf(out, 'network');
      assert.ok(error.message.startsWith(`The connection to ${c.label} was cut mid-response`), error.message);
      assert.equal(out.reasoning, 'Looking closely.');
      assert.equal(out.retries.length, 0, 'reasoning was shown, so no retry');
      const last = out.events.at(-1);
      assert.equal(last?.type, 'usage');
      assert.equal(last?.type === 'usage' && last.usage.estimated, true);
      assert.ok(last?.type === 'usage' && last.usage.outputTokens > 0);
    });

    it('connection reset before any output: retried', async () => {
      server.enqueue(c.respond(c.chunks(), { faultAfterChunks: 0, ending: 'reset' }), c.respond(c.chunks()));
      const out = await run().out;
      assert.equal(out.error, undefined);
      assert.equal(out.retries.length, 1);
      assert.equal(out.reasoning, 'Looking closely.');
    });

    it('stream that ends without its end marker: network error, not a short success', async () => {
      server.enqueue(c.respond(c.chunks().slice(0, c.reasoningChunks)));
      const out = await run().out;
      const error = modelErrorOf(out, 'network');
      assert.match(error.message, /ended before the response was complete/);
      assert.equal(out.reasoning, 'Looking closely.');
      assert.equal(out.finish, undefined);
    });

    it('stalled stream: timeout after the idle limit, reasoning kept, socket closed', async () => {
      server.enqueue(c.respond(c.chunks(), { faultAfterChunks: c.reasoningChunks, ending: 'stall' }));
      const started = Date.now();
      const out = await run().out;
      const elapsed = Date.now() - started;
      const error = modelErrorOf(out, 'timeout');
      assert.ok(error.message.startsWith(`${c.label} sent nothing for ${IDLE_MS} ms`), error.message);
      assert.equal(out.reasoning, 'Looking closely.');
      assert.ok(elapsed >= IDLE_MS && elapsed < IDLE_MS + 1500, `took ${elapsed} ms`);
      await within(server.requests[0]!.closed, 1000, 'closing the stalled request');
    });

    it('slow drip within the idle limit: completes', async () => {
      server.enqueue(c.respond(c.chunks(), { chunkDelayMs: 15 }));
      const { out } = run({ idleTimeoutMs: 300 });
      const result = await out;
      assert.equal(result.error, undefined);
      assert.equal(result.answer, 'Fine.');
    });

    it('malformed line: malformed-stream', async () => {
      const chunks = c.chunks();
      const bad = c.provider === 'ollama' ? '{"message": {"content": "x"\n' : 'data: {"choices": [\n\n';
      server.enqueue(c.respond([...chunks.slice(0, c.reasoningChunks), bad, ...chunks.slice(c.reasoningChunks)]));
      const out = await run().out;
      const error = modelErrorOf(out, 'malformed-stream');
      assert.ok(error.message.startsWith(`${c.label} sent a response Deep Review could not read`), error.message);
      assert.equal(out.reasoning, 'Looking closely.');
    });

    it('cancel mid-stream: cancelled at once, server-side socket closed', async () => {
      server.enqueue(c.respond(c.chunks(), { faultAfterChunks: c.reasoningChunks, ending: 'stall' }));
      const controller = new AbortController();
      const { client } = testClient(server, c.provider, c.basePath, { idleTimeoutMs: 5_000 });
      let abortedAt = 0;
      const out = await collect(client.stream(testCall(testSpec(c.provider, c.model), controller.signal)), (event) => {
        if (event.type === 'reasoning-delta' && abortedAt === 0) {
          abortedAt = Date.now();
          controller.abort();
        }
      });
      const error = modelErrorOf(out, 'cancelled');
      assert.equal(error.message, `The ${c.label} request was cancelled.`);
      assert.ok(Date.now() - abortedAt < 1000);
      assert.ok(out.reasoning.startsWith('Looking'));
      await within(server.requests[0]!.closed, 1000, 'closing the cancelled request');
    });
  });
}
