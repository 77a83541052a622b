// Persists the wait-time samples (see waitEstimate.ts) as an append-only log, one line per
// finished job, so several processes add samples without overwriting each other. Appends and
// the occasional compaction (keep the newest samples per model) run under the store's
// cross-process lock. A line torn by a crash is skipped; an older `wait-history.json` is migrated.
import * as z from 'zod';
import { PROVIDER_IDS } from '../modelClient';
import { reasoningEffortSchema } from '../requests/request';
import { readBounded, tooLargeMessage, type ListableTextStore } from '../storage';
import { DEFAULT_MAX_SAMPLES_PER_MODEL, type FinishedJobTiming } from './waitEstimate';
import type { WarningSink } from '../warnings';

export const WAIT_HISTORY_FILE = 'wait-history.jsonl';
export const LEGACY_WAIT_HISTORY_FILE = 'wait-history.json';
const LOCK = 'wait-history';
const MAX_FILE_BYTES = 4 * 1024 * 1024;

const sampleSchema = z.object({
  provider: z.enum(PROVIDER_IDS),
  model: z.string(),
  reasoning: z.boolean(),
  inputTokens: z.number(),
  maxThinkingTokens: z.number(),
  durationMs: z.number(),
  effort: reasoningEffortSchema.optional(),
});
const legacySchema = z.object({ samples: z.array(sampleSchema) });

export class WaitHistory {
  private failed = false;

  constructor(
    private readonly store: ListableTextStore,
    private readonly warn: WarningSink,
    private readonly maxSamplesPerModel = DEFAULT_MAX_SAMPLES_PER_MODEL,
  ) {}

  async load(): Promise<FinishedJobTiming[]> {
    const { samples: legacySamples, migrated } = await this.loadLegacy();
    const legacy = migrated ? [] : legacySamples;
    const read = await readBounded(this.store, WAIT_HISTORY_FILE, MAX_FILE_BYTES);
    if (read === undefined) return legacy;
    if ('tooLarge' in read) {
      this.warn(tooLargeMessage('The wait-time history', WAIT_HISTORY_FILE, read, MAX_FILE_BYTES));
      return legacy;
    }
    const { samples, bad, tornTail } = parseLines(read.text);
    if (samples.length === 0 && read.text.trim() !== '') {
      this.warn('The wait-time history was unreadable and has been reset; estimates start from defaults.');
    } else if (bad > (tornTail ? 1 : 0)) {
      this.warn(`The wait-time history had ${bad} unreadable line(s); they were skipped.`);
    }
    return [...legacy, ...samples];
  }

  /** Appends one sample; compacts the log when it holds far more than is kept. Never throws. */
  async append(timing: FinishedJobTiming): Promise<void> {
    try {
      await this.store.withLock(LOCK, async () => {
        const current = (await this.store.read(WAIT_HISTORY_FILE)) ?? '';
        const { samples, bad } = parseLines(current);
        const line = `${JSON.stringify(timing)}\n`;
        const models = new Set(samples.map((s) => `${s.provider}\u0000${s.model}`)).size + 1;
        if (bad > 0 || samples.length + 1 > models * this.maxSamplesPerModel * 2) {
          const kept = newestPerModel([...samples, timing], this.maxSamplesPerModel);
          await this.store.write(WAIT_HISTORY_FILE, kept.map((s) => `${JSON.stringify(s)}\n`).join(''));
        } else {
          // A crash may have cut the last line: start on a line of our own.
          await this.store.append(WAIT_HISTORY_FILE, current === '' || current.endsWith('\n') ? line : `\n${line}`);
        }
      });
    } catch (err) {
      if (this.failed) return;
      this.failed = true;
      this.warn(`Could not save the wait-time history: ${err instanceof Error ? err.message : String(err)} (later failures are not repeated).`);
    }
  }

  private async loadLegacy(): Promise<{ samples: FinishedJobTiming[]; migrated: boolean }> {
    const raw = await this.store.read(LEGACY_WAIT_HISTORY_FILE).catch(() => undefined);
    if (raw === undefined) return { samples: [], migrated: true };
    let samples: FinishedJobTiming[] = [];
    try {
      samples = legacySchema.parse(JSON.parse(raw)).samples;
    } catch {
      this.warn('The wait-time history was unreadable and has been reset; estimates start from defaults.');
    }
    // Move the samples into the log once; the old file goes.
    const migrated = await this.store
      .withLock(LOCK, async () => {
        if (samples.length > 0) await this.store.append(WAIT_HISTORY_FILE, samples.map((s) => `${JSON.stringify(s)}\n`).join(''));
        await this.store.remove(LEGACY_WAIT_HISTORY_FILE);
        return true;
      })
      .catch(() => false);
    return { samples, migrated };
  }
}

function parseLines(text: string): { samples: FinishedJobTiming[]; bad: number; tornTail: boolean } {
  const samples: FinishedJobTiming[] = [];
  let bad = 0;
  let tornTail = false;
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      const r = sampleSchema.safeParse(JSON.parse(line));
      if (r.success) {
        samples.push(r.data);
        continue;
      }
    } catch {
      // counted below
    }
    bad++;
    if (i === lines.length - 1) tornTail = true;
  }
  return { samples, bad, tornTail };
}

function newestPerModel(samples: readonly FinishedJobTiming[], max: number): FinishedJobTiming[] {
  const count = new Map<string, number>();
  const kept: FinishedJobTiming[] = [];
  for (let i = samples.length - 1; i >= 0; i--) {
    const s = samples[i]!;
    const key = `${s.provider}\u0000${s.model}`;
    const n = count.get(key) ?? 0;
    if (n >= max) continue;
    count.set(key, n + 1);
    kept.push(s);
  }
  return kept.reverse();
}
