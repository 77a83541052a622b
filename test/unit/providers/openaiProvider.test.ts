import * as assert from 'node:assert/strict';
import { ModelServer } from '../../support/modelServer';
import { namedSse, openaiResponsesEvents, recordedResponses, sseResponse, type Json } from '../../support/transcripts';
import { REVIEWED_CODE, TEST_API_KEY, assertKeyOnlyIn, collect, modelErrorOf, testCall, testClient, testSpec } from './providerTestKit';

const RECORDED = 'openai-responses-gpt-5.1-codex-max-reasoning-summary.jsonl';

function summaryOf(events: Json[]): string {
  return events
    .filter((e) => e.type === 'response.reasoning_summary_text.delta')
    .map((e) => String(e.delta))
    .join('');
}

const simple = (): Json[] => openaiResponsesEvents({ summary: ['Checking ', 'the sign.'], text: ['Use ', 'a + b.'], inputTokens: 300, cachedTokens: 128, outputTokens: 90, reasoningTokens: 64 });

describe('OpenAI provider (Responses API)', () => {
  let server: ModelServer;
  beforeEach(async () => {
    server = await ModelServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  it('streams a recorded reasoning summary and its usage', async () => {
    const [first] = recordedResponses(RECORDED);
    assert.ok(first);
    server.enqueue(sseResponse(namedSse(first)));
    const { client } = testClient(server, 'openai', '/v1');
    const out = await collect(client.stream(testCall(testSpec('openai', 'gpt-5.1-codex-max'))));
    assert.equal(out.error, undefined);
    assert.equal(out.reasoning, summaryOf(first));
    assert.match(out.reasoning, /^\*\*Calculating step-by-step/);
    // The provider's own count (0 reasoning tokens in this recording) is taken as given.
    assert.deepEqual(out.usage, { inputTokens: 134, cachedInputTokens: 0, outputTokens: 28, reasoningTokens: 0, estimated: false });
  });

  it('streams the recorded answer of a later response', async () => {
    const last = recordedResponses(RECORDED).at(-1);
    assert.ok(last);
    server.enqueue(sseResponse(namedSse(last)));
    const { client } = testClient(server, 'openai', '/v1');
    const out = await collect(client.stream(testCall(testSpec('openai', 'gpt-5.1-codex-max'))));
    assert.equal(out.answer, 'The final result is **570**.');
    assert.equal(out.finish, 'stop');
    assert.equal(out.usage?.outputTokens, 12);
  });

  it('reports reasoning tokens and cached input from response.completed', async () => {
    server.enqueue(sseResponse(namedSse(simple())));
    const { client } = testClient(server, 'openai', '/v1');
    const out = await collect(client.stream(testCall(testSpec('openai', 'gpt-5'))));
    assert.equal(out.reasoning, 'Checking the sign.');
    assert.equal(out.answer, 'Use a + b.');
    assert.deepEqual(out.usage, { inputTokens: 300, cachedInputTokens: 128, outputTokens: 90, reasoningTokens: 64, estimated: false });
  });

  it('sends effort and summary in reasoning, thinking + answer as max_output_tokens, store:false', async () => {
    server.enqueue(sseResponse(namedSse(simple())));
    const { client } = testClient(server, 'openai', '/v1');
    await collect(client.stream(testCall(testSpec('openai', 'gpt-5', { effort: 'high', maxThinkingTokens: 10000, maxAnswerTokens: 3000 }))));
    const [request] = server.requests;
    assert.ok(request);
    assert.equal(request.path, '/v1/responses');
    assertKeyOnlyIn(server, 'authorization', `Bearer ${TEST_API_KEY}`);
    const body = request.body as Json;
    assert.deepEqual(body.reasoning, { effort: 'high', summary: 'auto' });
    assert.equal(body.max_output_tokens, 13000);
    assert.equal(body.store, false);
    assert.equal(body.stream, true);
    assert.equal('temperature' in body, false);
    assert.ok(JSON.stringify(body.input).includes(JSON.stringify(REVIEWED_CODE).slice(1, -1)));
  });

  it('asks a model that can for no reasoning when thinking is off', async () => {
    server.enqueue(sseResponse(namedSse(simple())));
    const { client } = testClient(server, 'openai', '/v1');
    await collect(client.stream(testCall(testSpec('openai', 'gpt-5.1', { maxThinkingTokens: 0 }))));
    const body = server.requests[0]?.body as Json;
    assert.deepEqual(body.reasoning, { effort: 'none' });
  });

  it('sends no reasoning parameters to a model that does not reason', async () => {
    server.enqueue(sseResponse(namedSse(openaiResponsesEvents({ summary: [], text: ['ok'], inputTokens: 1, outputTokens: 1, reasoningTokens: 0 }))));
    const { client } = testClient(server, 'openai', '/v1');
    await collect(client.stream(testCall(testSpec('openai', 'gpt-4.1', { maxAnswerTokens: 700 }))));
    const body = server.requests[0]?.body as Json;
    assert.equal('reasoning' in body, false);
    assert.equal(body.max_output_tokens, 700);
  });

  it('refuses an effort the model rejects before sending', async () => {
    const { client } = testClient(server, 'openai', '/v1');
    const out = await collect(client.stream(testCall(testSpec('openai', 'gpt-5-pro', { effort: 'medium' }))));
    assert.match(modelErrorOf(out, 'config').message, /only accepts high/);
    assert.equal(server.requests.length, 0);
  });

  it('keeps the reasoning received before an error event inside the 200 stream', async () => {
    const events = simple();
    const cut = events.findIndex((e) => e.type === 'response.reasoning_summary_text.done');
    const chunks = [...namedSse(events.slice(0, cut)), 'event: error\ndata: {"type":"error","code":"server_error","message":"The server had an error while processing your request.","param":null,"sequence_number":99}\n\n'];
    server.enqueue(sseResponse(chunks));
    const { client } = testClient(server, 'openai', '/v1');
    const out = await collect(client.stream(testCall(testSpec('openai', 'gpt-5'))));
    const error = modelErrorOf(out, 'stream-error');
    assert.match(error.message, /^OpenAI reported an error mid-response: server_error: The server had an error/);
    assert.equal(error.details.retryable, true);
    assert.equal(out.reasoning, 'Checking the sign.');
    assert.equal(out.retries.length, 0);
  });
});
