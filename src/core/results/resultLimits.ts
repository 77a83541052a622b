// Bounds on what a parsed result keeps. An answer comes from a network we do not control and
// may be any size: 200k findings froze the panel, a 50 MB answer doubled the job history.
import type { Finding, FindingSeverity } from './result';

/** Bounds on what a result keeps: an answer from the network may be any size. */
export const RESULT_LIMITS = {
  /** Findings kept: the most severe, then the most confident. */
  findings: 500,
  /** Characters of the markdown answer and of the summary. */
  answerChars: 200_000,
  summaryChars: 2_000,
  /** Characters of one finding's explanation; a longer fix is dropped (a cut fix is a wrong fix). */
  explanationChars: 20_000,
  fixChars: 50_000,
  /** Warnings about single findings; the rest are counted in one line. */
  findingWarnings: 20,
  /** Characters of streamed answer and of streamed reasoning a job keeps (and stores). */
  streamChars: 4_000_000,
} as const;

const SEVERITY_RANK: Record<FindingSeverity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/**
 * The `limit` most severe findings (then the most confident, then the earliest), in the order
 * the model gave them, and a warning saying how many were dropped.
 */
export function capFindings(findings: readonly Finding[], limit: number = RESULT_LIMITS.findings): { findings: Finding[]; warning?: string } {
  if (findings.length <= limit) return { findings: [...findings] };
  const order = findings.map((f, i) => ({ f, i })).sort((a, b) => SEVERITY_RANK[a.f.severity] - SEVERITY_RANK[b.f.severity] || b.f.confidence - a.f.confidence || a.i - b.i);
  const kept = new Set(order.slice(0, limit).map((x) => x.i));
  const dropped = findings.length - limit;
  return {
    findings: findings.filter((_, i) => kept.has(i)),
    warning: `The model reported ${findings.length.toLocaleString('en-US')} findings; the ${limit.toLocaleString('en-US')} most severe are kept and ${dropped.toLocaleString('en-US')} less severe or less confident ${dropped === 1 ? 'one was' : 'ones were'} dropped.`,
  };
}

/** `text` cut to `max` characters, saying so in `warnings` under `what`. */
export function bounded(text: string, max: number, what: string, warnings: string[]): string {
  if (text.length <= max) return text;
  warnings.push(`The ${what} was ${text.length.toLocaleString('en-US')} characters long; only its first ${max.toLocaleString('en-US')} are kept.`);
  return `${text.slice(0, max)}\n\n… (cut: ${(text.length - max).toLocaleString('en-US')} more characters)`;
}

/** Appends a streamed delta to `kept` up to `max` characters; `cut` says whether anything was left out. */
export function appendBounded(kept: string, delta: string, max: number = RESULT_LIMITS.streamChars): { text: string; added: string; cut: boolean } {
  const room = max - kept.length;
  if (delta.length <= room) return { text: kept + delta, added: delta, cut: false };
  const added = room > 0 ? delta.slice(0, room) : '';
  return { text: kept + added, added, cut: true };
}

export function streamCutWarning(what: 'answer' | 'reasoning', max: number = RESULT_LIMITS.streamChars): string {
  return `The model's ${what} went past ${max.toLocaleString('en-US')} characters; only its first ${max.toLocaleString('en-US')} were kept.`;
}
