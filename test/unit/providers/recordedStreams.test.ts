// Every recorded provider stream (test/fixtures/recorded) must mean the same through the stream
// path as it did through the AI SDK path it replaced: the same reasoning, answer, usage and finish
// reason. expected-outputs.json was captured from the AI SDK path before it was removed
// (DEEP_REVIEW_CAPTURE_RECORDED=1 rewrites it from the current path).
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderId } from '../../../src/core/modelClient';
import { ModelServer } from '../../support/modelServer';
import { chatSse, namedSse, recordedFixture, recordedFixturesDir, recordedResponses, sseResponse, type Json } from '../../support/transcripts';
import { collect, testCall, testClient, testSpec } from './providerTestKit';

interface RecordedCase {
  name: string;
  provider: ProviderId;
  model: string;
  basePath: string;
  chunks: () => string[];
}

const ANTHROPIC = 'anthropic-claude-sonnet-4-5-thinking.jsonl';
const DEEPSEEK = 'deepseek-reasoner-reasoning.jsonl';
const RESPONSES = 'openai-responses-gpt-5.1-codex-max-reasoning-summary.jsonl';
const QWEN = 'alibaba-qwen-reasoning-openai-compatible.jsonl';

const responses = (i: number): Json[] => recordedResponses(RESPONSES)[i] ?? [];

const CASES: RecordedCase[] = [
  { name: 'anthropic claude-sonnet-4-5 thinking', provider: 'anthropic', model: 'claude-sonnet-4-5', basePath: '/v1', chunks: () => namedSse(recordedFixture(ANTHROPIC)) },
  { name: 'deepseek-reasoner', provider: 'deepseek', model: 'deepseek-reasoner', basePath: '', chunks: () => chatSse(recordedFixture(DEEPSEEK)) },
  { name: 'deepseek-reasoner via openai-compatible', provider: 'openai-compatible', model: 'deepseek-reasoner', basePath: '/v1', chunks: () => chatSse(recordedFixture(DEEPSEEK)) },
  { name: 'qwen3-max openai-compatible', provider: 'openai-compatible', model: 'qwen3-max', basePath: '/v1', chunks: () => chatSse(recordedFixture(QWEN)) },
  ...[0, 1, 2, 3].map((i) => ({ name: `openai responses gpt-5.1-codex-max #${i + 1}`, provider: 'openai' as const, model: 'gpt-5.1-codex-max', basePath: '/v1', chunks: () => namedSse(responses(i)) })),
];

const EXPECTED = join(recordedFixturesDir(), 'expected-outputs.json');

interface Outcome {
  reasoning: string;
  answer: string;
  usage: unknown;
  finish: string | undefined;
  error: string | undefined;
}

describe('recorded streams mean what they meant before', () => {
  let server: ModelServer;
  const captured: Record<string, Outcome> = {};
  before(async () => {
    server = await ModelServer.start();
  });
  after(async () => {
    await server.close();
    if (process.env.DEEP_REVIEW_CAPTURE_RECORDED === '1') writeFileSync(EXPECTED, `${JSON.stringify(captured, null, 2)}\n`);
  });

  for (const c of CASES) {
    it(c.name, async () => {
      server.enqueue(sseResponse(c.chunks()));
      const { client } = testClient(server, c.provider, c.basePath);
      const out = await collect(client.stream(testCall(testSpec(c.provider, c.model))));
      const outcome: Outcome = { reasoning: out.reasoning, answer: out.answer, usage: out.usage, finish: out.finish, error: out.error instanceof Error ? out.error.message : undefined };
      captured[c.name] = outcome;
      if (process.env.DEEP_REVIEW_CAPTURE_RECORDED === '1') return;
      assert.ok(existsSync(EXPECTED), 'expected-outputs.json is missing');
      const expected = (JSON.parse(readFileSync(EXPECTED, 'utf8')) as Record<string, Outcome>)[c.name];
      assert.ok(expected, `no expected output for ${c.name}`);
      assert.equal(outcome.reasoning, expected.reasoning, 'reasoning');
      assert.equal(outcome.answer, expected.answer, 'answer');
      assert.deepEqual(outcome.usage, expected.usage, 'usage');
      assert.equal(outcome.finish, expected.finish, 'finish reason');
      assert.equal(outcome.error, expected.error, 'error');
    });
  }
});
