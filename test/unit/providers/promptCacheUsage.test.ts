// Cache reads and writes as each wire format reports them, normalized into Usage.
import * as assert from 'node:assert/strict';
import { ModelServer } from '../../support/modelServer';
import { anthropicEvents, chatCompletionChunks, chatSse, namedSse, openaiResponsesEvents, sseResponse, type Json } from '../../support/transcripts';
import { collect, testCall, testClient, testSpec } from './providerTestKit';

describe('prompt cache usage in every stream reader', () => {
  let server: ModelServer;
  beforeEach(async () => {
    server = await ModelServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  it('Anthropic: cache_creation_input_tokens become cache writes, cache_read_input_tokens reads, both inside the input total', async () => {
    server.enqueue(sseResponse(namedSse(anthropicEvents({ thinking: ['t'], text: ['a'], inputTokens: 50, cacheReadTokens: 3_000, cacheWriteTokens: 1_200, outputTokens: 40, thinkingTokens: 10 }))));
    const { client } = testClient(server, 'anthropic', '/v1');
    const out = await collect(client.stream(testCall(testSpec('anthropic', 'claude-sonnet-4-5'))));
    // message_delta repeats no cache_creation_input_tokens: message_start's count stands.
    assert.deepEqual(out.usage, { inputTokens: 4_250, cachedInputTokens: 3_000, cacheWriteTokens: 1_200, outputTokens: 40, reasoningTokens: 10, estimated: false });
  });

  it('OpenAI Responses: input_tokens_details.cached_tokens and cache_write_tokens', async () => {
    server.enqueue(sseResponse(namedSse(openaiResponsesEvents({ summary: ['s'], text: ['a'], inputTokens: 5_000, cachedTokens: 4_096, cacheWriteTokens: 512, outputTokens: 300, reasoningTokens: 200 }))));
    const { client } = testClient(server, 'openai', '/v1');
    const out = await collect(client.stream(testCall(testSpec('openai', 'gpt-5'))));
    assert.deepEqual(out.usage, { inputTokens: 5_000, cachedInputTokens: 4_096, cacheWriteTokens: 512, outputTokens: 300, reasoningTokens: 200, estimated: false });
  });

  it('DeepSeek: prompt_cache_hit_tokens alone are cache reads', async () => {
    const usage: Json = { prompt_tokens: 900, completion_tokens: 70, total_tokens: 970, prompt_cache_hit_tokens: 640, prompt_cache_miss_tokens: 260 };
    server.enqueue(sseResponse(chatSse(chatCompletionChunks({ model: 'deepseek-reasoner', reasoning: ['hm'], content: ['ok'], usage, usageOnFinishChunk: true }))));
    const { client } = testClient(server, 'deepseek', '');
    const out = await collect(client.stream(testCall(testSpec('deepseek', 'deepseek-reasoner'))));
    assert.equal(out.usage?.inputTokens, 900);
    assert.equal(out.usage?.cachedInputTokens, 640);
    assert.equal(out.usage?.cacheWriteTokens, undefined);
  });

  it('Chat Completions: prompt_tokens_details.cache_write_tokens', async () => {
    const usage: Json = { prompt_tokens: 2_000, completion_tokens: 10, total_tokens: 2_010, prompt_tokens_details: { cached_tokens: 1_024, cache_write_tokens: 900 } };
    server.enqueue(sseResponse(chatSse(chatCompletionChunks({ model: 'some-model', content: ['ok'], usage }))));
    const { client } = testClient(server, 'openrouter', '/api/v1');
    const out = await collect(client.stream(testCall(testSpec('openrouter', 'anthropic/claude-sonnet-4.5'))));
    assert.equal(out.usage?.cachedInputTokens, 1_024);
    assert.equal(out.usage?.cacheWriteTokens, 900);
  });
});
