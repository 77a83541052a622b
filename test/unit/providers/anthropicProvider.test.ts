import * as assert from 'node:assert/strict';
import { estimateTokens } from '../../../src/core/routing/tokens';
import { ModelServer } from '../../support/modelServer';
import { anthropicEvents, namedSse, recordedFixture, sseResponse, type Json } from '../../support/transcripts';
import { REVIEWED_CODE, TEST_API_KEY, assertKeyOnlyIn, collect, modelErrorOf, testCall, testClient, testSpec } from './providerTestKit';

const RECORDED = 'anthropic-claude-sonnet-4-5-thinking.jsonl';

function deltasOf(events: Json[], type: 'thinking_delta' | 'text_delta'): string {
  return events
    .map((e) => e.delta as { type?: string; thinking?: string; text?: string } | undefined)
    .filter((d) => d?.type === type)
    .map((d) => (type === 'thinking_delta' ? d?.thinking : d?.text) ?? '')
    .join('');
}

describe('Anthropic provider', () => {
  let server: ModelServer;
  beforeEach(async () => {
    server = await ModelServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  it('streams a recorded thinking response into reasoning, answer and usage', async () => {
    const events = recordedFixture(RECORDED);
    server.enqueue(sseResponse(namedSse(events)));
    const { client } = testClient(server, 'anthropic', '/v1');
    const out = await collect(client.stream(testCall(testSpec('anthropic', 'claude-sonnet-4-5'))));

    assert.equal(out.error, undefined);
    assert.equal(out.reasoning, deltasOf(events, 'thinking_delta'));
    assert.equal(out.answer, deltasOf(events, 'text_delta'));
    assert.ok(out.reasoning.length > 100 && out.answer.length > 100);
    // All reasoning arrives before the answer.
    const kinds = out.events.map((e) => e.type);
    assert.ok(kinds.lastIndexOf('reasoning-delta') < kinds.indexOf('answer-delta'));
    assert.deepEqual(kinds.slice(-2), ['usage', 'finish']);
    assert.equal(out.finish, 'stop');
    // This recording has no thinking_tokens: the reasoning count is a local estimate.
    assert.deepEqual(out.usage, { inputTokens: 50, cachedInputTokens: 0, outputTokens: 485, reasoningTokens: estimateTokens(out.reasoning), estimated: true });
  });

  it('takes the thinking token count and cached input from the stream when reported', async () => {
    server.enqueue(sseResponse(namedSse(anthropicEvents({ thinking: ['The subtraction ', 'is wrong.'], text: ['Use a + b.'], inputTokens: 120, cacheReadTokens: 100, outputTokens: 60, thinkingTokens: 41 }))));
    const { client } = testClient(server, 'anthropic', '/v1');
    const out = await collect(client.stream(testCall(testSpec('anthropic', 'claude-sonnet-4-5'))));
    assert.equal(out.reasoning, 'The subtraction is wrong.');
    assert.equal(out.answer, 'Use a + b.');
    // Total input includes cache reads; thinking is part of the output.
    assert.deepEqual(out.usage, { inputTokens: 220, cachedInputTokens: 100, outputTokens: 60, reasoningTokens: 41, estimated: false });
  });

  it('sends a thinking budget within max_tokens, the code, and the key only in x-api-key', async () => {
    server.enqueue(sseResponse(namedSse(anthropicEvents({ thinking: ['t'], text: ['a'], inputTokens: 1, outputTokens: 2 }))));
    const { client } = testClient(server, 'anthropic', '/v1');
    await collect(client.stream(testCall(testSpec('anthropic', 'claude-sonnet-4-5', { maxThinkingTokens: 4096, maxAnswerTokens: 2048, effort: 'medium' }))));

    const [request] = server.requests;
    assert.ok(request);
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/v1/messages');
    assert.equal(request.headers['anthropic-version'], '2023-06-01');
    assertKeyOnlyIn(server, 'x-api-key', TEST_API_KEY);
    const body = request.body as Json;
    assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 4096 });
    assert.equal(body.max_tokens, 4096 + 2048);
    assert.equal(body.stream, true);
    assert.equal('temperature' in body, false);
    assert.equal('output_config' in body, false);
    assert.ok(JSON.stringify(body.messages).includes(JSON.stringify(REVIEWED_CODE).slice(1, -1)));
    assert.ok(JSON.stringify(body.system).includes('careful code reviewer'));
  });

  it('lets a lower effort think less than the limit', async () => {
    server.enqueue(sseResponse(namedSse(anthropicEvents({ thinking: ['t'], text: ['a'], inputTokens: 1, outputTokens: 2 }))));
    const { client } = testClient(server, 'anthropic', '/v1');
    await collect(client.stream(testCall(testSpec('anthropic', 'claude-sonnet-4-5', { maxThinkingTokens: 16000, maxAnswerTokens: 1000, effort: 'low' }))));
    const body = server.requests[0]?.body as Json;
    assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 2048 });
    assert.equal(body.max_tokens, 2048 + 1000);
  });

  it('uses adaptive thinking with an effort for Opus 4.6 and later', async () => {
    server.enqueue(sseResponse(namedSse(anthropicEvents({ thinking: ['t'], text: ['a'], inputTokens: 1, outputTokens: 2 }))));
    const { client } = testClient(server, 'anthropic', '/v1');
    await collect(client.stream(testCall(testSpec('anthropic', 'claude-opus-4-6', { maxThinkingTokens: 8000, maxAnswerTokens: 3000, effort: 'high' }))));
    const body = server.requests[0]?.body as Json;
    assert.deepEqual(body.thinking, { type: 'adaptive', display: 'summarized' });
    assert.deepEqual(body.output_config, { effort: 'high' });
    assert.equal(body.max_tokens, 11000);
    assert.equal('temperature' in body, false);
  });

  it('turns thinking off for maxThinkingTokens 0', async () => {
    server.enqueue(sseResponse(namedSse(anthropicEvents({ thinking: [], text: ['a'], inputTokens: 1, outputTokens: 2 }))));
    const { client } = testClient(server, 'anthropic', '/v1');
    const out = await collect(client.stream(testCall(testSpec('anthropic', 'claude-sonnet-4-5', { maxThinkingTokens: 0, maxAnswerTokens: 1500 }))));
    assert.equal(out.error, undefined);
    const body = server.requests[0]?.body as Json;
    assert.equal('thinking' in body, false);
    assert.equal(body.max_tokens, 1500);
  });

  it('refuses a budget below 1024 before sending anything', async () => {
    const { client } = testClient(server, 'anthropic', '/v1');
    const out = await collect(client.stream(testCall(testSpec('anthropic', 'claude-sonnet-4-5', { maxThinkingTokens: 500 }))));
    const error = modelErrorOf(out, 'config');
    assert.match(error.message, /at least 1024/);
    assert.equal(server.requests.length, 0);
  });

  it('keeps reasoning received before an overloaded_error event inside the 200 stream', async () => {
    const events = anthropicEvents({ thinking: ['First ', 'thought.'], text: ['never'], inputTokens: 70, outputTokens: 9 });
    const cut = events.findIndex((e) => e.type === 'content_block_stop');
    const chunks = [...namedSse(events.slice(0, cut)), 'event: error\ndata: {"type":"error","error":{"details":null,"type":"overloaded_error","message":"Overloaded"}}\n\n'];
    server.enqueue(sseResponse(chunks));
    const { client } = testClient(server, 'anthropic', '/v1');
    const out = await collect(client.stream(testCall(testSpec('anthropic', 'claude-sonnet-4-5'))));

    const error = modelErrorOf(out, 'stream-error');
    assert.match(error.message, /Anthropic/);
    assert.match(error.message, /overloaded/i);
    assert.equal(error.details.attempts, 1);
    assert.equal(out.reasoning, 'First thought.');
    assert.equal(out.retries.length, 0, 'no retry once reasoning was shown');
    assert.equal(server.requests.length, 1);
    // Input as reported by message_start; output estimated from what arrived.
    assert.equal(out.usage?.inputTokens, 70);
    assert.equal(out.usage?.estimated, true);
  });

  it('retries an overloaded_error that arrives before any output', async () => {
    server.enqueue(
      sseResponse(['event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n']),
      sseResponse(namedSse(anthropicEvents({ thinking: ['ok'], text: ['done'], inputTokens: 5, outputTokens: 6 }))),
    );
    const { client, sleeps } = testClient(server, 'anthropic', '/v1');
    const out = await collect(client.stream(testCall(testSpec('anthropic', 'claude-sonnet-4-5'))));
    assert.equal(out.error, undefined);
    assert.equal(out.answer, 'done');
    assert.equal(out.retries.length, 1);
    assert.match(out.retries[0]?.reason ?? '', /overloaded/i);
    assert.equal(sleeps.length, 1);
    assert.equal(server.requests.length, 2);
  });
});
