// Fixtures shared by the persistence tests and the child process they kill.
//
// The child is the persistence test bundle itself (out/test/unit/persistence.test.js), run with
// plain `node` and CRASH_CHILD_ENV set: instead of declaring mocha suites it calls
// runCrashChild(), does its work on the given directory, prints one READY line and waits to be
// SIGKILLed. Re-running the bundle avoids a separate entry point that esbuild would not build.
import type { ModelCall, ModelClient, ModelEvent, ModelSpec } from '../../src/core/modelClient';
import { resolveTierSpecs } from '../../src/core/routing/modelSettings';
import type { ReviewRequestInput } from '../../src/core/requests/request';
import { ReviewEngine, type EngineSettings } from '../../src/core/reviewEngine';
import type { ListableTextStore } from '../../src/core/storage';
import { FileTextStore } from '../../src/node/fileTextStore';

/** JSON `{ mode, dir }`; when set, the test bundle runs as a crash child instead of a suite. */
export const CRASH_CHILD_ENV = 'DEEP_REVIEW_CRASH_CHILD';
export const READY_PREFIX = 'READY ';
/** A request whose instruction contains this makes a child's model hang forever. */
export const HANG_MARKER = 'HANG-FOREVER';
/** The child gives up on its own after this long, in case the parent died without killing it. */
const CHILD_SELF_EXIT_MS = 120_000;

export type CrashChildMode = 'engine' | 'writer' | 'churn';

export const CODE = ['function average(values) {', '  let total = 0;', '  for (let i = 0; i <= values.length; i++) total += values[i];', '  return total / values.length;', '}'].join('\n');

export const ANSWER = JSON.stringify({
  summary: 'Off-by-one read past the end of the array.',
  findings: [{ title: 'Loop reads values[length]', severity: 'high', confidence: 0.92, startLine: 3, endLine: 3, explanation: 'i <= length', suggestedFix: '  for (let i = 0; i < values.length; i++) total += values[i];' }],
  answer: 'Use `<` instead of `<=`.',
});

export function request(instruction?: string): ReviewRequestInput {
  return { kind: 'review', instruction, target: { type: 'selection', filePath: 'src/avg.js', languageId: 'javascript', startLine: 1, endLine: 5, code: CODE } };
}

export function settings(overrides: Partial<EngineSettings> = {}): EngineSettings {
  return {
    routing: { mode: 'alwaysReasoning', maxWaitSeconds: 3600, tiers: resolveTierSpecs({ provider: 'anthropic', models: {}, effort: 'medium', maxThinkingTokens: 4096 }) },
    budget: { dailyUsd: 0, monthlyUsd: 0, confirmAboveUsd: 0 },
    priceOverrides: {},
    concurrency: 2,
    cacheMaxBytes: 10_000_000,
    redactSecrets: true,
    ...overrides,
  };
}

/** Streams reasoning then ANSWER; hangs forever (until aborted) on prompts with `hangOn`. */
export class ScriptedModel implements ModelClient {
  readonly calls: ModelCall[] = [];
  /** Resolves once a call that hangs has streamed its first event. */
  readonly hanging: Promise<void>;
  private markHanging!: () => void;

  constructor(private readonly hangOn?: string) {
    this.hanging = new Promise((r) => (this.markHanging = r));
  }

  async *stream(call: ModelCall): AsyncIterable<ModelEvent> {
    this.calls.push(call);
    yield { type: 'reasoning-delta', text: 'Check the loop bound. ' };
    if (this.hangOn !== undefined && call.prompt.includes(this.hangOn)) {
      this.markHanging();
      await new Promise<void>((resolve) => call.signal.addEventListener('abort', () => resolve(), { once: true }));
      throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    }
    // Take a few ms, so the job has a duration the wait-time history keeps (it drops 0 ms).
    await new Promise((r) => setTimeout(r, 5));
    yield { type: 'answer-delta', text: ANSWER.slice(0, 20) };
    yield { type: 'answer-delta', text: ANSWER.slice(20) };
    yield { type: 'usage', usage: { inputTokens: 1000, cachedInputTokens: 200, outputTokens: 600, reasoningTokens: 400, estimated: false } };
    yield { type: 'finish', reason: 'stop' };
  }
}

