// Fits context pieces into a token budget by priority: the guidelines first (short, and the
// team's rules for every finding), then definitions in the order the target uses them. A piece
// that does not fit whole is cut to its first lines when enough of it fits to be useful; what
// does not fit at all is left out and counted, so the user sees that the budget trimmed.
import { estimateTokens } from '../routing/tokens';
import { pieceLabel, type ContextPiece } from './contextPiece';

export interface BudgetedContext {
  pieces: ContextPiece[];
  tokens: number;
  /** Labels of the pieces left out or cut to fit, for the user. */
  omitted: string[];
  cut: string[];
}

/** A piece smaller than this after cutting is not worth sending. */
const MIN_CUT_TOKENS = 40;

const PRIORITY: Record<ContextPiece['kind'], number> = { guidelines: 0, definition: 1 };

/** Tokens a piece costs in the prompt: its text plus the label line it is sent under. */
export function pieceTokens(piece: Pick<ContextPiece, 'path' | 'startLine' | 'endLine' | 'text'>): number {
  return estimateTokens(`${pieceLabel(piece)}\n${piece.text}`) + 4;
}

export function fitContextToBudget(pieces: readonly ContextPiece[], maxTokens: number): BudgetedContext {
  const ordered = pieces.map((p, i) => ({ p, i })).sort((a, b) => PRIORITY[a.p.kind] - PRIORITY[b.p.kind] || a.i - b.i).map((x) => x.p);
  const out: BudgetedContext = { pieces: [], tokens: 0, omitted: [], cut: [] };
  const seen = new Set<string>();
  for (const piece of ordered) {
    const label = pieceLabel(piece);
    if (seen.has(`${piece.kind}:${label}`)) continue;
    seen.add(`${piece.kind}:${label}`);
    const cost = pieceTokens(piece);
    const left = maxTokens - out.tokens;
    if (cost <= left) {
      const kept = { ...piece, tokens: cost };
      out.pieces.push(kept);
      out.tokens += cost;
      continue;
    }
    const cut = left >= MIN_CUT_TOKENS ? cutPiece(piece, left) : undefined;
    if (cut) {
      out.pieces.push(cut);
      out.tokens += cut.tokens;
      out.cut.push(label);
    } else {
      out.omitted.push(label);
    }
  }
  return out;
}

/** The piece's first lines within `maxTokens`, or undefined when not even one line fits. */
function cutPiece(piece: ContextPiece, maxTokens: number): ContextPiece | undefined {
  const lines = piece.text.split('\n');
  let keep = lines.length;
  while (keep > 0) {
    const candidate = { ...piece, endLine: piece.startLine + keep - 1, text: lines.slice(0, keep).join('\n') };
    const cost = pieceTokens(candidate);
    if (cost <= maxTokens) return cost >= MIN_CUT_TOKENS || keep === lines.length ? { ...candidate, tokens: cost } : undefined;
    // Shrink in proportion to the overshoot, at least one line at a time.
    keep = Math.min(keep - 1, Math.floor((keep * maxTokens) / cost));
  }
  return undefined;
}
