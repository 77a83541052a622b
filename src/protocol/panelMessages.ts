// The typed message protocol between the results panel (webview) and the extension host.
// Both sides validate what they receive with these schemas: a webview is an untrusted peer,
// and a malformed message must be dropped, never acted on.
import { z } from 'zod';

export const severitySchema = z.enum(['critical', 'high', 'medium', 'low', 'info']);

export const panelFindingSchema = z.object({
  id: z.string(),
  title: z.string(),
  severity: severitySchema,
  confidence: z.number().min(0).max(1),
  startLine: z.number().int(),
  endLine: z.number().int(),
  explanation: z.string(),
  suggestedFix: z.string().optional(),
  dismissed: z.boolean().optional(),
});
export type PanelFinding = z.infer<typeof panelFindingSchema>;

export const jobStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted']);
export type PanelJobStatus = z.infer<typeof jobStatusSchema>;

/** One line of the job list. */
export const panelJobSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  status: jobStatusSchema,
  kind: z.enum(['review', 'debug']),
  model: z.string().optional(),
  tier: z.enum(['fast', 'capable', 'reasoning']).optional(),
  createdAt: z.number(),
  costUsd: z.number().nullable().optional(),
});
export type PanelJobSummary = z.infer<typeof panelJobSummarySchema>;

/** Everything the detail view shows of one job. */
export const panelJobDetailSchema = panelJobSummarySchema.extend({
  target: z.object({ file: z.string(), startLine: z.number().int().optional(), endLine: z.number().int().optional() }),
  routeReasons: z.array(z.string()),
  routeNote: z.string().optional(),
  canEscalate: z.boolean(),
  cached: z.boolean(),
  stale: z.boolean(),
  durationMs: z.number().optional(),
  usage: z
    .object({
      inputTokens: z.number(),
      outputTokens: z.number(),
      reasoningTokens: z.number(),
      estimated: z.boolean(),
    })
    .optional(),
  summary: z.string().optional(),
  findings: z.array(panelFindingSchema),
  answer: z.string(),
  reasoning: z.string(),
  reasoningSummary: z.string().optional(),
  error: z.string().optional(),
  warnings: z.array(z.string()),
  feedback: z.enum(['helpful', 'notHelpful']).optional(),
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
      successRate: z.number().nullable(),
      totalUsd: z.number(),
      averageUsd: z.number().nullable(),
      costPerSuccessUsd: z.number().nullable(),
      unknownCostJobs: z.number(),
      thinkingTokens: z.number(),
      answerTokens: z.number(),
    }),
  ),
  costPerSuccessfulTaskUsd: z.number().nullable(),
});
export type PanelCostReport = z.infer<typeof panelCostReportSchema>;

/** Host → webview. Streaming sends only deltas (`jobDelta`), never the whole job again. */
export const hostMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('init'), keepReasoningExpanded: z.boolean() }),
  z.object({ type: z.literal('jobs'), jobs: z.array(panelJobSummarySchema) }),
  z.object({ type: z.literal('jobDetail'), job: panelJobDetailSchema }),
  z.object({ type: z.literal('costReport'), report: panelCostReportSchema }),
  z.object({
    type: z.literal('jobDelta'),
    jobId: z.string(),
    reasoning: z.string().optional(),
    answer: z.string().optional(),
    reasoningTokens: z.number().optional(),
    outputTokens: z.number().optional(),
  }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

/** Webview → host. */
export const webviewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('selectJob'), jobId: z.string() }),
  z.object({ type: z.literal('showCostReport') }),
  z.object({ type: z.literal('cancelJob'), jobId: z.string() }),
  z.object({ type: z.literal('rerunWithExtendedThinking'), jobId: z.string() }),
  z.object({ type: z.literal('escalate'), jobId: z.string() }),
  z.object({ type: z.literal('revealRange'), jobId: z.string(), startLine: z.number().int(), endLine: z.number().int() }),
  z.object({ type: z.literal('previewFix'), jobId: z.string(), findingId: z.string() }),
  z.object({ type: z.literal('applyFix'), jobId: z.string(), findingId: z.string() }),
  z.object({ type: z.literal('dismissFinding'), jobId: z.string(), findingId: z.string() }),
  z.object({ type: z.literal('feedback'), jobId: z.string(), helpful: z.boolean() }),
  z.object({ type: z.literal('copy'), jobId: z.string() }),
  z.object({ type: z.literal('export'), jobId: z.string(), format: z.enum(['markdown', 'html']) }),
]);
export type WebviewMessage = z.infer<typeof webviewMessageSchema>;

/** State the webview keeps across reloads (vscode.setState) and the serializer restores. */
export const panelStateSchema = z.object({ selectedJobId: z.string().optional(), view: z.enum(['job', 'cost']).optional() });
export type PanelState = z.infer<typeof panelStateSchema>;
