// "The same question is being answered right now": a claim file per cache key while a process
// asks the model, so a second window or CLI run asking the same question waits for that answer
// instead of paying for it again. A claim names its process; one whose process is gone (killed)
// or that is older than any model call is taken over.
import { hostname } from 'node:os';
import * as z from 'zod';
import type { ListableTextStore } from './storage';

export const CLAIM_PREFIX = 'inflight-';
const claimFile = (key: string) => `${CLAIM_PREFIX}${key}.json`;
/** A claim older than this is stale even if its process seems alive (another host, pid reuse). */
const CLAIM_STALE_MS = 30 * 60_000;
export const CLAIM_POLL_MS = 200;

const claimSchema = z.object({ pid: z.number().int(), host: z.string(), at: z.number() });
type Claim = z.infer<typeof claimSchema>;

export interface HeldClaim {
  release(): Promise<void>;
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
