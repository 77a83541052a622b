// Prompt caching end to end: the built CLI in a child process against the local test model
// server, with synthetic streams whose usage reports cache reads and writes. The request carries
// the cache breakpoints / prompt_cache_key on the stable prefix (the repository's guidelines),
// the job is billed at the cache rates, and the JSON and `deep-review cost` show the savings.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAULT_ANSWER, FAULT_CODE } from '../../support/faultCases';
import { ModelServer } from '../../support/modelServer';
import { anthropicEvents, namedSse, openaiResponsesEvents, sseResponse } from '../../support/transcripts';
import { runCli } from '../../support/runCli';

const KEY = 'sk-cache-SENTINEL-7731';
const CODE_LINES = FAULT_CODE.split('\n').length - 1;
const GUIDELINE = 'Every loop bound must be checked against the array length.';

interface ReviewJson {
  usage: { inputTokens: number; cachedInputTokens: number; cacheWriteTokens: number; outputTokens: number };
  cost: { usd: number | null; source: string; listUsd: number | null; savings: { savedUsd: number; promptCacheUsd: number; batchUsd: number } | null };
}

function close(actual: number | null | undefined, expected: number, what: string): void {
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) < 1e-12, `${what}: expected ${expected}, got ${actual}`);
}

describe('CLI: prompt caching, billed at the cache rates, savings shown', function () {
  this.timeout(60_000);
  let server: ModelServer;
  let work: string;
  before(async () => {
    server = await ModelServer.start();
    work = mkdtempSync(join(tmpdir(), 'deep-review-promptcache-'));
    writeFileSync(join(work, 'average.ts'), FAULT_CODE);
    writeFileSync(join(work, 'AGENTS.md'), `# Review rules\n\n${GUIDELINE}\n`);
  });
  after(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  const review = (provider: string, model: string, basePath: string, envVar: string, home: string) =>
    runCli(['review', `average.ts:1-${CODE_LINES}`, '--provider', provider, '--model', model, '--tier', 'reasoning', '--base-url', server.url(basePath), '--max-thinking-tokens', '4096', '--format', 'json'], { DEEP_REVIEW_HOME: home, [envVar]: KEY }, work);

  it('Anthropic: breakpoints on system and guidelines; reads at 0.1×, writes at 1.25× input; savings in the JSON and the cost report', async () => {
    const home = join(work, 'home-anthropic');
    server.enqueue(sseResponse(namedSse(anthropicEvents({ thinking: ['Checking ', 'the bound.'], text: [FAULT_ANSWER], inputTokens: 50, cacheReadTokens: 500, cacheWriteTokens: 200, outputTokens: 500, thinkingTokens: 300 }))));
    const r = await review('anthropic', 'claude-sonnet-4-5', '/v1', 'ANTHROPIC_API_KEY', home);
    assert.equal(r.code, 0, r.stderr);

    const body = server.requests.at(-1)!.body as { system: { text: string; cache_control?: unknown }[]; messages: { content: { text: string; cache_control?: unknown }[] }[] };
    assert.deepEqual(body.system[0]?.cache_control, { type: 'ephemeral' });
    const content = body.messages[0]?.content ?? [];
    const marked = content.filter((b) => b.cache_control !== undefined);
    assert.ok(marked.length >= 1 && marked.some((b) => b.text.includes(GUIDELINE)), 'the guidelines block ends at a breakpoint');
    assert.ok(content.at(-1)?.text.includes('TARGET') && content.at(-1)?.cache_control === undefined, 'the per-request part comes last, unmarked');

    const out = JSON.parse(r.stdout) as ReviewJson & { warnings: string[] };
    assert.ok(!out.warnings.some((w) => /not trusted/.test(w)), out.warnings.join('; '));
    assert.deepEqual({ ...out.usage, estimated: undefined, reasoningTokens: undefined }, { inputTokens: 750, cachedInputTokens: 500, cacheWriteTokens: 200, outputTokens: 500, estimated: undefined, reasoningTokens: undefined });
    // claude-sonnet-4-5: $3 in, $0.30 cache read, $3.75 cache write, $15 out per million.
    const billed = (50 * 3 + 500 * 0.3 + 200 * 3.75 + 500 * 15) / 1e6;
    const list = (750 * 3 + 500 * 15) / 1e6;
    close(out.cost.usd, billed, 'billed');
    close(out.cost.listUsd, list, 'list');
    close(out.cost.savings?.savedUsd, list - billed, 'saved');
    close(out.cost.savings?.promptCacheUsd, list - billed, 'prompt cache share');
    close(out.cost.savings?.batchUsd, 0, 'batch share');

    const cost = await runCli(['cost'], { DEEP_REVIEW_HOME: home }, work);
    assert.equal(cost.code, 0, cost.stderr);
    assert.match(cost.stdout, /750 input \(500 read from the prompt cache, 200 written to it\)/);
    assert.match(cost.stdout, /Savings: saved \$0\.0012 \(prompt cache \$0\.0012, batch \$0\.00\) against \$0\.0098 at the list price, over 1 priced job\./);
  });

  it('OpenAI: a prompt_cache_key from the stable prefix; cached input at the cached rate', async () => {
    const home = join(work, 'home-openai');
    for (let i = 0; i < 2; i++) server.enqueue(sseResponse(namedSse(openaiResponsesEvents({ summary: ['Checking.'], text: [FAULT_ANSWER], inputTokens: 700, cachedTokens: 512, outputTokens: 600, reasoningTokens: 400 }))));
    const r = await review('openai', 'gpt-5', '/v1', 'OPENAI_API_KEY', home);
    assert.equal(r.code, 0, r.stderr);
    const first = server.requests.at(-1)!;
    const key = (first.body as { prompt_cache_key?: string }).prompt_cache_key;
    assert.match(String(key), /^deep-review-[0-9a-f]{32}$/);
    assert.ok(!String(key).includes('loop'), 'no user text in clear');
    const input = JSON.stringify((first.body as { input: unknown }).input);
    assert.ok(input.indexOf(GUIDELINE) < input.indexOf('TARGET'), 'guidelines before the target');

    const out = JSON.parse(r.stdout) as ReviewJson & { warnings: string[] };
    assert.ok(!out.warnings.some((w) => /not trusted/.test(w)), out.warnings.join('; '));
    // gpt-5: $1.25 in, $0.125 cached, $10 out per million.
    close(out.cost.usd, (188 * 1.25 + 512 * 0.125 + 600 * 10) / 1e6, 'billed');
    close(out.cost.savings?.promptCacheUsd, (512 * (1.25 - 0.125)) / 1e6, 'prompt cache share');

    // Another range of the same file: same stable prefix, so the same key.
    const sent = server.requests.length;
    const again = await runCli(['review', `average.ts:1-${CODE_LINES - 1}`, '--provider', 'openai', '--model', 'gpt-5', '--tier', 'reasoning', '--base-url', server.url('/v1'), '--max-thinking-tokens', '4096', '--format', 'json'], { DEEP_REVIEW_HOME: home, OPENAI_API_KEY: KEY }, work);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(server.requests.length, sent + 1, 'a new request, not an analysis-cache answer');
    assert.notEqual(server.requests.at(-1)!.rawBody, first.rawBody);
    assert.equal((server.requests.at(-1)!.body as { prompt_cache_key?: string }).prompt_cache_key, key);
  });
});
