// The repository's written review rules, sent to the model as data. All the files found are
// used, in this order, rather than the first one only: teams often keep different rules in
// AGENTS.md and CLAUDE.md, and a team that wants one set can keep one file. `.deepreview.md`
// (ours) comes first so that when the context budget trims, the rules written for Deep Review
// survive longest. Each file is capped, and so is the total.
import { estimateTokens } from '../routing/tokens';
import type { ContextPiece } from './contextPiece';
import { cutToBytes, type RepoFiles } from './repoFiles';

export const GUIDELINE_FILES = ['.deepreview.md', 'AGENTS.md', 'CLAUDE.md', '.github/copilot-instructions.md', '.cursorrules'] as const;

export interface GuidelineLimits {
  /** Per file, in bytes. */
  maxBytesPerFile: number;
  /** All files together, in bytes. */
  maxTotalBytes: number;
}

export const DEFAULT_GUIDELINE_LIMITS: GuidelineLimits = { maxBytesPerFile: 8 * 1024, maxTotalBytes: 16 * 1024 };

export async function discoverGuidelines(repo: Pick<RepoFiles, 'read'>, limits: GuidelineLimits = DEFAULT_GUIDELINE_LIMITS): Promise<ContextPiece[]> {
  const pieces: ContextPiece[] = [];
  let left = limits.maxTotalBytes;
  for (const path of GUIDELINE_FILES) {
    if (left <= 0) break;
    const cap = Math.min(limits.maxBytesPerFile, left);
    // One byte more than the cap tells a file that fits from one that was cut.
    const raw = await repo.read(path, cap + 1).catch(() => undefined);
    if (raw === undefined || raw.trim() === '') continue;
    const text = wholeLines(raw, cap);
    if (text.trim() === '') continue;
    left -= Buffer.byteLength(text, 'utf8');
    pieces.push({ kind: 'guidelines', path, startLine: 1, endLine: text.split('\n').length, text, tokens: estimateTokens(text) });
  }
  return pieces;
}

/** The text within `maxBytes`, cut back to the last whole line when it had to be cut. */
function wholeLines(text: string, maxBytes: number): string {
  const normalized = text.replace(/\r\n/g, '\n').replace(/\n+$/, '');
  if (Buffer.byteLength(normalized, 'utf8') <= maxBytes) return normalized;
  const cut = cutToBytes(normalized, maxBytes);
  const lastBreak = cut.lastIndexOf('\n');
  // One very long line is sent cut; a sliver of a line left under the total cap is not.
  return lastBreak > 0 ? cut.slice(0, lastBreak) : maxBytes >= 1024 ? cut : '';
}
