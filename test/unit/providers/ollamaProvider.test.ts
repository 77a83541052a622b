import * as assert from 'node:assert/strict';
import { estimateTokens } from '../../../src/core/routing/tokens';
import { ModelServer } from '../../support/modelServer';
import { jsonResponse, ndjsonLines, ndjsonResponse, ollamaChatLines, ollamaErrorBody, type Json } from '../../support/transcripts';
import { REVIEWED_CODE, TEST_API_KEY, assertKeyOnlyIn, collect, modelErrorOf, testCall, testClient, testSpec } from './providerTestKit';

const transcript = (model = 'qwen3:8b'): Json[] => ollamaChatLines({ model, thinking: ['Subtraction ', 'instead of addition.'], content: ['Return ', 'a + b.'], promptEvalCount: 87, evalCount: 120 });

describe('Ollama provider', () => {
  let server: ModelServer;
  beforeEach(async () => {
    server = await ModelServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  it('streams message.thinking and content; estimates the thinking count Ollama does not report', async () => {
    server.enqueue(ndjsonResponse(ndjsonLines(transcript())));
    const { client } = testClient(server, 'ollama', '/api', { apiKey: undefined });
    const out = await collect(client.stream(testCall(testSpec('ollama', 'qwen3:8b'))));
    assert.equal(out.error, undefined);
    assert.equal(out.reasoning, 'Subtraction instead of addition.');
    assert.equal(out.answer, 'Return a + b.');
    assert.equal(out.finish, 'stop');
    assert.deepEqual(out.usage, { inputTokens: 87, cachedInputTokens: 0, outputTokens: 120, reasoningTokens: estimateTokens(out.reasoning), estimated: true });
  });

  it('sends think, num_predict for thinking + answer, the code, and no key when none is set', async () => {
    server.enqueue(ndjsonResponse(ndjsonLines(transcript())));
    const { client } = testClient(server, 'ollama', '/api', { apiKey: undefined });
    await collect(client.stream(testCall(testSpec('ollama', 'qwen3:8b', { maxThinkingTokens: 3000, maxAnswerTokens: 1000 }))));
    const [request] = server.requests;
    assert.ok(request);
    assert.equal(request.path, '/api/chat');
    assert.equal(request.headers.authorization, undefined);
    const body = request.body as Json;
    assert.equal(body.think, true);
    assert.deepEqual(body.options, { num_predict: 4000 });
    assert.equal(body.stream, true);
    assert.ok(JSON.stringify(body.messages).includes(JSON.stringify(REVIEWED_CODE).slice(1, -1)));
  });

  it('sends a key only as a bearer token, for servers behind a proxy', async () => {
    server.enqueue(ndjsonResponse(ndjsonLines(transcript())));
    const { client } = testClient(server, 'ollama', '/api');
    await collect(client.stream(testCall(testSpec('ollama', 'qwen3:8b'))));
    assertKeyOnlyIn(server, 'authorization', `Bearer ${TEST_API_KEY}`);
  });

  it('gives GPT-OSS the effort as its think level', async () => {
    server.enqueue(ndjsonResponse(ndjsonLines(transcript('gpt-oss:20b'))));
    const { client } = testClient(server, 'ollama', '/api', { apiKey: undefined });
    const out = await collect(client.stream(testCall(testSpec('ollama', 'gpt-oss:20b', { effort: 'high' }))));
    assert.equal(out.error, undefined);
    assert.equal((server.requests[0]?.body as Json).think, 'high');
  });

  it('turns thinking off with think:false', async () => {
    server.enqueue(ndjsonResponse(ndjsonLines(ollamaChatLines({ model: 'qwen3', thinking: [], content: ['ok'], promptEvalCount: 3, evalCount: 1 }))));
    const { client } = testClient(server, 'ollama', '/api', { apiKey: undefined });
    const out = await collect(client.stream(testCall(testSpec('ollama', 'qwen3', { maxThinkingTokens: 0 }))));
    assert.equal((server.requests[0]?.body as Json).think, false);
    // Nothing was thought, so nothing needs estimating.
    assert.deepEqual(out.usage, { inputTokens: 3, cachedInputTokens: 0, outputTokens: 1, reasoningTokens: 0, estimated: false });
  });

  it('accepts the server root as base URL', async () => {
    server.enqueue(ndjsonResponse(ndjsonLines(transcript())));
    const { client } = testClient(server, 'ollama', '', { apiKey: undefined });
    const out = await collect(client.stream(testCall(testSpec('ollama', 'qwen3:8b'))));
    assert.equal(out.error, undefined);
    assert.equal(server.requests[0]?.path, '/api/chat');
  });

  it('fails on an error line inside the 200 stream instead of ending quietly, keeping the thinking', async () => {
    const lines = transcript();
    server.enqueue(ndjsonResponse([...ndjsonLines(lines.slice(0, 2)), '{"error":"model runner has unexpectedly stopped"}\n']));
    const { client } = testClient(server, 'ollama', '/api', { apiKey: undefined });
    const out = await collect(client.stream(testCall(testSpec('ollama', 'qwen3:8b'))));
    const error = modelErrorOf(out, 'stream-error');
    assert.equal(error.message, 'Ollama reported an error mid-response: model runner has unexpectedly stopped. Try again.');
    assert.equal(out.reasoning, 'Subtraction instead of addition.');
    assert.equal(out.usage?.estimated, true);
  });

  it('says how to install a model Ollama does not have (404)', async () => {
    server.enqueue(jsonResponse(404, ollamaErrorBody('model "qwen9" not found, try pulling it first')));
    const { client } = testClient(server, 'ollama', '/api', { apiKey: undefined });
    const out = await collect(client.stream(testCall(testSpec('ollama', 'qwen9'))));
    const error = modelErrorOf(out, 'not-found');
    assert.match(error.message, /^Ollama has no model “qwen9” \(404\): model "qwen9" not found, try pulling it first\./);
    assert.match(error.message, /ollama pull qwen9/);
  });

  it('tells the user to start Ollama when nothing listens at the base URL', async () => {
    const closed = await ModelServer.start();
    const url = closed.url('/api');
    await closed.close();
    const { client } = testClient(server, 'ollama', '/api', { apiKey: undefined, baseUrl: url, retry: { maxRetries: 1 } });
    const out = await collect(client.stream(testCall(testSpec('ollama', 'qwen3'))));
    const error = modelErrorOf(out, 'network');
    assert.match(error.message, /^Could not reach Ollama at http:\/\/127\.0\.0\.1:\d+ after 2 attempts: connect ECONNREFUSED/);
    assert.match(error.message, /Check that the server is running and the base URL is right\.$/);
    assert.equal(error.details.attempts, 2);
    assert.equal(out.retries.length, 1);
  });
});
