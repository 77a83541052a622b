// What the user asks for: a review or a debug of a selection, a file, or diagnostics.
// Validated with zod wherever a request crosses a boundary (CLI input, persisted jobs).
import * as z from 'zod';
import { changeInfoSchema, contextPieceSchema } from '../context/contextPiece';

export const requestKindSchema = z.enum(['review', 'debug']);
export type RequestKind = z.infer<typeof requestKindSchema>;

export const reasoningEffortSchema = z.enum(['low', 'medium', 'high']);
export type ReasoningEffort = z.infer<typeof reasoningEffortSchema>;

export const modelTierSchema = z.enum(['fast', 'capable', 'reasoning']);
export type ModelTier = z.infer<typeof modelTierSchema>;

export const diagnosticSeveritySchema = z.enum(['error', 'warning', 'information', 'hint']);
export type DiagnosticSeverity = z.infer<typeof diagnosticSeveritySchema>;

/** One problem reported by the editor (1-based, inclusive lines). */
export const diagnosticSchema = z.object({
  message: z.string(),
  severity: diagnosticSeveritySchema,
  startLine: z.number().int().min(1),
  endLine: z.number().int().min(1),
  startColumn: z.number().int().min(1).optional(),
  endColumn: z.number().int().min(1).optional(),
  source: z.string().optional(),
  code: z.union([z.string(), z.number()]).optional(),
});
export type Diagnostic = z.infer<typeof diagnosticSchema>;

/**
 * The code a request is about. Lines are 1-based and inclusive; `code` is the exact text of
 * lines startLine..endLine; `contextBefore`/`contextAfter` are the surrounding lines.
 */
const codeSpan = {
  filePath: z.string().min(1),
  languageId: z.string().default('plaintext'),
  startLine: z.number().int().min(1),
  endLine: z.number().int().min(1),
  code: z.string(),
  contextBefore: z.string().default(''),
  contextAfter: z.string().default(''),
  /** The editor's URI of the document (multi-root, untitled); not sent, not part of cache keys. */
  documentUri: z.string().optional(),
};

export const targetSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('selection'), ...codeSpan }),
  z.object({ type: z.literal('file'), ...codeSpan }),
  z.object({ type: z.literal('diagnostics'), ...codeSpan, diagnostics: z.array(diagnosticSchema).min(1) }),
]);
export type Target = z.infer<typeof targetSchema>;

export const requestOptionsSchema = z.object({
  forcedTier: modelTierSchema.optional(),
  maxThinkingTokens: z.number().int().min(0).optional(),
  effort: reasoningEffortSchema.optional(),
  /** Skip the cache look-up (a fresh answer is still cached). */
  noCache: z.boolean().optional(),
});
export type RequestOptions = z.infer<typeof requestOptionsSchema>;

export const reviewRequestSchema = z.object({
  kind: requestKindSchema,
  target: targetSchema,
  instruction: z.string().optional(),
  options: requestOptionsSchema.default({}),
  /** Repository context sent with the target (guidelines, definitions), already redacted and budgeted. */
  context: z.array(contextPieceSchema).optional(),
  /** Set for change reviews: what changed in the target's file. */
  change: changeInfoSchema.optional(),
});
export type ReviewRequest = z.infer<typeof reviewRequestSchema>;
export type ReviewRequestInput = z.input<typeof reviewRequestSchema>;

/** The full text of the file as far as the request knows it (context + code). */
export function targetText(target: Target): string {
  return [target.contextBefore, target.code, target.contextAfter].filter((s) => s.length > 0).join('\n');
}

/** Prefixes each line with its 1-based number, as prompts show code to the model. */
export function withLineNumbers(code: string, firstLine: number): string {
  const lines = code.split('\n');
  const width = String(firstLine + lines.length - 1).length;
  return lines.map((line, i) => `${String(firstLine + i).padStart(width, ' ')} | ${line}`).join('\n');
}
