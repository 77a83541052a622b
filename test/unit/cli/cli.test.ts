// The CLI end to end: the built dist/cli.js in a child process against the local test model
// server, for every provider, in all four formats; a second identical run is answered from the
// cache with no request reaching the server; usage errors exit 2, provider failures exit 1.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ProviderId } from '../../../src/core/modelClient';
import { ModelServer, type ScriptedResponse } from '../../support/modelServer';
import {
  anthropicEvents,
  chatCompletionChunks,
  chatSse,
  jsonResponse,
  anthropicErrorBody,
  namedSse,
  ndjsonLines,
  ndjsonResponse,
  ollamaChatLines,
  openaiResponsesEvents,
  sseResponse,
} from '../../support/transcripts';
import { runCli } from '../../support/runCli';

const KEY = 'sk-cli-SENTINEL-KEY-0042';

const CODE = ['export function average(values: number[]): number {', '  let total = 0;', '  for (let i = 0; i <= values.length; i++) {', '    total += values[i];', '  }', '  return total / values.length;', '}', ''].join('\n');

const ANSWER = JSON.stringify({
  summary: 'Off-by-one: the loop reads past the end.',
  findings: [{ title: 'Loop reads values[values.length]', severity: 'high', confidence: 0.9, startLine: 3, endLine: 3, explanation: 'Use < instead of <=.', suggestedFix: '  for (let i = 0; i < values.length; i++) {' }],
  answer: 'Change `<=` to `<`. <script>window.pwned=1</script>',
});
const pieces = (s: string) => s.match(/[\s\S]{1,50}/g) ?? [];

interface ProviderCase {
  provider: ProviderId;
  basePath: string;
  env?: string;
  model: string;
  stream(): ScriptedResponse;
  reasoningTokens: number;
}

const CASES: ProviderCase[] = [
  {
    provider: 'anthropic',
    basePath: '/v1',
    env: 'ANTHROPIC_API_KEY',
    model: 'claude-sonnet-4-5',
    stream: () => sseResponse(namedSse(anthropicEvents({ thinking: ['The loop bound ', 'is inclusive.'], text: pieces(ANSWER), inputTokens: 1200, outputTokens: 900, thinkingTokens: 500 }))),
    reasoningTokens: 500,
  },
  {
    provider: 'openai',
    basePath: '/v1',
    env: 'OPENAI_API_KEY',
    model: 'gpt-5',
    stream: () => sseResponse(namedSse(openaiResponsesEvents({ summary: ['**Bounds**\n\n', 'The loop bound is inclusive.'], text: pieces(ANSWER), inputTokens: 1200, outputTokens: 900, reasoningTokens: 640 }))),
    reasoningTokens: 640,
  },
  {
    provider: 'deepseek',
    basePath: '',
    env: 'DEEPSEEK_API_KEY',
    model: 'deepseek-reasoner',
    stream: () =>
      sseResponse(chatSse(chatCompletionChunks({ model: 'deepseek-reasoner', reasoningField: 'reasoning_content', reasoning: ['The loop bound ', 'is inclusive.'], content: pieces(ANSWER), usage: { prompt_tokens: 1200, completion_tokens: 900, total_tokens: 2100, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 450 } }, usageOnFinishChunk: true }))),
    reasoningTokens: 450,
  },
  {
    provider: 'openrouter',
    basePath: '/api/v1',
    env: 'OPENROUTER_API_KEY',
    model: 'anthropic/claude-sonnet-4.5',
    stream: () =>
      sseResponse(chatSse(chatCompletionChunks({ model: 'anthropic/claude-sonnet-4.5', reasoningField: 'reasoning', reasoning: ['The loop bound ', 'is inclusive.'], content: pieces(ANSWER), usage: { prompt_tokens: 1200, completion_tokens: 900, total_tokens: 2100, cost: 0.0171, completion_tokens_details: { reasoning_tokens: 300 } } }))),
    reasoningTokens: 300,
  },
  {
    provider: 'ollama',
    basePath: '/api',
    model: 'qwen3:8b',
    stream: () => ndjsonResponse(ndjsonLines(ollamaChatLines({ model: 'qwen3:8b', thinking: ['The loop bound ', 'is inclusive.'], content: pieces(ANSWER), promptEvalCount: 1200, evalCount: 900 }))),
    reasoningTokens: -1, // Ollama reports none: estimated
  },
  {
    provider: 'openai-compatible',
    basePath: '/v1',
    model: 'qwq-32b',
    stream: () => sseResponse(chatSse(chatCompletionChunks({ model: 'qwq-32b', content: ['<think>The loop bound ', 'is inclusive.</think>', ...pieces(ANSWER)], usage: { prompt_tokens: 1200, completion_tokens: 900, total_tokens: 2100 } }))),
    reasoningTokens: -1,
  },
];


