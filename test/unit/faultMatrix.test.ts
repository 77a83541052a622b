// The fault matrix end to end: each provider failure in test/support/faultCases.ts is scripted on
// the local model server and run through the real engine (ReviewEngine + the real provider
// client, retries with a recording zero-delay sleep), and the rows marked `cli` also through the
// built CLI in a child process. For every row: what the user sees, the retries, the job's final
// state, the ledger entry and the analysis cache. The observed rows make the table in
// docs/reliability.md; the test fails when the committed doc differs, and rewrites it when
// DEEP_REVIEW_UPDATE_DOCS=1.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { costOfUsage, formatUsd } from '../../src/core/cost/cost';
import type { JobRecord } from '../../src/core/jobs/job';
import type { LedgerRecord } from '../../src/core/cost/ledger';
import { resolveTierSpecs } from '../../src/core/routing/modelSettings';
import { DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REQUEST_TIMEOUT_MS, createModelClient } from '../../src/core/providers/providerFactory';
import { DEFAULT_RETRY_POLICY } from '../../src/core/providers/retryPolicy';
import type { ReviewRequestInput } from '../../src/core/requests/request';
import { ReviewEngine, type EngineSettings } from '../../src/core/reviewEngine';
import { MemoryTextStore } from '../../src/core/storage';
import { estimateTokens } from '../../src/core/routing/tokens';
import { ANTHROPIC, BILLED, FAULT_CASES, FAULT_CODE, FAULT_REASONING, STORAGE_AND_SPEND_NOTES, type FaultCase } from '../support/faultCases';
import { ModelServer } from '../support/modelServer';
import { sseResponse } from '../support/transcripts';
import { runCli } from '../support/runCli';

const ROOT = resolve(__dirname, '..', '..', '..');
const DOC = join(ROOT, 'docs', 'reliability.md');
const KEY = 'sk-fault-SENTINEL-KEY-7731';
const GENEROUS_IDLE_MS = 15_000;
const CODE_LINES = FAULT_CODE.split('\n').length - 1;

function request(instruction?: string): ReviewRequestInput {
  return {
    kind: 'review',
    target: { type: 'selection', filePath: 'average.ts', languageId: 'typescript', startLine: 1, endLine: CODE_LINES, code: FAULT_CODE.trimEnd() },
    ...(instruction ? { instruction } : {}),
  };
}

/** What one row did, as observed through the engine. */
interface Observed {
  job: JobRecord;
  requests: number;
  sleeps: number[];
  retryReasons: string[];
  ledger: LedgerRecord;
  cacheBefore: number;
  cacheAfter: number;
  keyCached: boolean;
}

// ---- the doc -----------------------------------------------------------------------------

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const quote = (s: string): string => `“${s}”`;
const seconds = (ms: number): string => `${ms / 1000} s`;
const int = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function tableRow(c: FaultCase, o: Observed, normalize: (s: string) => string): string {
  const { job, ledger } = o;
  const fault = `${c.fault}${c.via === ANTHROPIC ? '' : ` — ${c.via.wire}`}${c.cli ? ' †' : ''}`;
  let seen: string;
  if (job.status === 'succeeded') {
    const findings = job.result?.findings.length ?? 0;
    seen = findings > 0 ? `The result: ${plural(findings, 'finding')}.` : job.result?.answer ? 'The answer as text, no findings.' : 'No answer, no findings.';
    if (job.warnings.length) seen += ` Warning: ${job.warnings.map(quote).join(' ')}`;
    if (o.retryReasons.length) seen += ` Retry notice: ${o.retryReasons.map((r) => quote(normalize(r))).join(' ')}`;
  } else {
    seen = `\`${job.error?.kind}\`: ${quote(normalize(job.error?.message ?? ''))}`;
    if (job.reasoning) seen += job.answer ? ' The reasoning and answer text that arrived stay visible.' : ' The reasoning streamed before the failure stays visible.';
  }
  const retries = `${job.retries} · ${plural(o.requests, 'request')}${o.sleeps.length ? ` · waits ${o.sleeps.map(seconds).join(', ')}` : ''}`;
  const tokens = ledger.inputTokens + ledger.outputTokens === 0 ? '0 tokens' : `${int(ledger.inputTokens)} in / ${int(ledger.outputTokens)} out${ledger.estimated ? ' (estimated)' : ''}`;
  const cost = ledger.costUsd === null ? 'cost unknown' : ledger.costUsd === 0 ? '$0' : formatUsd(ledger.costUsd);
  const cache = o.keyCached ? 'stored' : 'not stored';
  return `| ${[fault, seen, retries, job.status, `${ledger.outcome} · ${tokens} · ${cost}`, cache].map(cell).join(' | ')} |`;
}

