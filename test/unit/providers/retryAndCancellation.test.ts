// How the client waits, retries and stops: provider-requested delays in all three header
// forms, backoff growth, giving up, and cancellation at every stage of a call.
import * as assert from 'node:assert/strict';
import { isModelError } from '../../../src/core/modelError';
import { abortableSleep } from '../../../src/core/providers/retryPolicy';
import { ModelServer } from '../../support/modelServer';
import { anthropicErrorBody, anthropicEvents, jsonResponse, namedSse, openaiErrorBody, sseResponse } from '../../support/transcripts';
import { TEST_API_KEY, collect, modelErrorOf, testCall, testClient, testSpec } from './providerTestKit';

const ok = () => sseResponse(namedSse(anthropicEvents({ thinking: ['Think.'], text: ['Done.'], inputTokens: 10, outputTokens: 5 })));
const rateLimited = (headers: Record<string, string>) => jsonResponse(429, anthropicErrorBody('rate_limit_error', 'Number of requests has exceeded your rate limit'), headers);
const spec = testSpec('anthropic', 'claude-sonnet-4-5');

describe('retries and cancellation', () => {
  let server: ModelServer;
  beforeEach(async () => {
    server = await ModelServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  it('honours retry-after-ms before retry-after', async () => {
    server.enqueue(rateLimited({ 'retry-after-ms': '1500', 'retry-after': '9' }), ok());
    const { client, sleeps } = testClient(server, 'anthropic', '/v1');
    const out = await collect(client.stream(testCall(spec)));
    assert.equal(out.error, undefined);
    assert.deepEqual(sleeps, [1500]);
    assert.equal(out.retries[0]?.delayMs, 1500);
  });

  it('honours retry-after given as an HTTP date', async () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    server.enqueue(rateLimited({ 'retry-after': 'Sun, 01 Mar 2026 12:00:07 GMT' }), ok());
    const { client, sleeps } = testClient(server, 'anthropic', '/v1', { retry: { now: () => now } });
    await collect(client.stream(testCall(spec)));
    assert.deepEqual(sleeps, [7000]);
  });

  it('backs off exponentially when the provider names no delay', async () => {
    server.enqueue(jsonResponse(500, anthropicErrorBody('api_error', 'x')), jsonResponse(502, anthropicErrorBody('api_error', 'x')), jsonResponse(500, anthropicErrorBody('api_error', 'x')), ok());
    const { client, sleeps } = testClient(server, 'anthropic', '/v1', { retry: { baseDelayMs: 100 } });
    const out = await collect(client.stream(testCall(spec)));
    assert.equal(out.error, undefined);
    assert.deepEqual(sleeps, [100, 200, 400]);
    assert.deepEqual(out.retries.map((r) => r.attempt), [1, 2, 3]);
  });

  it('jitters the backoff down by at most a quarter', async () => {
    server.enqueue(jsonResponse(500, anthropicErrorBody('api_error', 'x')), ok());
    const { client, sleeps } = testClient(server, 'anthropic', '/v1', { retry: { baseDelayMs: 1000, random: () => 0.999 } });
    await collect(client.stream(testCall(spec)));
    assert.equal(sleeps.length, 1);
    assert.ok(sleeps[0]! >= 750 && sleeps[0]! < 1000, String(sleeps[0]));
  });

  it('gives up after maxRetries and counts every attempt', async () => {
    server.enqueue(rateLimited({ 'retry-after': '1' }), rateLimited({ 'retry-after': '1' }), rateLimited({ 'retry-after': '1' }));
    const { client, sleeps } = testClient(server, 'anthropic', '/v1', { retry: { maxRetries: 2 } });
    const out = await collect(client.stream(testCall(spec)));
    const error = modelErrorOf(out, 'rate-limit');
    assert.match(error.message, /^Anthropic rate limit reached \(429\) after 3 attempts: Number of requests has exceeded your rate limit\. It asks to wait 1 s\./);
    assert.equal(error.details.attempts, 3);
    assert.equal(error.details.retryAfterMs, 1000);
    assert.deepEqual(sleeps, [1000, 1000]);
    assert.equal(server.requests.length, 3);
  });

  it('does not wait out a retry-after longer than maxRetryAfterMs', async () => {
    server.enqueue(rateLimited({ 'retry-after': '3600' }));
    const { client, sleeps } = testClient(server, 'anthropic', '/v1');
    const out = await collect(client.stream(testCall(spec)));
    const error = modelErrorOf(out, 'rate-limit');
    assert.match(error.message, /It asks to wait 3600 s/);
    assert.deepEqual(sleeps, []);
    assert.equal(error.details.attempts, 1);
  });

  it('does not retry an exhausted quota even though it is a 429', async () => {
    server.enqueue(jsonResponse(429, openaiErrorBody('You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', 'insufficient_quota')));
    const { client } = testClient(server, 'openai', '/v1');
    const out = await collect(client.stream(testCall(testSpec('openai', 'gpt-5'))));
    const error = modelErrorOf(out, 'insufficient-credit');
    assert.equal(error.details.retryable, false);
    assert.equal(server.requests.length, 1);
  });

  it('treats Anthropic’s low-credit 400 as insufficient credit and 413 as too long', async () => {
    server.enqueue(
      jsonResponse(400, anthropicErrorBody('invalid_request_error', 'Your credit balance is too low to access the Anthropic API.')),
      jsonResponse(413, anthropicErrorBody('request_too_large', 'Request exceeds the maximum allowed number of bytes.')),
    );
    const { client } = testClient(server, 'anthropic', '/v1');
    modelErrorOf(await collect(client.stream(testCall(spec))), 'insufficient-credit');
    modelErrorOf(await collect(client.stream(testCall(spec))), 'context-too-long');
  });

  it('never puts the key into a message, even when the provider echoes it', async () => {
    server.enqueue(jsonResponse(401, openaiErrorBody(`Incorrect API key provided: ${TEST_API_KEY}.`, 'invalid_request_error', 'invalid_api_key')));
    const { client } = testClient(server, 'openai', '/v1');
    const error = modelErrorOf(await collect(client.stream(testCall(testSpec('openai', 'gpt-5')))), 'auth');
    assert.match(error.message, /Incorrect API key provided: \[redacted\]/);
  });

  it('reports a missing key with where to set it', async () => {
    const saved = process.env.DEEPSEEK_API_KEY;
    delete process.env.DEEPSEEK_API_KEY;
    try {
      const { client } = testClient(server, 'deepseek', '', { apiKey: undefined });
      const error = modelErrorOf(await collect(client.stream(testCall(testSpec('deepseek', 'deepseek-reasoner')))), 'auth');
      assert.equal(error.message, 'No DeepSeek API key is set. Run “Deep Review: Set API Key” or set DEEPSEEK_API_KEY.');
      assert.equal(server.requests.length, 0);
    } finally {
      if (saved !== undefined) process.env.DEEPSEEK_API_KEY = saved;
    }
  });

  it('cancels during the wait before a retry, without sending it', async () => {
    server.enqueue(rateLimited({ 'retry-after': '30' }), ok());
    const controller = new AbortController();
    const { client } = testClient(server, 'anthropic', '/v1', { retry: { sleep: abortableSleep } });
    const started = Date.now();
    const out = await collect(client.stream(testCall(spec, controller.signal)), (event) => {
      if (event.type === 'retry') setTimeout(() => controller.abort(), 20);
    });
    modelErrorOf(out, 'cancelled');
    assert.ok(Date.now() - started < 2000);
    assert.equal(server.requests.length, 1);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { client } = testClient(server, 'anthropic', '/v1');
    const out = await collect(client.stream(testCall(spec, controller.signal)));
    assert.equal(modelErrorOf(out, 'cancelled').details.attempts, 0);
    assert.equal(server.requests.length, 0);
  });

  it('cancels while waiting for the response headers', async () => {
    server.enqueue({ status: 200, chunks: [], ending: 'stall' });
    const controller = new AbortController();
    const { client } = testClient(server, 'openai', '/v1');
    const pending = collect(client.stream(testCall(testSpec('openai', 'gpt-5'), controller.signal)));
    await new Promise((resolve) => setTimeout(resolve, 30));
    controller.abort();
    const out = await pending;
    modelErrorOf(out, 'cancelled');
    assert.equal(out.events.length, 0);
  });

  it('closes the request when the consumer stops reading', async () => {
    server.enqueue({ ...ok(), faultAfterChunks: 5, ending: 'stall' });
    const { client } = testClient(server, 'anthropic', '/v1');
    for await (const event of client.stream(testCall(spec))) {
      if (event.type === 'reasoning-delta') break;
    }
    const closed = await Promise.race([server.requests[0]!.closed, new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), 1000))]);
    assert.notEqual(closed, 'open');
  });

  it('throws only ModelErrors', async () => {
    server.enqueue({ status: 200, headers: { 'content-type': 'text/event-stream' }, chunks: ['garbage without framing\n\n'] });
    const { client } = testClient(server, 'anthropic', '/v1');
    const out = await collect(client.stream(testCall(spec)));
    assert.ok(isModelError(out.error), String(out.error));
  });

  it('stops a call that outlives its total deadline, even while data keeps arriving, and does not retry it', async () => {
    const events = anthropicEvents({ thinking: Array.from({ length: 200 }, () => 'still thinking. '), text: ['never'], inputTokens: 10, outputTokens: 5 });
    server.enqueue(sseResponse(namedSse(events), { chunkDelayMs: 20 }));
    const { client } = testClient(server, 'anthropic', '/v1', { requestTimeoutMs: 300, idleTimeoutMs: 5_000 });
    const out = await collect(client.stream(testCall(spec)));
    const error = modelErrorOf(out, 'timeout');
    assert.match(error.message, /^Anthropic did not finish within 300 ms, so Deep Review stopped the request\..*deepReview\.requestTimeoutSeconds, CLI --timeout/);
    assert.equal(error.details.retryable, false);
    assert.ok(out.reasoning.startsWith('still thinking.'), 'what arrived is kept');
    assert.equal(server.requests.length, 1);
    await server.requests[0]!.closed;
  });

  it('counts the waits between retries against the deadline', async () => {
    server.enqueue(rateLimited({ 'retry-after': '2' }), ok());
    const { client } = testClient(server, 'anthropic', '/v1', { requestTimeoutMs: 200, retry: { sleep: abortableSleep } });
    const out = await collect(client.stream(testCall(spec)));
    modelErrorOf(out, 'timeout');
    assert.equal(server.requests.length, 1);
  });

  it('stops reading a response larger than the size limit', async () => {
    server.enqueue(sseResponse(namedSse(anthropicEvents({ thinking: Array.from({ length: 100 }, () => 'x'.repeat(1000)), text: ['a'], inputTokens: 10, outputTokens: 5 }))));
    const { client } = testClient(server, 'anthropic', '/v1', { maxResponseBytes: 20_000 });
    const out = await collect(client.stream(testCall(spec)));
    assert.match(modelErrorOf(out, 'malformed-stream').message, /^Anthropic sent more than 20 KB in one response, so Deep Review stopped reading\./);
    assert.ok(out.reasoning.length < 20_000);
    assert.equal(server.requests.length, 1);
  });

  it('stops reading thinking well past the limit, keeps it, warns, and bills it as estimated', async () => {
    const delta = 'y'.repeat(400);
    server.enqueue(sseResponse(namedSse(anthropicEvents({ thinking: Array.from({ length: 300 }, () => delta), text: ['never'], inputTokens: 10, outputTokens: 5 })), { faultAfterChunks: 200, ending: 'stall' }));
    const { client } = testClient(server, 'anthropic', '/v1');
    const out = await collect(client.stream(testCall(testSpec('anthropic', 'claude-sonnet-4-5', { maxThinkingTokens: 1024 }))));
    assert.equal(out.error, undefined);
    // 1024 + 2048 estimated tokens = 12,288 characters: stopped at the 31st delta.
    assert.equal(out.reasoning, delta.repeat(31));
    assert.equal(out.answer, '');
    assert.equal(out.finish, 'length');
    assert.equal(out.warnings.length, 1);
    assert.match(out.warnings[0]!, /kept thinking far past the limit of 1,024 thinking tokens/);
    assert.deepEqual({ input: out.usage?.inputTokens, output: out.usage?.outputTokens, estimated: out.usage?.estimated }, { input: 10, output: 31 * 100, estimated: true });
    await server.requests[0]!.closed;
  });

  it('reports a provider error sent as plain JSON with status 200 as the provider’s error, once', async () => {
    server.enqueue(jsonResponse(200, openaiErrorBody('The model `qwen9` does not exist', 'invalid_request_error', 'model_not_found')));
    const { client } = testClient(server, 'openai-compatible', '/v1');
    const out = await collect(client.stream(testCall(testSpec('openai-compatible', 'qwen9'))));
    const error = modelErrorOf(out, 'stream-error');
    assert.match(error.message, /^OpenAI-compatible server reported an error mid-response: invalid_request_error: The model `qwen9` does not exist\./);
    assert.equal(server.requests.length, 1);
  });

  it('names an HTML page in a 200 from a local server without retrying', async () => {
    server.enqueue({ status: 200, headers: { 'content-type': 'text/html' }, chunks: ['<html><body>LM Studio</body></html>'] });
    const { client } = testClient(server, 'ollama', '/api', { apiKey: undefined });
    const out = await collect(client.stream(testCall(testSpec('ollama', 'qwen3'))));
    const error = modelErrorOf(out, 'malformed-stream');
    assert.match(error.message, /^http:\/\/127\.0\.0\.1:\d+\/api answered with an HTML page where a streamed Ollama API response was expected/);
    assert.equal(server.requests.length, 1);
  });
});
