// The typed message protocol between the results panel (webview) and the extension host.
// Both sides validate what they receive with these schemas: a webview is an untrusted peer,
// and a malformed message must be dropped, never acted on.
// zod/mini: the same validation with a tree-shakable API, so the webview bundle stays small.
import * as z from 'zod/mini';

const int = () => z.number().check(z.int());

export const severitySchema = z.enum(['critical', 'high', 'medium', 'low', 'info']);

export const panelFindingSchema = z.object({
  id: z.string(),
  title: z.string(),
  severity: severitySchema,
  confidence: z.number().check(z.minimum(0), z.maximum(1)),
  startLine: int(),
  endLine: int(),
  explanation: z.string(),
  suggestedFix: z.optional(z.string()),
  dismissed: z.optional(z.boolean()),
});
export type PanelFinding = z.infer<typeof panelFindingSchema>;

export const jobStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted']);
export type PanelJobStatus = z.infer<typeof jobStatusSchema>;

/** A run-later job waiting at the provider's batch API: where, its batch id, the provider's status word. */
export const panelBatchSchema = z.object({ provider: z.string(), batchId: z.optional(z.string()), providerStatus: z.optional(z.string()), cancelRequested: z.boolean() });
export type PanelBatch = z.infer<typeof panelBatchSchema>;

/** "queued at the provider (Anthropic), batch msgbatch_01… · in_progress": one wording for the panel and Show Jobs. */
export function batchStatusLine(b: PanelBatch): string {
  const state = b.cancelRequested ? 'cancelling at the provider' : 'queued at the provider';
  return `${state} (${b.provider}), batch ${b.batchId ?? '(sending)'}${b.providerStatus ? ` · ${b.providerStatus}` : ''}`;
}

/** One line of the job list. */
export const panelJobSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  status: jobStatusSchema,
  kind: z.enum(['review', 'debug']),
  model: z.optional(z.string()),
  tier: z.optional(z.enum(['fast', 'capable', 'reasoning'])),
  createdAt: z.number(),
  costUsd: z.optional(z.nullable(z.number())),
  batch: z.optional(panelBatchSchema),
});
export type PanelJobSummary = z.infer<typeof panelJobSummarySchema>;

/** One piece of repository context sent with a request (guidelines, a definition), as listed. */
export const panelContextPieceSchema = z.object({ label: z.string(), kind: z.enum(['guidelines', 'definition']), symbol: z.optional(z.string()), tokens: int() });
export type PanelContextPiece = z.infer<typeof panelContextPieceSchema>;

/** Review Changes: the change set's results grouped by file. */
export const panelChangeSetSchema = z.object({
  description: z.string(),
  done: int(),
  total: int(),
  files: z.array(
    z.object({
      filePath: z.string(),
      jobId: z.optional(z.string()),
      status: z.optional(jobStatusSchema),
      skipped: z.optional(z.string()),
      droppedOutsideChange: z.optional(int()),
      findings: z.array(z.object({ id: z.string(), title: z.string(), severity: severitySchema, startLine: int(), endLine: int(), hasFix: z.boolean() })),
      context: z.array(panelContextPieceSchema),
    }),
  ),
});
export type PanelChangeSet = z.infer<typeof panelChangeSetSchema>;

/** What prompt caching and batching saved against the list price (see core/cost/savings.ts). */
const savingsSchema = z.object({ listUsd: z.number(), costUsd: z.number(), savedUsd: z.number(), promptCacheUsd: z.number(), batchUsd: z.number() });

/** Everything the detail view shows of one job. */
export const panelJobDetailSchema = z.extend(panelJobSummarySchema, {
  target: z.object({ file: z.string(), startLine: z.optional(int()), endLine: z.optional(int()) }),
  routeReasons: z.array(z.string()),
  routeNote: z.optional(z.string()),
  canEscalate: z.boolean(),
  cached: z.boolean(),
  stale: z.boolean(),
  durationMs: z.optional(z.number()),
  usage: z.optional(
    z.object({
      inputTokens: z.number(),
      cacheReadTokens: z.optional(z.number()),
      cacheWriteTokens: z.optional(z.number()),
      outputTokens: z.number(),
      reasoningTokens: z.number(),
      estimated: z.boolean(),
    }),
  ),
  summary: z.optional(z.string()),
  /** False when the answer came as text without structured findings (so "0 findings" would mislead). */
  structured: z.optional(z.boolean()),
  findings: z.array(panelFindingSchema),
  answer: z.string(),
  reasoning: z.string(),
  reasoningSummary: z.optional(z.string()),
  error: z.optional(z.string()),
  warnings: z.array(z.string()),
  feedback: z.optional(z.enum(['helpful', 'notHelpful'])),
  contextSent: z.optional(z.array(panelContextPieceSchema)),
  /** Against the list price (absent: nothing to compare, e.g. an unknown price or a cached answer). */
  savings: z.optional(savingsSchema),
});
export type PanelJobDetail = z.infer<typeof panelJobDetailSchema>;

