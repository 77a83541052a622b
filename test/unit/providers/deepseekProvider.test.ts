import * as assert from 'node:assert/strict';
import { ModelServer } from '../../support/modelServer';
import { chatCompletionChunks, chatSse, jsonResponse, openaiErrorBody, recordedFixture, sseResponse, type Json } from '../../support/transcripts';
import { REVIEWED_CODE, TEST_API_KEY, assertKeyOnlyIn, collect, modelErrorOf, testCall, testClient, testSpec } from './providerTestKit';

const RECORDED = 'deepseek-reasoner-reasoning.jsonl';

function deltaField(chunks: Json[], field: 'reasoning_content' | 'content'): string {
  return chunks
    .map((c) => (c.choices as { delta?: Record<string, unknown> }[] | undefined)?.[0]?.delta?.[field])
    .filter((v): v is string => typeof v === 'string')
    .join('');
}

describe('DeepSeek provider', () => {
  let server: ModelServer;
  beforeEach(async () => {
    server = await ModelServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  it('streams recorded reasoning_content, content and usage with reasoning tokens', async () => {
    const chunks = recordedFixture(RECORDED);
    server.enqueue(sseResponse(chatSse(chunks)));
    const { client } = testClient(server, 'deepseek', '');
    const out = await collect(client.stream(testCall(testSpec('deepseek', 'deepseek-reasoner'))));
    assert.equal(out.error, undefined);
    assert.equal(out.reasoning, deltaField(chunks, 'reasoning_content'));
    assert.equal(out.answer, deltaField(chunks, 'content'));
    assert.equal(out.answer, 'The word "strawberry" contains three "r"s.');
    assert.deepEqual(out.usage, { inputTokens: 18, cachedInputTokens: 0, outputTokens: 219, reasoningTokens: 205, estimated: false });
  });

  it('counts prompt cache hits as cached input', async () => {
    const usage = { prompt_tokens: 500, completion_tokens: 80, total_tokens: 580, prompt_tokens_details: { cached_tokens: 384 }, prompt_cache_hit_tokens: 384, prompt_cache_miss_tokens: 116, completion_tokens_details: { reasoning_tokens: 50 } };
    server.enqueue(sseResponse(chatSse(chatCompletionChunks({ model: 'deepseek-reasoner', reasoning: ['hm'], content: ['ok'], usage, usageOnFinishChunk: true }))));
    const { client } = testClient(server, 'deepseek', '');
    const out = await collect(client.stream(testCall(testSpec('deepseek', 'deepseek-reasoner'))));
    assert.deepEqual(out.usage, { inputTokens: 500, cachedInputTokens: 384, outputTokens: 80, reasoningTokens: 50, estimated: false });
  });

  it('sends thinking, a DeepSeek effort level and thinking + answer as max_tokens', async () => {
    server.enqueue(sseResponse(chatSse(recordedFixture(RECORDED))));
    const { client } = testClient(server, 'deepseek', '');
    await collect(client.stream(testCall(testSpec('deepseek', 'deepseek-v4-pro', { effort: 'high', maxThinkingTokens: 20000, maxAnswerTokens: 4000 }))));
    const [request] = server.requests;
    assert.ok(request);
    assert.equal(request.path, '/chat/completions');
    assertKeyOnlyIn(server, 'authorization', `Bearer ${TEST_API_KEY}`);
    const body = request.body as Json;
    assert.deepEqual(body.thinking, { type: 'enabled' });
    assert.equal(body.reasoning_effort, 'max');
    assert.equal(body.max_tokens, 24000);
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.ok(JSON.stringify(body.messages).includes(JSON.stringify(REVIEWED_CODE).slice(1, -1)));
  });

  it('maps low and medium effort to DeepSeek "high", and 0 thinking tokens to thinking disabled', async () => {
    const { client } = testClient(server, 'deepseek', '');
    server.enqueue(sseResponse(chatSse(recordedFixture(RECORDED))), sseResponse(chatSse(recordedFixture(RECORDED))));
    await collect(client.stream(testCall(testSpec('deepseek', 'deepseek-v4-pro', { effort: 'low' }))));
    await collect(client.stream(testCall(testSpec('deepseek', 'deepseek-v4-pro', { maxThinkingTokens: 0, maxAnswerTokens: 900 }))));
    const [low, off] = server.requests.map((r) => r.body as Json);
    assert.equal(low?.reasoning_effort, 'high');
    assert.deepEqual(off?.thinking, { type: 'disabled' });
    assert.equal(off && 'reasoning_effort' in off, false);
    assert.equal(off?.max_tokens, 900);
  });

  it('reports insufficient balance (402) without retrying', async () => {
    server.enqueue(jsonResponse(402, openaiErrorBody('Insufficient Balance', 'unknown_error', 'invalid_request_error')));
    const { client } = testClient(server, 'deepseek', '');
    const out = await collect(client.stream(testCall(testSpec('deepseek', 'deepseek-reasoner'))));
    const error = modelErrorOf(out, 'insufficient-credit');
    assert.match(error.message, /^DeepSeek reports insufficient credit or quota \(402\): Insufficient Balance\. Add credit/);
    assert.equal(error.details.attempts, 1);
    assert.equal(server.requests.length, 1);
  });
});
