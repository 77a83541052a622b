// A job: one request on its way through routing, the model and the parser. The record is what
// is persisted, listed and shown; events are what streams while it runs.
import * as z from 'zod';
import { locationText } from '../requests/lineRange';
import { MODEL_ERROR_KINDS } from '../modelError';
import { PROVIDER_IDS } from '../modelClient';
import { modelTierSchema, reviewRequestSchema } from '../requests/request';
import { reviewResultSchema } from '../results/result';

export const jobStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted']);
export type JobStatus = z.infer<typeof jobStatusSchema>;

export const FINISHED_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled', 'interrupted'];
export const isFinished = (s: JobStatus): boolean => FINISHED_STATUSES.includes(s);

/** How the job was routed, as shown to the user. */
export const jobRouteSchema = z.object({
  tier: modelTierSchema,
  provider: z.enum(PROVIDER_IDS),
  model: z.string(),
  reasoning: z.boolean(),
  effort: z.enum(['low', 'medium', 'high']),
  maxThinkingTokens: z.number().int(),
  maxAnswerTokens: z.number().int(),
  baseUrl: z.string().optional(),
  complexity: z.object({ tier: z.enum(['simple', 'medium', 'complex']), score: z.number() }),
  reasons: z.array(z.string()),
  note: z.string().optional(),
  /** The tier a one-click escalation would use, when one is offered. */
  escalationTier: modelTierSchema.optional(),
  expectedWait: z.object({ lowSeconds: z.number(), highSeconds: z.number(), reason: z.string() }),
});
export type JobRoute = z.infer<typeof jobRouteSchema>;

/** Usage as persisted with jobs and cached analyses (see Usage in modelClient.ts). */
export const usageSchema = z.object({
  inputTokens: z.number(),
  cachedInputTokens: z.number(),
  cacheWriteTokens: z.number().optional(),
  outputTokens: z.number(),
  reasoningTokens: z.number(),
  estimated: z.boolean(),
  providerCostUsd: z.number().optional(),
});

/** A large text stored once, content-addressed (see jobStore.ts): its SHA-256 and length. */
export const textRefSchema = z.object({ hash: z.string().regex(/^[a-f0-9]{64}$/), chars: z.number().int().min(0) });
export type TextRef = z.infer<typeof textRefSchema>;

export const jobRecordSchema = z.object({
  id: z.string(),
  request: reviewRequestSchema,
  route: jobRouteSchema,
  cacheKey: z.string(),
  /** Hash of the whole file when submitted, to tell later whether the result is stale. */
  fileHash: z.string(),
  status: jobStatusSchema,
  createdAt: z.number(),
  startedAt: z.number().optional(),
  finishedAt: z.number().optional(),
  fromCache: z.boolean(),
  parentJobId: z.string().optional(),
  reasoning: z.string(),
  answer: z.string(),
  result: reviewResultSchema.optional(),
  structured: z.boolean().optional(),
  usage: usageSchema.optional(),
  costUsd: z.number().nullable().optional(),
  costSource: z.enum(['provider', 'override', 'table', 'unknown']).optional(),
  /** What the job would have cost at the list price, without prompt caching or the batch discount (null: unknown). */
  listCostUsd: z.number().nullable().optional(),
  /** The batch discount in USD, for jobs run at the batch price (see cost/savings.ts). */
  batchSavingsUsd: z.number().optional(),
  /** false when the provider's usage could not be believed and the job was charged its worst case. */
  usageTrusted: z.boolean().optional(),
  error: z.object({ kind: z.enum(MODEL_ERROR_KINDS).or(z.literal('internal')), message: z.string() }).optional(),
  warnings: z.array(z.string()),
  retries: z.number().int(),
  /** Findings the user dismissed, by index. */
  dismissedFindings: z.array(z.number().int()).default([]),
  /**
   * Set on jobs loaded from history whose request texts were large: those texts are bounded
   * excerpts, and the full texts live once in the store (JobManager.fullRequest restores them).
   */
  textRefs: z.object({ code: textRefSchema.optional(), contextBefore: textRefSchema.optional(), contextAfter: textRefSchema.optional() }).optional(),
});
export type JobRecord = z.infer<typeof jobRecordSchema>;

export type JobPhase = 'queued' | 'connecting' | 'thinking' | 'answering' | 'parsing' | 'done';

export type JobEvent =
  | { type: 'state'; status: JobStatus; job: Readonly<JobRecord> }
  | { type: 'phase'; phase: JobPhase; elapsedMs: number }
  | { type: 'reasoning'; text: string }
  | { type: 'answer'; text: string }
  | { type: 'tokens'; reasoningTokens: number; outputTokens: number; estimated: boolean; elapsedMs: number }
  | { type: 'retry'; attempt: number; delayMs: number; reason: string };

export function jobTitle(job: Pick<JobRecord, 'request'>): string {
  const t = job.request.target;
  const file = t.filePath.split(/[\\/]/).pop() ?? t.filePath;
  const what = job.request.kind === 'debug' ? 'Debug' : 'Review';
  return t.type === 'file' ? `${what} ${file}` : `${what} ${locationText(file, t.startLine, t.endLine)}`;
}
