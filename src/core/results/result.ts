// The structured result of a review: what the model is asked to return, and what the UI shows.
import * as z from 'zod';

export const findingSeveritySchema = z.enum(['critical', 'high', 'medium', 'low', 'info']);
export type FindingSeverity = z.infer<typeof findingSeveritySchema>;

export const findingSchema = z.object({
  title: z.string().min(1),
  severity: findingSeveritySchema,
  confidence: z.number().min(0).max(1),
  /** 1-based inclusive lines, inside the request's target range. */
  startLine: z.number().int().min(1),
  endLine: z.number().int().min(1),
  explanation: z.string(),
  /** Replacement text for lines startLine..endLine, when the model proposes a fix. */
  suggestedFix: z.string().optional(),
});
export type Finding = z.infer<typeof findingSchema>;

export const reviewResultSchema = z.object({
  summary: z.string(),
  findings: z.array(findingSchema),
  /** The full answer in markdown. */
  answer: z.string(),
});
export type ReviewResult = z.infer<typeof reviewResultSchema>;

/** A parsed result plus what the parser had to do to get it. */
export interface ParsedResult {
  result: ReviewResult;
  /** Reasoning that came inline (`<think>…</think>`) and was split out of the answer. */
  inlineReasoning: string;
  /** False when nothing could be structured and `answer` is the raw text. */
  structured: boolean;
  warnings: string[];
}
