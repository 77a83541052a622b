// A piece of repository context sent with a review: the team's review guidelines or the
// definition of a symbol the target uses. Each is labelled `path:lines` and counted in tokens,
// so the user sees exactly what was sent and the budget can be enforced.
import * as z from 'zod';
import { hashValue } from '../cache/contentHash';

export const contextPieceKindSchema = z.enum(['guidelines', 'definition']);
export type ContextPieceKind = z.infer<typeof contextPieceKindSchema>;

export const contextPieceSchema = z.object({
  kind: contextPieceKindSchema,
  /** Repository-relative path, or the document's path in the editor. */
  path: z.string().min(1),
  startLine: z.number().int().min(1),
  endLine: z.number().int().min(1),
  /** For definitions: the symbol it defines. */
  symbol: z.string().optional(),
  text: z.string(),
  tokens: z.number().int().min(0),
});
export type ContextPiece = z.infer<typeof contextPieceSchema>;

/** What changed, for a change review: the base it is compared with, the changed lines, the diff. */
export const changeInfoSchema = z.object({
  /** "uncommitted changes", "staged changes" or "changes against main". */
  description: z.string(),
  changedRanges: z.array(z.object({ startLine: z.number().int().min(1), endLine: z.number().int().min(1) })),
  diff: z.string(),
});
export type ChangeInfo = z.infer<typeof changeInfoSchema>;

/** `path:start-end` (or `path:line`), the label pieces are shown and sent with. */
export function pieceLabel(piece: Pick<ContextPiece, 'path' | 'startLine' | 'endLine'>): string {
  return piece.startLine === piece.endLine ? `${piece.path}:${piece.startLine}` : `${piece.path}:${piece.startLine}-${piece.endLine}`;
}

/**
 * The part of a request's cache key that context adds; undefined when the request has none, so
 * requests without context keep the keys they always had.
 */
export function contextHash(context: readonly ContextPiece[] | undefined, change: ChangeInfo | undefined): string | undefined {
  if ((!context || context.length === 0) && !change) return undefined;
  return hashValue({ pieces: (context ?? []).map((p) => ({ kind: p.kind, label: pieceLabel(p), symbol: p.symbol ?? '', text: p.text })), change: change ?? null });
}

/** The pieces as listed to the user ("Context sent"): label, kind, symbol, tokens. */
export function contextSentList(pieces: readonly ContextPiece[] | undefined): { label: string; kind: ContextPieceKind; symbol?: string; tokens: number }[] {
  return (pieces ?? []).map((p) => ({ label: pieceLabel(p), kind: p.kind, ...(p.symbol ? { symbol: p.symbol } : {}), tokens: p.tokens }));
}