describe('deep-review CLI (end to end, local test model server)', function () {
  this.timeout(60_000);
  let server: ModelServer;
  let work: string;

  before(async () => {
    server = await ModelServer.start();
    work = mkdtempSync(join(tmpdir(), 'deep-review-cli-'));
    writeFileSync(join(work, 'average.ts'), CODE);
  });
  after(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`${c.provider}: streams reasoning and answer, in all four formats, then answers from the cache`, async () => {
      const home = join(work, `home-${c.provider}`);
      const env = { DEEP_REVIEW_HOME: home, ...(c.env ? { [c.env]: KEY } : {}) };
      const args = ['review', 'average.ts:1-7', '--provider', c.provider, '--model', c.model, '--tier', 'reasoning', '--base-url', server.url(c.basePath), '--max-thinking-tokens', '2048'];
      const before = server.requests.length;
      server.enqueue(c.stream());
      const json = await runCli([...args, '--format', 'json'], env, work);
      assert.equal(json.code, 0, json.stderr);
      assert.equal(server.requests.length, before + 1);
      const out = JSON.parse(json.stdout) as Record<string, unknown> & { route: Record<string, unknown>; usage: Record<string, unknown>; cost: { usd: number | null; source: string; usageTrusted: boolean }; findings: { title: string }[] };
      assert.deepEqual(Object.keys(out).sort(), ['answer', 'cached', 'cost', 'durationMs', 'findings', 'jobId', 'reasoning', 'route', 'status', 'summary', 'usage', 'warnings'].sort());
      assert.deepEqual(Object.keys(out.route).sort(), ['model', 'note', 'provider', 'reasons', 'tier']);
      assert.deepEqual(Object.keys(out.usage).sort(), ['cacheWriteTokens', 'cachedInputTokens', 'estimated', 'inputTokens', 'outputTokens', 'reasoningTokens']);
      assert.equal(out.status, 'succeeded');
      assert.equal(out.cached, false);
      assert.equal(out.findings[0]?.title, 'Loop reads values[values.length]');
      assert.match(String(out.reasoning), /loop bound is inclusive/);
      assert.doesNotMatch(String(out.answer), /<think>/);
      if (c.reasoningTokens >= 0) assert.equal(out.usage.reasoningTokens, c.reasoningTokens);
      else assert.equal(out.usage.estimated, true);
      if (c.provider === 'openrouter') assert.deepEqual({ usd: out.cost.usd, source: out.cost.source, usageTrusted: out.cost.usageTrusted }, { usd: 0.0171, source: 'provider', usageTrusted: true });
      if (c.provider === 'anthropic') {
        // 1200 in at $3, 900 out at $15 per million
        assert.ok(Math.abs((out.cost.usd ?? 0) - (1200 * 3 + 900 * 15) / 1e6) < 1e-9, JSON.stringify(out.cost));
        const body = server.requests.at(-1)!.body as { thinking?: { budget_tokens?: number } };
        assert.equal(body.thinking?.budget_tokens, 2048);
      }
      const sent = server.requests.at(-1)!;
      assert.match(sent.rawBody, /i <= values\.length/);
      assert.doesNotMatch(sent.rawBody, new RegExp(KEY), 'the key never appears in the request body');

      for (const format of ['text', 'markdown', 'html'] as const) {
        const r = await runCli([...args, '--format', format], env, work);
        assert.equal(r.code, 0, r.stderr);
        if (format === 'text') assert.match(r.stdout, /\[HIGH\] average\.ts:3 {2}Loop reads values\[values\.length\]/);
        if (format === 'markdown') assert.match(r.stdout, /^# Review average\.ts:1-7/m);
        if (format === 'html') {
          assert.match(r.stdout, /^<!DOCTYPE html>/);
          assert.match(r.stdout, /Content-Security-Policy" content="default-src 'none'/);
          assert.doesNotMatch(r.stdout, /<script/i, 'model output cannot inject a script into the report');
        }
      }
      const cachedRun = await runCli([...args, '--format', 'json'], env, work);
      const cached = JSON.parse(cachedRun.stdout) as { cached: boolean; findings: unknown[]; cost: { usd: number } };
      assert.equal(cached.cached, true);
      assert.equal(cached.cost.usd, 0);
      assert.equal(cached.findings.length, 1);
      assert.equal(server.requests.length, before + 1, 'the cached runs made no request');
      for (const file of readdirSync(home)) assert.doesNotMatch(readFileSync(join(home, file), 'utf8'), new RegExp(KEY), `${file} holds the key`);
    });
  }

  it('writes --output to a file and reports cost totals', async () => {
    const home = join(work, 'home-anthropic');
    const target = join(work, 'report.md');
    server.enqueue(CASES[0]!.stream());
    const r = await runCli(['review', 'average.ts', '--provider', 'anthropic', '--base-url', server.url('/v1'), '--format', 'markdown', '--output', target, '--no-cache'], { DEEP_REVIEW_HOME: home, ANTHROPIC_API_KEY: KEY }, work);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(readFileSync(target, 'utf8'), /## Findings/);
    const cost = await runCli(['cost'], { DEEP_REVIEW_HOME: home }, work);
    assert.equal(cost.code, 0, cost.stderr);
    assert.match(cost.stdout, /^Today\s+\$\s*0\.\d{4}\s+\d+ jobs\s+[\d,]+ thinking\s+[\d,]+ answer/m);
    assert.match(cost.stdout, /reasoning/);
  });

  it('debugs from a diagnostics file in one request', async () => {
    const diag = join(work, 'diag.json');
    writeFileSync(diag, JSON.stringify([{ message: 'Index out of range', severity: 'error', startLine: 4, endLine: 4, source: 'tsc' }, { range: { start: { line: 5, character: 2 }, end: { line: 5, character: 20 } }, severity: 2, message: 'Possible division by zero' }]));
    server.enqueue(CASES[0]!.stream());
    const before = server.requests.length;
    const r = await runCli(['review', 'average.ts', '--diagnostics', diag, '--provider', 'anthropic', '--base-url', server.url('/v1'), '--format', 'json'], { DEEP_REVIEW_HOME: join(work, 'home-diag'), ANTHROPIC_API_KEY: KEY }, work);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.requests.length, before + 1);
    assert.match(server.requests.at(-1)!.rawBody, /Index out of range[\s\S]*Possible division by zero/);
  });

  it('exits 2 on bad usage and 1 on a provider failure, with one clear line', async () => {
    const env = { DEEP_REVIEW_HOME: join(work, 'home-errors'), ANTHROPIC_API_KEY: KEY };
    for (const args of [['review'], ['review', 'missing.ts', '--provider', 'anthropic'], ['review', 'average.ts', '--tier', 'huge'], ['review', 'average.ts:9-3'], ['frobnicate']]) {
      const r = await runCli(args, env, work);
      assert.equal(r.code, 2, `${args.join(' ')} → ${r.code}: ${r.stderr}`);
      assert.match(r.stderr, /^deep-review: /);
    }
    const noKey = await runCli(['review', 'average.ts', '--provider', 'openai'], { DEEP_REVIEW_HOME: join(work, 'home-errors') }, work);
    assert.equal(noKey.code, 1);
    assert.match(noKey.stderr, /OPENAI_API_KEY/);
    server.enqueue(jsonResponse(401, anthropicErrorBody('authentication_error', 'invalid x-api-key')));
    const denied = await runCli(['review', 'average.ts', '--provider', 'anthropic', '--base-url', server.url('/v1'), '--no-cache'], env, work);
    assert.equal(denied.code, 1);
    assert.equal(denied.stderr.trim().split('\n').filter((l) => l.startsWith('deep-review:')).length, 1);
    assert.match(denied.stderr, /401|API key/i);
    assert.doesNotMatch(denied.stderr, new RegExp(KEY));
  });
});