const TABLE_HEAD = ['| Fault | What the user sees | Retries | Job state | Ledger entry | Cache |', '|---|---|---|---|---|---|'];

function renderDoc(rows: string[]): string {
  const p = DEFAULT_RETRY_POLICY;
  return `# Reliability: what happens when a provider fails

Every review runs as a background job through one engine (\`src/core/reviewEngine.ts\`) and one
streaming client for all HTTP providers (\`src/core/providers/streamingModelClient.ts\`); the
extension and the \`deep-review\` CLI share both. The table below says what each provider fault
turns into.

**This file is generated and checked.** \`test/unit/faultMatrix.test.ts\` scripts each fault on a
local model server (\`test/support/faultCases.ts\`), runs it end to end through the real engine and
the real provider client, and builds the table from what it observed; rows marked † also run
through the built CLI, which must exit 1 with the same one-line \`deep-review: …\` message on
stderr (0 on success). The test fails when this file differs from what it observed. After an
intended change, regenerate it with:

    DEEP_REVIEW_UPDATE_DOCS=1 npm run test:unit

Set-up of every row: ${ANTHROPIC.wire} (\`${ANTHROPIC.model}\`, reasoning tier) unless the
row names another wire format. A complete response reports ${int(BILLED.inputTokens)} input and ${int(BILLED.outputTokens)} output
tokens (${int(BILLED.reasoningTokens)} of them thinking), priced from the built-in table. The waits are what the
client asked for before each retry, with the jitter fixed at 0.

- **What the user sees**: the job's error class (\`ModelError\` kind) and message, exactly as shown
  in the results panel and printed by the CLI, or the result and its warnings.
- **Retries**: retries after the first attempt (\`job.retries\`), the HTTP requests that reached
  the provider, and the waits before each retry.
- **Ledger entry**: the job's line in the cost ledger: outcome, tokens and cost.
- **Cache**: whether the analysis was stored in the per-file analysis cache.

${[...TABLE_HEAD, ...rows].join('\n')}

## Notes

- **Retry policy.** A request is sent at most ${p.maxRetries + 1} times (${p.maxRetries} retries), and only while
  nothing has been streamed to the user, so no text is ever shown twice. Retried: 408,
  409, 429 and every 5xx (529 included) and connection failures before the response; never
  retried: 400, 401, 403, 404, insufficient credit, and any failure after reasoning or answer
  text arrived. The wait before a retry is what the provider asked for — \`retry-after-ms\`
  first, then \`retry-after\` in seconds or as an HTTP date — and otherwise an exponential
  backoff from ${seconds(p.baseDelayMs)} (doubling, capped at ${seconds(p.maxDelayMs)}, minus up to 25 % jitter so
  parallel jobs do not retry in lockstep). A provider asking for more than ${seconds(p.maxRetryAfterMs)} is not
  retried: the error is shown at once. Each retry is reported as it happens (output log in VS Code, stderr
  in a terminal), and the final message says how many attempts were made.
- **Idle timeout.** A response that sends no data event for the idle timeout is aborted with a
  \`timeout\` error and not retried; keep-alives (SSE comments, Anthropic \`ping\` events) do not
  count, so a stream of pings alone still times out. The default is ${seconds(DEFAULT_IDLE_TIMEOUT_MS)} (setting
  \`deepReview.network.idleTimeoutSeconds\`; the CLI reads \`DEEP_REVIEW_IDLE_TIMEOUT_MS\`),
  generous because reasoning models can think silently; the table uses a short one.
- **Bounds on every request.** The whole call, retries included, has a total deadline
  (${seconds(DEFAULT_REQUEST_TIMEOUT_MS)} by default; setting \`deepReview.requestTimeoutSeconds\`, CLI \`--timeout\`). A response may
  hold at most ${DEFAULT_MAX_RESPONSE_BYTES / (1024 * 1024)} MB after decompression. Thinking is enforced on the client: reading stops once
  the reasoning that arrived is well past the limit asked for (the limit plus half of it, at least
  2,048 tokens more), what arrived is kept, billed as estimated, and a warning says so.
- **Where the key goes.** Requests never follow a redirect to another origin (scheme, host or
  port): the job fails with a message naming where the provider wanted to send it, and is not
  retried; a redirect within the same origin is followed up to 3 times. Credentials written in a
  base URL (\`http://user:password@host\`) are sent as a Basic \`Authorization\` header and masked
  (\`http://***@host\`) in every message, job record and export.
- **Not an API stream.** An HTML page or plain JSON in a 200 response fails at once with a
  message naming the base URL (no retries); a provider error sent as JSON with status 200 is
  reported as the provider's error.
- **Usage shapes.** Reasoning tokens reported beside \`completion_tokens\` rather than inside
  them (detected from the totals: total = prompt + completion + reasoning) are added to the output.
- **Reasoning kept on failure.** Reasoning (and answer text) that streamed before a failure stays
  on the job and in the panel; the job still ends as failed.
- **Failed jobs are never cached**, nor cancelled ones: asking again sends the request again.
  A job whose answer could not be read as findings is cached with its warning; an empty answer
  is not cached, so asking again asks the model again.
- **The ledger counts only what the provider reported or visibly produced.** A request rejected with an HTTP error
  costs 0 tokens and $0. A stream cut after output is billed for the input the provider
  reported when the stream began and for the output that visibly arrived, estimated from its
  text and marked *estimated*. A retried request is billed for the attempt that succeeded.
  A failed stream's final count can be a placeholder (Anthropic's \`message_start\` says 1 output
  token); the ledger never bills less than the output that visibly arrived.

${STORAGE_AND_SPEND_NOTES}`;
}

