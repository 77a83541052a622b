import * as assert from 'node:assert/strict';
import { ModelServer } from '../../support/modelServer';
import { chatCompletionChunks, chatSse, jsonResponse, openrouterErrorBody, sseResponse, type Json } from '../../support/transcripts';
import { REVIEWED_CODE, TEST_API_KEY, assertKeyOnlyIn, collect, modelErrorOf, testCall, testClient, testSpec } from './providerTestKit';

const USAGE = {
  prompt_tokens: 210,
  prompt_tokens_details: { cached_tokens: 10 },
  completion_tokens: 95,
  completion_tokens_details: { reasoning_tokens: 61 },
  total_tokens: 305,
  cost: 0.00123,
  cost_details: { upstream_inference_cost: 0.0011 },
};

/** OpenRouter streams `delta.reasoning` and sends `: OPENROUTER PROCESSING` comments. */
function openrouterStream(): string[] {
  const chunks = chatSse(chatCompletionChunks({ model: 'deepseek/deepseek-r1', reasoningField: 'reasoning', reasoning: ['The sign ', 'is flipped.'], content: ['Return ', 'a + b.'], usage: USAGE }));
  return [': OPENROUTER PROCESSING\n\n', ...chunks.slice(0, 2), ': OPENROUTER PROCESSING\n\n', ...chunks.slice(2)];
}

describe('OpenRouter provider', () => {
  let server: ModelServer;
  beforeEach(async () => {
    server = await ModelServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  it('streams reasoning and answer and reports usage with OpenRouter\'s own cost', async () => {
    server.enqueue(sseResponse(openrouterStream()));
    const { client } = testClient(server, 'openrouter', '/api/v1');
    const out = await collect(client.stream(testCall(testSpec('openrouter', 'deepseek/deepseek-r1'))));
    assert.equal(out.error, undefined);
    assert.equal(out.reasoning, 'The sign is flipped.');
    assert.equal(out.answer, 'Return a + b.');
    assert.deepEqual(out.usage, { inputTokens: 210, cachedInputTokens: 10, outputTokens: 95, reasoningTokens: 61, estimated: false, providerCostUsd: 0.00123 });
  });

  it('asks for reasoning by effort, usage accounting and streamed usage', async () => {
    server.enqueue(sseResponse(openrouterStream()));
    const { client } = testClient(server, 'openrouter', '/api/v1');
    await collect(client.stream(testCall(testSpec('openrouter', 'openai/gpt-5', { effort: 'low', maxThinkingTokens: 3000, maxAnswerTokens: 1000 }))));
    const [request] = server.requests;
    assert.ok(request);
    assert.equal(request.path, '/api/v1/chat/completions');
    assertKeyOnlyIn(server, 'authorization', `Bearer ${TEST_API_KEY}`);
    const body = request.body as Json;
    assert.deepEqual(body.reasoning, { effort: 'low' });
    assert.deepEqual(body.usage, { include: true });
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.equal(body.max_tokens, 4000);
    assert.ok(JSON.stringify(body.messages).includes(JSON.stringify(REVIEWED_CODE).slice(1, -1)));
  });

  it('gives budget-thinking upstreams a reasoning.max_tokens budget instead', async () => {
    server.enqueue(sseResponse(openrouterStream()));
    const { client } = testClient(server, 'openrouter', '/api/v1');
    await collect(client.stream(testCall(testSpec('openrouter', 'anthropic/claude-sonnet-4.5', { effort: 'medium', maxThinkingTokens: 6000 }))));
    assert.deepEqual((server.requests[0]?.body as Json).reasoning, { max_tokens: 6000 });
  });

  it('fails with stream-error on an error chunk inside the 200 stream, keeping the reasoning', async () => {
    const chunks = chatSse(chatCompletionChunks({ model: 'x/y', reasoningField: 'reasoning', reasoning: ['Half a thought'], content: [] }), false).slice(0, 2);
    server.enqueue(sseResponse([...chunks, 'data: {"error":{"code":502,"message":"Provider returned error"}}\n\n']));
    const { client } = testClient(server, 'openrouter', '/api/v1');
    const out = await collect(client.stream(testCall(testSpec('openrouter', 'x/y'))));
    const error = modelErrorOf(out, 'stream-error');
    assert.match(error.message, /OpenRouter reported an error mid-response: .*Provider returned error/);
    assert.equal(out.reasoning, 'Half a thought');
  });

  it('reports exhausted credits (402) as insufficient credit', async () => {
    server.enqueue(jsonResponse(402, openrouterErrorBody(402, 'Insufficient credits. Add more using https://openrouter.ai/credits')));
    const { client } = testClient(server, 'openrouter', '/api/v1');
    const out = await collect(client.stream(testCall(testSpec('openrouter', 'x/y'))));
    const error = modelErrorOf(out, 'insufficient-credit');
    assert.equal(error.details.status, 402);
    assert.equal(error.details.retryable, false);
    assert.equal(server.requests.length, 1);
  });
});
