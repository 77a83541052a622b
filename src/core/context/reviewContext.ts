// Puts a request's context together: guidelines and definitions, secrets redacted from every
// piece, fitted to the context token budget. The result goes on the request as is, so what the
// prompt sends, what the cache key covers and what the panel lists are the same pieces.
import { describeRedactions, redactText, type Redaction } from '../redaction/secretRedaction';
import { fitContextToBudget } from './contextBudget';
import { pieceLabel, type ContextPiece } from './contextPiece';

export const DEFAULT_CONTEXT_TOKENS = 6000;

export interface ReviewContext {
  pieces: ContextPiece[];
  tokens: number;
  /** Notices for the user: redactions, pieces trimmed by the budget. */
  notices: string[];
}

export async function assembleContext(candidates: readonly ContextPiece[], opts: { maxTokens: number; redact: boolean }): Promise<ReviewContext> {
  const redacted: ContextPiece[] = [];
  const found: Redaction[] = [];
  for (const piece of candidates) {
    if (!opts.redact) {
      redacted.push(piece);
      continue;
    }
    // Awaited so this holds whether the redactor is synchronous or not.
    const r = await redactText(piece.text, piece.startLine);
    found.push(...r.redactions);
    redacted.push(r.redactions.length > 0 ? { ...piece, text: r.text } : piece);
  }
  const fitted = fitContextToBudget(redacted, Math.max(0, opts.maxTokens));
  const notices: string[] = [];
  if (found.length > 0) notices.push(`Context: ${describeRedactions(found)}`);
  if (fitted.cut.length > 0) notices.push(`Context cut to fit the context budget of ${opts.maxTokens.toLocaleString('en-US')} tokens: ${fitted.cut.join(', ')}.`);
  if (fitted.omitted.length > 0) notices.push(`Context left out (over the budget of ${opts.maxTokens.toLocaleString('en-US')} tokens): ${fitted.omitted.join(', ')}.`);
  return { pieces: fitted.pieces, tokens: fitted.tokens, notices };
}

/** One line per piece for logs and the CLI: "src/a.ts:3-9 (definition of foo, 120 tokens)". */
export function describeContext(pieces: readonly ContextPiece[]): string[] {
  return pieces.map((p) => `${pieceLabel(p)} (${p.kind === 'definition' ? `definition of ${p.symbol ?? '?'}` : 'guidelines'}, ${p.tokens} tokens)`);
}