// ---- the CLI -------------------------------------------------------------------------------

// ---- the tests -----------------------------------------------------------------------------

describe('fault matrix (end to end: engine, provider client, CLI, docs/reliability.md)', function () {
  this.timeout(30_000);
  let server: ModelServer;
  const observed = new Map<string, Observed>();
  const normalize = (s: string): string => s.split(server.baseUrl).join('http://127.0.0.1:PORT');

  before(async () => {
    server = await ModelServer.start();
  });
  after(async () => {
    await server.close();
  });

  async function openEngine(c: FaultCase) {
    const sleeps: number[] = [];
    const warnings: string[] = [];
    const store = new MemoryTextStore();
    const tiers = resolveTierSpecs({ provider: c.via.provider, baseUrl: server.url(c.via.basePath), models: { reasoning: c.via.model }, effort: 'medium', maxThinkingTokens: 4096 });
    const settings = (): EngineSettings => ({
      routing: { mode: 'alwaysReasoning', maxWaitSeconds: 3600, tiers },
      budget: { dailyUsd: 5, monthlyUsd: 50, confirmAboveUsd: 0 },
      priceOverrides: {},
      concurrency: 2,
      cacheMaxBytes: 10_000_000,
      redactSecrets: true,
    });
    const engine = await ReviewEngine.open({
      store,
      settings,
      warn: (w) => warnings.push(w),
      clientFor: (spec) =>
        createModelClient({
          provider: spec.provider,
          apiKey: KEY,
          baseUrl: spec.baseUrl,
          idleTimeoutMs: c.idleTimeoutMs ?? GENEROUS_IDLE_MS,
          retry: { random: () => 0, sleep: async (ms) => void sleeps.push(ms) },
        }),
    });
    return { engine, store, sleeps, warnings };
  }

  describe('through the engine', () => {
    for (const c of FAULT_CASES) {
      it(`${c.id}: ${c.fault}`, async () => {
        const e = c.expect;
        const { engine, store, sleeps, warnings } = await openEngine(c);

        // One analysis already in the cache, so "untouched" means something.
        server.enqueue(sseResponse(c.via.stream()));
        const seed = await engine.jobs.whenDone((await engine.review(request('Seed the cache.'), FAULT_CODE)).jobId);
        assert.equal(seed.status, 'succeeded', seed.error?.message);
        const cacheBefore = engine.cache.size;
        assert.equal(cacheBefore, 1);
        sleeps.length = 0;
        const requestsBefore = server.requests.length;

        server.enqueue(...c.script('engine'));
        const { jobId, plan, fromCache } = await engine.review(request(), FAULT_CODE);
        assert.equal(fromCache, false);
        const retryReasons: string[] = [];
        engine.jobs.subscribe(jobId, (event) => {
          if (event.type === 'retry') retryReasons.push(event.reason);
        });
        const job = await engine.jobs.whenDone(jobId);
        await engine.flush();
        const requests = server.requests.length - requestsBefore;
        assert.equal(server.pending, 0, 'every scripted response was used');

        // What the user sees.
        assert.equal(job.status, e.status, job.error?.message);
        if (e.status === 'failed') {
          assert.equal(job.error?.kind, e.kind, job.error?.message);
          assert.match(job.error?.message ?? '', e.message!);
          assert.ok(!job.error?.message.includes(KEY), 'the API key leaked into the message');
          assert.equal(job.result, undefined);
        } else {
          assert.equal(job.error, undefined);
          assert.equal(job.result?.findings.length, e.findings);
          if (e.warning) assert.ok(job.warnings.includes(e.warning), `warnings: ${job.warnings.join(' / ')}`);
          else assert.deepEqual(job.warnings, []);
        }
        assert.equal(job.reasoning, e.reasoningText ?? (e.reasoningKept ? FAULT_REASONING.join('') : ''));
        assert.deepEqual(warnings, [], 'no storage warnings');

        // Retries.
        assert.equal(requests, e.requests, 'requests that reached the server');
        assert.deepEqual(sleeps, e.sleeps, 'waits before each retry');
        assert.equal(job.retries, e.retries, 'job.retries');
        assert.equal(retryReasons.length, e.retries, 'retry events');
        if (e.status === 'failed' && e.requests > 1) assert.match(job.error?.message ?? '', new RegExp(`after ${e.requests} attempts`));

        // The ledger: one entry, billing only what the provider reported.
        const entries = engine.ledger.records().filter((r) => r.jobId === jobId);
        assert.equal(entries.length, 1, 'one ledger entry for the job');
        const ledger = entries[0]!;
        assert.equal(ledger.outcome, e.status);
        assert.equal(ledger.cached, false);
        switch (e.billed) {
          case 'nothing':
            assert.deepEqual(
              { in: ledger.inputTokens, out: ledger.outputTokens, thinking: ledger.reasoningTokens, usd: ledger.costUsd, estimated: ledger.estimated },
              { in: 0, out: 0, thinking: 0, usd: 0, estimated: false },
            );
            assert.equal(job.usage, undefined);
            break;
          case 'reported': {
            assert.deepEqual(
              { in: ledger.inputTokens, out: ledger.outputTokens, thinking: ledger.reasoningTokens, estimated: ledger.estimated },
              { in: BILLED.inputTokens, out: BILLED.outputTokens, thinking: BILLED.reasoningTokens, estimated: false },
            );
            const expected = costOfUsage({ ...BILLED, cachedInputTokens: 0, estimated: false }, c.via.model);
            // A model without a list price (xAI's here) has no cost to compare.
            if (expected.usd !== null) {
              assert.equal(ledger.costUsd, expected.usd);
              assert.equal(ledger.costSource, 'table');
            }
            break;
          }
          case 'partial': {
            assert.equal(ledger.estimated, true);
            if (e.partialInputTokens !== undefined) assert.equal(ledger.inputTokens, e.partialInputTokens, 'input as reported when the stream began');
            else assert.ok(ledger.inputTokens > 0);
            assert.equal(ledger.outputTokens, e.partialOutputTokens ?? estimateTokens(job.reasoning + job.answer), 'output estimated from the text that arrived');
            if (e.partialOutputTokens === undefined) assert.ok(ledger.outputTokens < BILLED.outputTokens);
            assert.equal(ledger.costUsd, costOfUsage(job.usage!, c.via.model).usd);
            break;
          }
        }
        assert.equal(job.costUsd ?? 0, ledger.costUsd ?? 0);

        // The analysis cache.
        const keyCached = engine.cache.has(plan.cacheKey);
        assert.equal(keyCached, e.cached, 'entry for this question');
        assert.equal(store.files.has(`analysis-${plan.cacheKey}.json`), e.cached, 'entry file for this question');
        assert.equal(engine.cache.size, cacheBefore + (e.cached ? 1 : 0));
        if (!e.cached) {
          // Asking again goes to the provider again.
          const again = await engine.plan(request(), FAULT_CODE);
          assert.equal(again.cached, undefined);
        }

        observed.set(c.id, { job, requests, sleeps: [...sleeps], retryReasons, ledger, cacheBefore, cacheAfter: engine.cache.size, keyCached });
      });
    }
  });

  describe('through the CLI (child process)', function () {
    let work: string;
    before(() => {
      work = mkdtempSync(join(tmpdir(), 'deep-review-faults-'));
      writeFileSync(join(work, 'average.ts'), FAULT_CODE);
    });
    after(() => {
      rmSync(work, { recursive: true, force: true });
    });

    for (const c of FAULT_CASES.filter((x) => x.cli)) {
      it(`${c.id}: exit ${c.expect.status === 'succeeded' ? 0 : 1}, ${c.fault}`, async () => {
        const e = c.expect;
        const home = join(work, `home-${c.id}`);
        const env = { DEEP_REVIEW_HOME: home, [c.via.keyEnv]: KEY, DEEP_REVIEW_IDLE_TIMEOUT_MS: String(c.idleTimeoutMs ?? GENEROUS_IDLE_MS) };
        const args = ['review', `average.ts:1-${CODE_LINES}`, '--provider', c.via.provider, '--model', c.via.model, '--tier', 'reasoning', '--base-url', server.url(c.via.basePath), '--max-thinking-tokens', '4096', '--format', 'json'];
        const requestsBefore = server.requests.length;
        server.enqueue(...c.script('cli'));
        const started = Date.now();
        const r = await runCli(args, env, work);
        const elapsed = Date.now() - started;
        assert.equal(server.pending, 0, 'every scripted response was used');
        assert.equal(server.requests.length - requestsBefore, e.requests, 'requests that reached the server');

        const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('deep-review:'));
        const out = JSON.parse(r.stdout) as { status: string; findings: unknown[]; reasoning: string; warnings: string[]; cached: boolean };
        assert.equal(out.status, e.status);
        assert.equal(out.cached, false);
        assert.equal(out.reasoning, e.reasoningText ?? (e.reasoningKept ? FAULT_REASONING.join('') : ''));
        const engineRun = observed.get(c.id);
        if (e.status === 'failed') {
          assert.equal(r.code, 1, r.stderr);
          assert.equal(errorLines.length, 1, `one error line:\n${r.stderr}`);
          const message = errorLines[0]!.slice('deep-review: '.length);
          assert.match(message, e.message!);
          if (engineRun) assert.equal(message, engineRun.job.error?.message, 'the CLI says what the engine says');
          assert.ok(!r.stderr.includes(KEY) && !r.stdout.includes(KEY), 'the API key leaked');
        } else {
          assert.equal(r.code, 0, r.stderr);
          assert.deepEqual(errorLines, []);
          assert.equal(out.findings.length, e.findings);
          if (e.warning) assert.ok(out.warnings.includes(e.warning), out.warnings.join(' / '));
        }
        // A provider's own retry-after is honoured for real in the CLI (no injected sleep).
        if (c.id === '429') assert.ok(elapsed >= 1000, `retried after ${elapsed} ms`);

        // The ledger on disk: one entry, the same as the engine's.
        const lines = readFileSync(join(home, 'ledger.jsonl'), 'utf8')
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as LedgerRecord & { type: string });
        const jobs = lines.filter((l) => l.type === 'job');
        assert.equal(jobs.length, 1);
        const ledger = jobs[0]!;
        assert.equal(ledger.outcome, e.status);
        if (engineRun) {
          const pick = (l: LedgerRecord) => ({ in: l.inputTokens, out: l.outputTokens, thinking: l.reasoningTokens, estimated: l.estimated, usd: l.costUsd });
          assert.deepEqual(pick(ledger), pick(engineRun.ledger));
        }
        if (e.billed === 'nothing') assert.equal(ledger.inputTokens + ledger.outputTokens, 0);

        // The analysis cache on disk.
        const entries = readdirSync(home).filter((f) => /^analysis-[0-9a-f]+\.json$/.test(f)).length;
        assert.equal(entries, e.cached ? 1 : 0, 'analysis cache entries');
      });
    }
  });

  // Its own suite, so it runs after the rows (mocha runs a suite's own tests before its children).
  describe('the doc', () => {
  it('docs/reliability.md holds exactly the observed fault table', () => {
    const missing = FAULT_CASES.filter((c) => !observed.has(c.id)).map((c) => c.id);
    assert.deepEqual(missing, [], 'every row ran through the engine (see the failures above)');
    const rows = FAULT_CASES.map((c) => tableRow(c, observed.get(c.id)!, normalize));
    const doc = renderDoc(rows);
    if (process.env.DEEP_REVIEW_UPDATE_DOCS === '1') {
      mkdirSync(dirname(DOC), { recursive: true });
      writeFileSync(DOC, doc);
      return;
    }
    assert.ok(existsSync(DOC), 'docs/reliability.md is missing: run the unit tests with DEEP_REVIEW_UPDATE_DOCS=1');
    const committed = readFileSync(DOC, 'utf8');
    const committedRows = committed.split('\n## Notes')[0]!.split('\n').filter((l) => l.startsWith('|') && !TABLE_HEAD.includes(l));
    assert.deepEqual(committedRows, rows, 'the fault table in docs/reliability.md drifted from what the test observed; rerun with DEEP_REVIEW_UPDATE_DOCS=1 if the change is intended');
    assert.equal(committed, doc, 'docs/reliability.md differs from the generated text; rerun with DEEP_REVIEW_UPDATE_DOCS=1');
  });
  });
});
