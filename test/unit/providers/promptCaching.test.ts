// The request bodies carry the stable prefix first: cache breakpoints for Anthropic, a
// prompt_cache_key for OpenAI Responses, the same order for Chat Completions servers.
import * as assert from 'node:assert/strict';
import { ModelServer } from '../../support/modelServer';
import { anthropicEvents, chatCompletionChunks, chatSse, namedSse, openaiResponsesEvents, sseResponse, type Json } from '../../support/transcripts';
import { collect, testCall, testClient, testSpec } from './providerTestKit';
import { MAX_ANTHROPIC_BREAKPOINTS } from '../../../src/core/providers/promptCaching';

const GUIDELINES = 'Repository context follows …\n\nReview guidelines (AGENTS.md:1-3): no floating promises.';
const DEFINITIONS = 'Definition of withTax (src/tax.ts:3-5): …';
const EPHEMERAL = { type: 'ephemeral' };

function withPrefix(call: ReturnType<typeof testCall>, prefix: string[]): ReturnType<typeof testCall> {
  return { ...call, prefix };
}

function breakpoints(body: Json): number {
  return (JSON.stringify(body).match(/"cache_control"/g) ?? []).length;
}

describe('prompt caching on the wire', () => {
  let server: ModelServer;
  beforeEach(async () => {
    server = await ModelServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  it('Anthropic: breakpoints on the system block and the end of each stable block, the prompt last and unmarked', async () => {
    server.enqueue(sseResponse(namedSse(anthropicEvents({ thinking: ['t'], text: ['a'], inputTokens: 1, outputTokens: 2 }))));
    const { client } = testClient(server, 'anthropic', '/v1');
    const call = withPrefix(testCall(testSpec('anthropic', 'claude-sonnet-4-5')), [GUIDELINES, DEFINITIONS]);
    await collect(client.stream(call));
    const body = server.requests[0]?.body as Json;
    assert.deepEqual(body.system, [{ type: 'text', text: call.system, cache_control: EPHEMERAL }]);
    assert.deepEqual(body.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: GUIDELINES, cache_control: EPHEMERAL },
          { type: 'text', text: DEFINITIONS, cache_control: EPHEMERAL },
          { type: 'text', text: call.prompt },
        ],
      },
    ]);
  });

  it('Anthropic: never more than 4 breakpoints, the last prefix blocks keep theirs', async () => {
    server.enqueue(sseResponse(namedSse(anthropicEvents({ thinking: ['t'], text: ['a'], inputTokens: 1, outputTokens: 2 }))));
    const { client } = testClient(server, 'anthropic', '/v1');
    const prefix = ['b1', 'b2', 'b3', 'b4', 'b5'];
    await collect(client.stream(withPrefix(testCall(testSpec('anthropic', 'claude-sonnet-4-5')), prefix)));
    const body = server.requests[0]?.body as Json;
    assert.equal(breakpoints(body), MAX_ANTHROPIC_BREAKPOINTS);
    const content = (body.messages as { content: Json[] }[])[0]?.content ?? [];
    assert.deepEqual(
      content.map((c) => c.cache_control !== undefined),
      [false, false, true, true, true, false],
    );
  });

  it('Anthropic: without a prefix only the system block is a breakpoint', async () => {
    server.enqueue(sseResponse(namedSse(anthropicEvents({ thinking: ['t'], text: ['a'], inputTokens: 1, outputTokens: 2 }))));
    const { client } = testClient(server, 'anthropic', '/v1');
    await collect(client.stream(testCall(testSpec('anthropic', 'claude-sonnet-4-5'))));
    assert.equal(breakpoints(server.requests[0]?.body as Json), 1);
  });

  it('OpenAI Responses: the prefix first in input, and a prompt_cache_key that hashes the stable part only', async () => {
    for (let i = 0; i < 3; i++) server.enqueue(sseResponse(namedSse(openaiResponsesEvents({ summary: ['s'], text: ['a'], inputTokens: 1, outputTokens: 2, reasoningTokens: 0 }))));
    const { client } = testClient(server, 'openai', '/v1');
    const base = withPrefix(testCall(testSpec('openai', 'gpt-5')), [GUIDELINES, DEFINITIONS]);
    await collect(client.stream(base));
    await collect(client.stream({ ...base, prompt: 'Review another function.' }));
    await collect(client.stream({ ...base, prefix: [GUIDELINES] }));
    const [first, second, third] = server.requests.map((r) => r.body as Json);
    assert.ok(first && second && third);
    assert.deepEqual(first.input, [
      {
        role: 'user',
        content: [
          { type: 'input_text', text: GUIDELINES },
          { type: 'input_text', text: DEFINITIONS },
          { type: 'input_text', text: base.prompt },
        ],
      },
    ]);
    assert.equal(first.instructions, base.system);
    const key = String(first.prompt_cache_key);
    assert.match(key, /^deep-review-[0-9a-f]{32}$/, 'a hash, no user text in clear');
    assert.equal(second.prompt_cache_key, key, 'the per-request prompt does not change the key');
    assert.notEqual(third.prompt_cache_key, key, 'a different stable prefix gets another key');
  });

  it('Chat Completions (DeepSeek): system, then the prefix blocks, then the prompt, in one user message', async () => {
    server.enqueue(sseResponse(chatSse(chatCompletionChunks({ model: 'deepseek-reasoner', content: ['ok'], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }))));
    const { client } = testClient(server, 'deepseek', '');
    const call = withPrefix(testCall(testSpec('deepseek', 'deepseek-reasoner')), [GUIDELINES, DEFINITIONS]);
    await collect(client.stream(call));
    const body = server.requests[0]?.body as Json;
    assert.deepEqual(body.messages, [
      { role: 'system', content: call.system },
      { role: 'user', content: `${GUIDELINES}\n\n${DEFINITIONS}\n\n${call.prompt}` },
    ]);
  });
});
