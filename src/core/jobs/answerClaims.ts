// "The same question is being answered right now": a claim file per cache key while a process
// asks the model, so a second window or CLI run asking the same question waits for that answer
// instead of paying for it again. A claim names its process; one whose process is gone (killed)
// or that is older than any model call is taken over.
import { hostname } from 'node:os';
import * as z from 'zod';
import type { CachedAnalysis } from '../cache/analysisCache';
import type { ListableTextStore } from '../storage';

export const CLAIM_PREFIX = 'inflight-';
const claimFile = (key: string) => `${CLAIM_PREFIX}${key}.json`;
/** A claim older than this is stale even if its process seems alive (another host, pid reuse). */
const CLAIM_STALE_MS = 30 * 60_000;
const CLAIM_POLL_MS = 200;

const claimSchema = z.object({ pid: z.number().int(), host: z.string(), at: z.number() });
type Claim = z.infer<typeof claimSchema>;

export interface HeldClaim {
  release(): Promise<void>;
}

/** How askOnce reaches the cache and the model (the engine's parts). */
export interface AskOnceSteps<T> {
  /** The cached answer to the question, if any. */
  lookup(): Promise<CachedAnalysis | undefined>;
  /** Asks the model (called while holding the claim). */
  ask(): Promise<T>;
  /** The outcome when another run's answer serves. */
  answered(analysis: CachedAnalysis): Promise<T>;
  cancelled(): T;
  /** Called once when this run starts waiting for another. */
  waiting(): void;
}

export class AnswerClaims {
  constructor(
    private readonly store: ListableTextStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Claims the question; undefined when another live process holds it. Never throws. */
  async claim(key: string): Promise<HeldClaim | undefined> {
    const name = claimFile(key);
    const mine: Claim = { pid: process.pid, host: hostname(), at: this.now() };
    for (let attempt = 0; attempt < 2; attempt++) {
      let created: boolean;
      try {
        created = await this.store.create(name, JSON.stringify(mine));
      } catch {
        // A read-only or full disk cannot coordinate: go ahead without a claim.
        return { release: async () => undefined };
      }
      if (created) return { release: () => this.store.remove(name).catch(() => undefined) };
      if (await this.isHeld(key)) return undefined;
      await this.store.remove(name).catch(() => undefined);
    }
    return undefined;
  }

  /**
   * Asks the model for `key` unless another live process is asking it right now: then waits for
   * that answer. If the other run ends without one (failed, killed), this one claims and asks.
   */
  async askOnce<T>(key: string, signal: AbortSignal, steps: AskOnceSteps<T>): Promise<T> {
    let waited = false;
    for (;;) {
      const claim = await this.claim(key);
      if (claim) {
        try {
          // It may have been answered between the plan and now.
          const late = await steps.lookup();
          return late ? await steps.answered(late) : await steps.ask();
        } finally {
          await claim.release();
        }
      }
      if (!waited) steps.waiting();
      waited = true;
      while (!signal.aborted && (await this.isHeld(key))) await new Promise((r) => setTimeout(r, CLAIM_POLL_MS));
      if (signal.aborted) return steps.cancelled();
      const shared = await steps.lookup();
      if (shared) return steps.answered(shared);
    }
  }

  /** True while a live process holds a claim on the question. */
  async isHeld(key: string): Promise<boolean> {
    const raw = await this.store.read(claimFile(key)).catch(() => undefined);
    if (raw === undefined) return false;
    return this.alive(raw);
  }

  /** Removes claims left by killed processes (start-up clean-up). */
  async sweep(): Promise<void> {
    for (const name of await this.store.list(CLAIM_PREFIX)) {
      const raw = await this.store.read(name).catch(() => undefined);
      if (raw !== undefined && !this.alive(raw)) await this.store.remove(name).catch(() => undefined);
    }
  }

  private alive(raw: string): boolean {
    let claim: Claim;
    try {
      claim = claimSchema.parse(JSON.parse(raw));
    } catch {
      // Torn by a crash while being created.
      return false;
    }
    if (this.now() - claim.at > CLAIM_STALE_MS) return false;
    if (claim.host !== hostname()) return true;
    if (claim.pid === process.pid) return true;
    try {
      process.kill(claim.pid, 0);
      return true;
    } catch (err) {
      return (err as { code?: unknown }).code === 'EPERM';
    }
  }
}
