// Where the key goes and what is recorded, end to end: the built CLI in a child process against
// the local test model server. A redirect to another origin never carries the key there (every
// provider); credentials in a base URL are sent as Basic auth and never appear in output, stderr
// or anything on disk; reasoning counted beside completion_tokens (xAI) is billed as output.
// (The other stream bounds run through the CLI as rows of the fault matrix.)
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderId } from '../../../src/core/modelClient';
import { PROVIDER_CATALOG } from '../../../src/core/providers/catalog';
import { FAULT_ANSWER, FAULT_CODE } from '../../support/faultCases';
import { ModelServer } from '../../support/modelServer';
import { anthropicErrorBody, anthropicEvents, chatCompletionChunks, chatSse, jsonResponse, namedSse, sseResponse } from '../../support/transcripts';
import { runCli } from '../../support/runCli';

const KEY = 'sk-trust-SENTINEL-KEY-5150';
const PASSWORD = 'pw-SENTINEL-8812';
const CODE_LINES = FAULT_CODE.split('\n').length - 1;

const PROVIDERS: { provider: ProviderId; model: string; basePath: string }[] = [
  { provider: 'anthropic', model: 'claude-sonnet-4-5', basePath: '/v1' },
  { provider: 'openai', model: 'gpt-5', basePath: '/v1' },
  { provider: 'deepseek', model: 'deepseek-reasoner', basePath: '' },
  { provider: 'openrouter', model: 'deepseek/deepseek-r1', basePath: '/api/v1' },
  { provider: 'ollama', model: 'qwen3:8b', basePath: '/api' },
  { provider: 'openai-compatible', model: 'qwen3-32b', basePath: '/v1' },
  { provider: 'xai', model: 'grok-4', basePath: '/v1' },
];

/** Every file under dir, as text. */
function filesUnder(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const name of readdirSync(dir, { recursive: true }).map(String)) {
    const path = join(dir, name);
    if (statSync(path).isFile()) out.push({ path, text: readFileSync(path, 'utf8') });
  }
  return out;
}