export async function openEngine(store: ListableTextStore, model: ModelClient, s: EngineSettings = settings()) {
  const warnings: string[] = [];
  const engine = await ReviewEngine.open({ store, settings: () => s, warn: (w) => warnings.push(w), clientFor: (_spec: ModelSpec) => model });
  return { engine, warnings };
}

/** What the engine-mode child reports once everything before the "crash" is on disk. */
export interface EngineChildReport {
  finishedJobId: string;
  hungJobId: string;
  warnings: string[];
}

/** What the writer-mode child reports: the two contents it alternates between. */
export interface WriterChildReport {
  name: string;
  sizes: number[];
}

export const WRITER_FILE = 'big.txt';
/** Distinct, same-length contents: any mix of the two is detectable. */
export function writerContent(which: 0 | 1): string {
  return (which === 0 ? 'A' : 'B').repeat(512 * 1024) + (which === 0 ? '\nend-A\n' : '\nend-B\n');
}

function ready(report: unknown): void {
  process.stdout.write(`${READY_PREFIX}${JSON.stringify(report)}\n`);
}

function keepAliveUntilKilled(): void {
  setInterval(() => undefined, 1_000);
  setTimeout(() => process.exit(3), CHILD_SELF_EXIT_MS).unref();
}

/**
 * engine: one job runs to completion (ledger, cache, wait history, job history written), then a
 * second job starts whose model never answers; READY is printed once all of that is flushed.
 * writer: rewrites one file forever, alternating two large contents; READY after a few writes.
 */
export async function runCrashChild(raw: string): Promise<void> {
  const { mode, dir } = JSON.parse(raw) as { mode: CrashChildMode; dir: string };
  keepAliveUntilKilled();
  const store = new FileTextStore(dir);
  if (mode === 'writer') {
    let n = 0;
    for (;;) {
      await store.write(WRITER_FILE, writerContent((n % 2) as 0 | 1));
      n++;
      if (n === 3) ready({ name: WRITER_FILE, sizes: [writerContent(0).length, writerContent(1).length] } satisfies WriterChildReport);
    }
  }
  if (mode === 'churn') return churn(store);
  const model = new ScriptedModel(HANG_MARKER);
  const { engine, warnings } = await openEngine(store, model);
  const finished = await engine.jobs.whenDone((await engine.review(request('finish this one'), CODE)).jobId);
  if (finished.status !== 'succeeded') throw new Error(`child: first job ${finished.status}: ${finished.error?.message ?? ''}`);
  const hung = await engine.review(request(`${HANG_MARKER} never answers`), CODE);
  await model.hanging;
  if (engine.jobs.get(hung.jobId)?.status !== 'running') throw new Error('child: the hanging job is not running');
  await engine.flush();
  // The wait-time history is written in the background (not part of flush()); wait for it.
  for (let i = 0; (await store.read('wait-history.jsonl')) === undefined; i++) {
    if (i > 500) throw new Error('child: wait-history.jsonl was never written');
    await new Promise((r) => setTimeout(r, 20));
  }
  await engine.flush();
  ready({ finishedJobId: finished.id, hungJobId: hung.jobId, warnings } satisfies EngineChildReport);
}

/** A large selection (over the inline limit): its text goes to a content-addressed blob. */
export const BIG_CODE = Array.from({ length: 2000 }, (_, i) => `  total += values[${i}]; // line ${i}`).join('\n');

/**
 * churn: READY at once, then opens the engine and works until killed: new questions two at a
 * time, cache hits on earlier ones, large texts (blobs) — every kind of write, so a SIGKILL at
 * a random moment lands in the middle of any of them.
 */
async function churn(store: FileTextStore): Promise<void> {
  ready({ pid: process.pid });
  const { engine } = await openEngine(store, new ScriptedModel());
  for (let n = 0; ; n++) {
    const tag = `${process.pid}-${n}`;
    const big = n % 5 === 0;
    const input = big
      ? { kind: 'review' as const, instruction: `churn ${tag}`, target: { type: 'selection' as const, filePath: 'src/big.js', languageId: 'javascript', startLine: 1, endLine: 2000, code: BIG_CODE } }
      : request(`churn ${tag}`);
    const runs = [engine.review(input, big ? BIG_CODE : CODE), engine.review(request(n % 3 === 0 ? 'churn repeated' : `churn ${tag} b`), CODE)];
    for (const r of await Promise.all(runs)) await engine.jobs.whenDone(r.jobId);
  }
}
