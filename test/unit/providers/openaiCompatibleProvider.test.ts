import * as assert from 'node:assert/strict';
import type { ModelEvent } from '../../../src/core/modelClient';
import { estimateTokens } from '../../../src/core/routing/tokens';
import { ModelServer } from '../../support/modelServer';
import { chatCompletionChunks, chatSse, recordedFixture, sseResponse, type Json } from '../../support/transcripts';
import { REVIEWED_CODE, TEST_API_KEY, assertKeyOnlyIn, collect, modelErrorOf, testCall, testClient, testSpec } from './providerTestKit';

const RECORDED = 'alibaba-qwen-reasoning-openai-compatible.jsonl';

function contentStream(content: string[], usage?: Json): string[] {
  return chatSse(chatCompletionChunks({ model: 'local-model', content, ...(usage ? { usage } : {}) }));
}

/** The order of event kinds with consecutive repeats collapsed. */
function shape(events: ModelEvent[]): string[] {
  return events.map((e) => e.type).filter((t, i, all) => t !== all[i - 1]);
}

describe('OpenAI-compatible provider', () => {
  let server: ModelServer;
  beforeEach(async () => {
    server = await ModelServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  it('streams recorded reasoning_content, content and usage', async () => {
    const chunks = recordedFixture(RECORDED);
    server.enqueue(sseResponse(chatSse(chunks)));
    const { client } = testClient(server, 'openai-compatible', '/v1');
    const out = await collect(client.stream(testCall(testSpec('openai-compatible', 'qwen3-max'))));
    assert.equal(out.error, undefined);
    assert.match(out.reasoning, /^We are asked: "How many 'r's are in the word 'strawberry'\?"/);
    assert.match(out.answer, /^The word \*\*"strawberry"\*\* contains \*\*3\*\*/);
    assert.deepEqual(out.usage, { inputTokens: 24, cachedInputTokens: 0, outputTokens: 1355, reasoningTokens: 1084, estimated: false });
  });

  it('splits <think> tags cut across deltas into reasoning, then streams the answer', async () => {
    // Spaced out so each delta is its own network read (deltas read together become one event).
    server.enqueue(sseResponse(contentStream(['<thi', 'nk>The sign ', 'is wrong.</th', 'ink>\n\nUse ', 'a + b.']), { chunkDelayMs: 15 }));
    const { client } = testClient(server, 'openai-compatible', '/v1');
    const out = await collect(client.stream(testCall(testSpec('openai-compatible', 'deepseek-r1-distill'))));
    assert.equal(out.reasoning, 'The sign is wrong.');
    assert.equal(out.answer, 'Use a + b.');
    assert.deepEqual(shape(out.events), ['reasoning-delta', 'answer-delta', 'usage', 'finish']);
    // Two answer deltas: the answer streams, it is not held to the end.
    assert.equal(out.events.filter((e) => e.type === 'answer-delta').length, 2);
  });

  it('treats text before a lone closing tag as reasoning without ever showing it as answer', async () => {
    server.enqueue(sseResponse(contentStream(['Let me ', 'look.', '</think>', 'Use a + b.'])));
    const { client } = testClient(server, 'openai-compatible', '/v1');
    const out = await collect(client.stream(testCall(testSpec('openai-compatible', 'qwq'))));
    assert.equal(out.reasoning, 'Let me look.');
    assert.equal(out.answer, 'Use a + b.');
    assert.deepEqual(shape(out.events), ['reasoning-delta', 'answer-delta', 'usage', 'finish']);
  });

  it('estimates usage when the server reports none', async () => {
    server.enqueue(sseResponse(contentStream(['<think>abcdefgh</think>', 'answer!!'])));
    const { client } = testClient(server, 'openai-compatible', '/v1');
    const call = testCall(testSpec('openai-compatible', 'local-model'));
    const out = await collect(client.stream(call));
    assert.deepEqual(out.usage, {
      inputTokens: estimateTokens(`${call.system}\n\n${call.prompt}`),
      cachedInputTokens: 0,
      outputTokens: estimateTokens('abcdefghanswer!!'),
      reasoningTokens: estimateTokens('abcdefgh'),
      estimated: true,
    });
  });

  it('sends reasoning_effort, thinking + answer as max_tokens and asks for usage', async () => {
    server.enqueue(sseResponse(contentStream(['ok'])));
    const { client } = testClient(server, 'openai-compatible', '/v1');
    await collect(client.stream(testCall(testSpec('openai-compatible', 'qwen3-32b', { effort: 'low', maxThinkingTokens: 2000, maxAnswerTokens: 500 }))));
    const [request] = server.requests;
    assert.ok(request);
    assert.equal(request.path, '/v1/chat/completions');
    assertKeyOnlyIn(server, 'authorization', `Bearer ${TEST_API_KEY}`);
    const body = request.body as Json;
    assert.equal(body.reasoning_effort, 'low');
    assert.equal(body.max_tokens, 2500);
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.ok(JSON.stringify(body.messages).includes(JSON.stringify(REVIEWED_CODE).slice(1, -1)));
  });

  it('needs a base URL', async () => {
    const { client } = testClient(server, 'openai-compatible', '', { baseUrl: '' });
    const out = await collect(client.stream(testCall(testSpec('openai-compatible', 'x'))));
    assert.match(modelErrorOf(out, 'config').message, /needs a base URL/);
  });
});
