// Shared set-up for the batch tests: an engine and a batch service over a store, talking to the
// local batch server, with manual timers so nothing waits on the clock.
import { AnthropicBatchApi } from '../../../src/core/batch/anthropicBatchApi';
import { BatchService, type BatchSubmitResult } from '../../../src/core/batch/batchService';
import type { Timers } from '../../../src/core/batch/batchPoller';
import type { BatchProviderId } from '../../../src/core/batch/batchTypes';
import { OpenAIBatchApi } from '../../../src/core/batch/openaiBatchApi';
import { ModelError } from '../../../src/core/modelError';
import { resolveTierSpecs } from '../../../src/core/routing/modelSettings';
import { ReviewEngine, type EngineSettings } from '../../../src/core/reviewEngine';
import type { ReviewRequestInput } from '../../../src/core/requests/request';
import { MemoryTextStore, type ListableTextStore } from '../../../src/core/storage';

export const KEY = 'sk-batch-SENTINEL-KEY-0042';

export const CODE = ['export function average(values: number[]): number {', '  let total = 0;', '  for (let i = 0; i <= values.length; i++) {', '    total += values[i];', '  }', '  return total / values.length;', '}'].join('\n');

export function request(instruction?: string): ReviewRequestInput {
  return { kind: 'review', target: { type: 'selection', filePath: 'src/avg.ts', languageId: 'typescript', startLine: 1, endLine: 7, code: CODE }, instruction };
}

/** Timers that fire only when the test says so. */
export class ManualTimers implements Timers {
  private next = 1;
  readonly pending = new Map<number, { fn: () => void; ms: number }>();

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { fn, ms });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Delays of the timers now scheduled. */
  delays(): number[] {
    return [...this.pending.values()].map((t) => t.ms);
  }

  /** Fires every scheduled timer once (not the ones they schedule). */
  fireAll(): void {
    const due = [...this.pending.entries()];
    for (const [id, t] of due) {
      this.pending.delete(id);
      t.fn();
    }
  }
}

export function settings(provider: BatchProviderId, baseUrl: string, overrides: Partial<EngineSettings> = {}): EngineSettings {
  return {
    routing: { mode: 'alwaysReasoning', maxWaitSeconds: 3600, tiers: resolveTierSpecs({ provider, baseUrl, models: {}, effort: 'medium', maxThinkingTokens: 4096 }) },
    budget: { dailyUsd: 5, monthlyUsd: 50, confirmAboveUsd: 0 },
    priceOverrides: {},
    concurrency: 1,
    cacheMaxBytes: 10_000_000,
    redactSecrets: true,
    ...overrides,
  };
}

/** Waits the harness's services were asked for between create attempts. */
export const sleeps: number[] = [];

export interface Harness {
  engine: ReviewEngine;
  batches: BatchService;
  timers: ManualTimers;
  store: ListableTextStore;
  warnings: string[];
}

/** An engine and batch service as a fresh process would open them over `store`. */
export async function openHarness(provider: BatchProviderId, baseUrl: string, store: ListableTextStore = new MemoryTextStore(), overrides: Partial<EngineSettings> = {}): Promise<Harness> {
  const warnings: string[] = [];
  const s = () => settings(provider, baseUrl, overrides);
  const engine = await ReviewEngine.open({
    store,
    settings: s,
    warn: (w) => warnings.push(w),
    clientFor: () => {
      throw new ModelError('config', 'batch tests never stream');
    },
  });
  const timers = new ManualTimers();
  const batches = await BatchService.open({
    engine,
    store,
    settings: s,
    warn: (w) => warnings.push(w),
    timers,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    apiFor: (p, url) => (p === 'anthropic' ? new AnthropicBatchApi({ baseUrl: url, apiKey: KEY }) : new OpenAIBatchApi({ baseUrl: url, apiKey: KEY })),
  });
  return { engine, batches, timers, store, warnings };
}

/** Submits one request and sends its window at once. */
export async function submitNow(h: Harness, instruction?: string) {
  const plan = await h.engine.plan(request(instruction), CODE);
  return h.batches.submit(plan, { immediate: true });
}

/** Submits several requests so they share one window, then sends it. */
export async function submitTogether(h: Harness, instructions: [string, string]): Promise<[BatchSubmitResult, BatchSubmitResult]> {
  const plans = await Promise.all(instructions.map((i) => h.engine.plan(request(i), CODE)));
  const results = Promise.all([h.batches.submit(plans[0]!), h.batches.submit(plans[1]!)]);
  // Each submit writes its job to the registry before it joins the window.
  for (let i = 0; i < 100; i++) {
    const data = await h.batches.registry.read();
    if (data.jobs.filter((j) => j.state === 'submitting').length === plans.length) break;
    await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setImmediate(r));
  await h.batches.flush();
  return results;
}