const totalsSchema = z.object({ usd: z.number(), unknownCostJobs: z.number(), jobs: z.number(), reasoningTokens: z.number(), answerTokens: z.number() });

/** The cost report view (Show Cost Report / clicking the status-bar meter). */
export const panelCostReportSchema = z.object({
  today: totalsSchema,
  month: totalsSchema,
  session: totalsSchema,
  dailyBudgetUsd: z.number(),
  monthlyBudgetUsd: z.number(),
  days: z.array(z.object({ date: z.string(), jobs: z.number(), usd: z.number(), thinkingTokens: z.number(), answerTokens: z.number() })),
  models: z.array(z.object({ model: z.string(), jobs: z.number(), usd: z.number(), unknownCostJobs: z.number(), thinkingTokens: z.number(), answerTokens: z.number() })),
  tiers: z.array(
    z.object({
      tier: z.enum(['fast', 'capable', 'reasoning']),
      jobs: z.number(),
      successes: z.number(),
      successRate: z.nullable(z.number()),
      totalUsd: z.number(),
      averageUsd: z.nullable(z.number()),
      costPerSuccessUsd: z.nullable(z.number()),
      unknownCostJobs: z.number(),
      thinkingTokens: z.number(),
      answerTokens: z.number(),
    }),
  ),
  costPerSuccessfulTaskUsd: z.nullable(z.number()),
  /** Over the report's window: savings of the jobs with a known list price, and the prompt-cache tokens. */
  savings: z.optional(z.extend(savingsSchema, { jobs: z.number() })),
  cacheTokens: z.optional(z.object({ read: z.number(), write: z.number() })),
});
export type PanelCostReport = z.infer<typeof panelCostReportSchema>;

/** Host → webview. Streaming sends only deltas (`jobDelta`), never the whole job again. */
export const hostMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('init'), keepReasoningExpanded: z.boolean() }),
  z.object({ type: z.literal('jobs'), jobs: z.array(panelJobSummarySchema) }),
  z.object({ type: z.literal('jobDetail'), job: panelJobDetailSchema }),
  z.object({ type: z.literal('costReport'), report: panelCostReportSchema }),
  /** The answer to a webview `request`: done, or why it could not be done. */
  z.object({ type: z.literal('response'), requestId: int(), ok: z.boolean(), error: z.optional(z.string()) }),
  z.object({ type: z.literal('changeSet'), set: panelChangeSetSchema }),
  z.object({
    type: z.literal('jobDelta'),
    jobId: z.string(),
    reasoning: z.optional(z.string()),
    answer: z.optional(z.string()),
    reasoningTokens: z.optional(z.number()),
    outputTokens: z.optional(z.number()),
  }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

/** What the user can ask of a job from the panel; each may fail, so each is a request. */
export const panelActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('cancelJob'), jobId: z.string() }),
  z.object({ type: z.literal('rerun'), jobId: z.string() }),
  z.object({ type: z.literal('rerunWithExtendedThinking'), jobId: z.string() }),
  z.object({ type: z.literal('escalate'), jobId: z.string() }),
  z.object({ type: z.literal('revealRange'), jobId: z.string(), startLine: int(), endLine: int() }),
  z.object({ type: z.literal('previewFix'), jobId: z.string(), findingId: z.string() }),
  z.object({ type: z.literal('applyFix'), jobId: z.string(), findingId: z.string() }),
  z.object({ type: z.literal('dismissFinding'), jobId: z.string(), findingId: z.string() }),
  z.object({ type: z.literal('feedback'), jobId: z.string(), helpful: z.boolean() }),
  z.object({ type: z.literal('copy'), jobId: z.string() }),
  z.object({ type: z.literal('export'), jobId: z.string(), format: z.enum(['markdown', 'html']) }),
]);
export type PanelAction = z.infer<typeof panelActionSchema>;

/** Webview → host: notifications (ready, navigation) and requests, answered by `response`. */
export const webviewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('selectJob'), jobId: z.string() }),
  z.object({ type: z.literal('showCostReport') }),
  z.object({ type: z.literal('request'), requestId: int(), action: panelActionSchema }),
]);
export type WebviewMessage = z.infer<typeof webviewMessageSchema>;

/** State the webview keeps across reloads (vscode.setState) and the serializer restores. */
export const panelStateSchema = z.object({ selectedJobId: z.optional(z.string()), view: z.optional(z.enum(['job', 'cost'])) });
export type PanelState = z.infer<typeof panelStateSchema>;