describe('CLI: the key goes only to its provider; base-URL credentials stay secret', function () {
  this.timeout(60_000);
  let server: ModelServer;
  let elsewhere: ModelServer;
  let work: string;

  before(async () => {
    server = await ModelServer.start();
    elsewhere = await ModelServer.start();
    work = mkdtempSync(join(tmpdir(), 'deep-review-trust-'));
    writeFileSync(join(work, 'average.ts'), FAULT_CODE);
  });
  after(async () => {
    await server.close();
    await elsewhere.close();
    rmSync(work, { recursive: true, force: true });
  });

  const run = (provider: ProviderId, model: string, baseUrl: string, home: string) => {
    const envVar = PROVIDER_CATALOG[provider].keyEnvVar;
    const env = { DEEP_REVIEW_HOME: home, ...(envVar ? { [envVar]: KEY } : {}) };
    return runCli(['review', `average.ts:1-${CODE_LINES}`, '--provider', provider, '--model', model, '--tier', 'reasoning', '--base-url', baseUrl, '--max-thinking-tokens', '4096', '--format', 'json'], env, work);
  };

  for (const p of PROVIDERS) {
    it(`${p.provider}: a 307 to another origin fails at once and the second server sees nothing`, async () => {
      const target = elsewhere.url(`${p.basePath}/stolen`);
      const before = { here: server.requests.length, there: elsewhere.requests.length };
      server.enqueue({ status: 307, headers: { location: target }, chunks: [] });
      const r = await run(p.provider, p.model, server.url(p.basePath), join(work, `home-redirect-${p.provider}`));
      assert.equal(r.code, 1, r.stderr);
      assert.equal(server.requests.length - before.here, 1, 'one request, not retried');
      assert.equal(elsewhere.requests.length - before.there, 0, 'nothing reached the other origin');
      const line = r.stderr.split('\n').find((l) => l.startsWith('deep-review:')) ?? '';
      assert.ok(line.includes(`answered with a redirect (307) to ${target}, another address`), line);
      assert.match(line, /your API key was not sent there/);
      assert.ok(!r.stderr.includes(KEY) && !r.stdout.includes(KEY));
      assert.equal(server.pending, 0);
    });
  }

  it('follows a redirect within the same origin, with the key, a bounded number of times', async () => {
    server.enqueue(
      { status: 308, headers: { location: '/moved/v1/messages' }, chunks: [] },
      sseResponse(namedSse(anthropicEvents({ thinking: ['Looking.'], text: [FAULT_ANSWER], inputTokens: 100, outputTokens: 50 }))),
    );
    const before = server.requests.length;
    const r = await run('anthropic', 'claude-sonnet-4-5', server.url('/v1'), join(work, 'home-same-origin'));
    assert.equal(r.code, 0, r.stderr);
    const [first, second] = server.requests.slice(before);
    assert.equal(first?.path, '/v1/messages');
    assert.equal(second?.path, '/moved/v1/messages');
    assert.equal(second?.headers['x-api-key'], KEY);

    for (let i = 0; i < 4; i++) server.enqueue({ status: 307, headers: { location: `/loop${i}` }, chunks: [] });
    const loop = await run('anthropic', 'claude-sonnet-4-5', server.url('/v1'), join(work, 'home-loop'));
    assert.equal(loop.code, 1);
    assert.match(loop.stderr, /redirected more than 3 times/);
    assert.equal(server.pending, 0);
  });

  it('sends base-URL credentials as Basic auth and masks them in output, stderr and every stored file', async () => {
    const home = join(work, 'home-credentials');
    const withCredentials = server.url('/v1').replace('http://', `http://deepuser:${PASSWORD}@`);
    // One failure whose message names the base URL, then a success that stores the job.
    server.enqueue(
      jsonResponse(404, anthropicErrorBody('not_found_error', `model: claude-sonnet-4-5 (via ${withCredentials})`)),
      sseResponse(namedSse(anthropicEvents({ thinking: ['Looking.'], text: [FAULT_ANSWER], inputTokens: 100, outputTokens: 50 }))),
    );
    const before = server.requests.length;
    const failed = await run('anthropic', 'claude-sonnet-4-5', withCredentials, home);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /Anthropic has no model “claude-sonnet-4-5” \(404\).*http:\/\/\*\*\*@127\.0\.0\.1:\d+\/v1/);
    const ok = await run('anthropic', 'claude-sonnet-4-5', withCredentials, home);
    assert.equal(ok.code, 0, ok.stderr);

    for (const request of server.requests.slice(before)) {
      assert.equal(request.headers.authorization, `Basic ${Buffer.from(`deepuser:${PASSWORD}`).toString('base64')}`);
      assert.equal(request.headers['x-api-key'], KEY);
    }
    for (const r of [failed, ok]) {
      assert.ok(!r.stderr.includes(PASSWORD) && !r.stdout.includes(PASSWORD), 'the password was printed');
      assert.ok(!r.stderr.includes('deepuser') && !r.stdout.includes('deepuser'), 'the user name was printed');
    }
    const files = filesUnder(home);
    assert.ok(files.some((f) => f.text.includes('http://***@127.0.0.1')), `the job record keeps the masked base URL (${files.map((f) => f.path).join(', ')})`);
    for (const f of files) assert.ok(!f.text.includes(PASSWORD) && !f.text.includes('deepuser'), `credentials stored in ${f.path}`);
  });

  it('xAI: reasoning counted beside completion_tokens is billed as output', async () => {
    const home = join(work, 'home-xai');
    const usage = { prompt_tokens: 1200, completion_tokens: 400, total_tokens: 2100, completion_tokens_details: { reasoning_tokens: 500 } };
    server.enqueue(sseResponse(chatSse(chatCompletionChunks({ model: 'grok-4', reasoningField: 'reasoning_content', reasoning: ['Looking ', 'closely.'], content: [FAULT_ANSWER], usage }))));
    const r = await run('xai', 'grok-4', server.url('/v1'), home);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { usage: { inputTokens: number; outputTokens: number; reasoningTokens: number; estimated: boolean } };
    assert.deepEqual({ ...out.usage }, { inputTokens: 1200, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 900, reasoningTokens: 500, estimated: false });
    const sent = server.requests.at(-1)!;
    assert.equal(sent.path, '/v1/chat/completions');
    assert.equal(sent.headers.authorization, `Bearer ${KEY}`);
    assert.equal('reasoning_effort' in (sent.body as Record<string, unknown>), false, 'Grok 4 rejects reasoning_effort');
    const ledger = readFileSync(join(home, 'ledger.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { type: string; outputTokens: number; reasoningTokens: number })
      .filter((l) => l.type === 'job');
    assert.deepEqual(ledger.map((l) => [l.outputTokens, l.reasoningTokens]), [[900, 500]]);
  });

  it('--timeout stops a request that keeps streaming past the total deadline', async () => {
    const events = anthropicEvents({ thinking: Array.from({ length: 50 }, () => 'still thinking. '), text: [FAULT_ANSWER], inputTokens: 100, outputTokens: 50 });
    server.enqueue(sseResponse(namedSse(events), { chunkDelayMs: 100 }));
    const before = server.requests.length;
    const r = await runCli(['review', `average.ts:1-${CODE_LINES}`, '--provider', 'anthropic', '--model', 'claude-sonnet-4-5', '--tier', 'reasoning', '--base-url', server.url('/v1'), '--max-thinking-tokens', '4096', '--format', 'json', '--timeout', '1'], { DEEP_REVIEW_HOME: join(work, 'home-timeout'), ANTHROPIC_API_KEY: KEY }, work);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /deep-review: Anthropic did not finish within 1 s, so Deep Review stopped the request\./);
    assert.equal(server.requests.length - before, 1, 'not retried');
    const out = JSON.parse(r.stdout) as { reasoning: string };
    assert.ok(out.reasoning.startsWith('still thinking.'), 'what arrived is kept');
    await server.requests.at(-1)!.closed;
  });
});
