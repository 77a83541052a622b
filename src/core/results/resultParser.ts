// Turns a model's raw answer into a ReviewResult. Models wrap JSON in prose and fences, leave
// trailing commas, use synonyms and percentages, point outside the code they were shown, or
// get cut off; this reads what can be read and says what it had to change. It never throws
// and stays linear in the input: the answer comes from a network we do not control.
import type { Finding, FindingSeverity, ParsedResult, ReviewResult } from './result';
import { splitThinkTags } from '../providers/thinkTags';
import { readJson, type Json, type ReadJson } from './lenientJson';
import { RESULT_LIMITS, bounded, capFindings } from './resultLimits';

export const UNSTRUCTURED_WARNING = "The model's answer could not be read as structured findings; showing it as text.";
export const TRUNCATED_WARNING = "The model's answer was cut off; only its complete part was read.";
export const EMPTY_WARNING = 'The model returned an empty answer.';
export const EMPTY_AFTER_REASONING_WARNING = 'The model returned only reasoning and no answer; it may have run out of tokens while thinking.';

interface LineRange {
  startLine: number;
  endLine: number;
}

// ---------------------------------------------------------------------------------------
// Where JSON may be in an answer: the whole text, fenced blocks, and brace-delimited spans.

/** Spans that never close are re-scanned from their next `{`; a few retries keep that linear. */
const MAX_UNCLOSED_RETRIES = 4;

/** The contents of ``` / ~~~ fenced blocks (an unclosed one runs to the end), JSON-looking ones only. */
function fencedBlocks(text: string): string[] {
  const blocks: string[] = [];
  const lines = text.split('\n');
  let open: { char: string; length: number; from: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fence = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (!fence?.[1]) continue;
    const marker = fence[1];
    if (!open) {
      open = { char: marker.charAt(0), length: marker.length, from: i + 1 };
    } else if (marker.charAt(0) === open.char && marker.length >= open.length && line.trim() === marker) {
      blocks.push(lines.slice(open.from, i).join('\n'));
      open = undefined;
    }
  }
  if (open) blocks.push(lines.slice(open.from).join('\n'));
  return blocks.filter((b) => /^\s*[{[]/.test(b));
}

/**
 * The first `{…}` span starting at or after `from`, found by counting braces outside
 * double-quoted strings (strings are tracked only inside a span, as prose has stray quotes).
 * A span the text ends inside runs to the end.
 */
function braceSpan(text: string, from: number): { start: number; end: number; closed: boolean } | undefined {
  const start = text.indexOf('{', from);
  if (start === -1) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 123) {
      depth++;
    } else if (c === 125 && --depth === 0) {
      return { start, end: i + 1, closed: true };
    }
  }
  return { start, end: text.length, closed: false };
}

/**
 * Every place a result may be, in order. Closed spans and fenced blocks do not overlap, so
 * reading them all costs one pass over the text; only unclosed spans are re-scanned.
 */
function candidateTexts(text: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const add = (candidate: string): void => {
    const trimmed = candidate.trim();
    if (trimmed.length > 0 && !seen.has(trimmed)) {
      seen.add(trimmed);
      found.push(trimmed);
    }
  };
  if (/^\s*[{[]/.test(text)) add(text);
  for (const block of fencedBlocks(text)) add(block);
  let from = 0;
  let unclosed = 0;
  for (let span = braceSpan(text, 0); span; span = braceSpan(text, from)) {
    add(text.slice(span.start, span.end));
    // After a span that never closed (a stray `{` in prose, or a cut-off answer), a later
    // `{` may start the real object.
    if (!span.closed && ++unclosed > MAX_UNCLOSED_RETRIES) break;
    from = span.closed ? span.end : span.start + 1;
  }
  return found;
}

// ---------------------------------------------------------------------------------------
// From parsed JSON to a result.

type JsonObject = { [key: string]: Json };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(source: JsonObject, names: readonly string[]): Json | undefined {
  for (const name of names) {
    if (Object.prototype.hasOwnProperty.call(source, name)) {
      const value = source[name];
      if (value !== undefined && value !== null) return value;
    }
  }
  return undefined;
}

const FINDINGS_KEYS = ['findings', 'issues', 'problems', 'bugs'];
const SUMMARY_KEYS = ['summary'];
const ANSWER_KEYS = ['answer', 'markdown'];
const TITLE_KEYS = ['title', 'name', 'issue', 'problem'];
const EXPLANATION_KEYS = ['explanation', 'description', 'details', 'detail', 'message', 'reason', 'rationale'];
const FIX_KEYS = ['suggestedFix', 'suggested_fix', 'fix', 'replacement', 'suggestion'];

/** The result object inside a parsed value (a bare findings array, or one wrapper level), scored by how complete it is. */
function resultShape(value: Json): { shape: JsonObject; score: number } | undefined {
  const score = (o: JsonObject): number =>
    (Array.isArray(field(o, FINDINGS_KEYS)) ? 4 : 0) + (typeof field(o, SUMMARY_KEYS) === 'string' ? 2 : 0) + (typeof field(o, ANSWER_KEYS) === 'string' ? 1 : 0);
  if (Array.isArray(value)) {
    return value.length > 0 && value.every(isObject) && value.some((v) => isObject(v) && typeof field(v, TITLE_KEYS) === 'string')
      ? { shape: { findings: value }, score: 3 }
      : undefined;
  }
  if (!isObject(value)) return undefined;
  const own = score(value);
  if (own > 0) return { shape: value, score: own };
  const members = Object.values(value);
  const inner = members.length === 1 ? members[0] : undefined;
  if (isObject(inner) && score(inner) > 0) return { shape: inner, score: score(inner) };
  return undefined;
}

const SEVERITY_SYNONYMS: Record<string, FindingSeverity> = {
  critical: 'critical',
  blocker: 'critical',
  fatal: 'critical',
  high: 'high',
  error: 'high',
  major: 'high',
  severe: 'high',
  bug: 'high',
  medium: 'medium',
  moderate: 'medium',
  warning: 'medium',
  warn: 'medium',
  low: 'low',
  minor: 'low',
  trivial: 'low',
  info: 'info',
  information: 'info',
  informational: 'info',
  note: 'info',
  suggestion: 'info',
  hint: 'info',
  nit: 'info',
  style: 'info',
};

/** A model's word for how bad something is ("Error", "high severity"); unknown or missing words are 'medium'. */
function severityOf(value: Json | undefined): FindingSeverity {
  const text = typeof value === 'string' ? value.trim().toLowerCase().slice(0, 100) : '';
  for (const word of [text, ...text.split(/[^a-z]+/)]) {
    if (Object.hasOwn(SEVERITY_SYNONYMS, word)) return SEVERITY_SYNONYMS[word] ?? 'medium';
  }
  return 'medium';
}

const CONFIDENCE_WORDS: Record<string, number> = { high: 0.8, medium: 0.5, moderate: 0.5, low: 0.3 };

/** 0–1; percentages (85, "85%") are scaled; anything unreadable is 0.5. */
function confidenceOf(value: Json | undefined): number {
  let n: number;
  if (typeof value === 'number') {
    n = value;
  } else if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (Object.hasOwn(CONFIDENCE_WORDS, text)) return CONFIDENCE_WORDS[text] ?? 0.5;
    const match = /^(\d+(?:\.\d+)?|\.\d+)\s*(%?)$/.exec(text);
    if (!match) return 0.5;
    n = Number(match[1]);
    if (match[2] === '%') n /= 100;
  } else {
    return 0.5;
  }
  if (!Number.isFinite(n) || n < 0) return 0.5;
  if (n > 1) n /= 100;
  return Math.min(1, n);
}

/** A line number, or a range from "12-15", "L12", "lines 12–15". */
function linesOf(value: Json | undefined): { start: number; end?: number } | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? { start: Math.floor(value) } : undefined;
  if (typeof value === 'string') {
    const match = /(\d{1,9})(?:\s*(?:-|–|—|\.\.|to)\s*L?(\d{1,9}))?/i.exec(value.slice(0, 100));
    if (!match) return undefined;
    return match[2] === undefined ? { start: Number(match[1]) } : { start: Number(match[1]), end: Number(match[2]) };
  }
  if (Array.isArray(value) && value.length > 0) {
    const start = linesOf(value[0]);
    const end = linesOf(value[value.length - 1]);
    return start ? { start: start.start, end: end?.end ?? end?.start } : undefined;
  }
  return undefined;
}

function findingLines(source: JsonObject): { start: number; end: number } | undefined {
  const start = linesOf(field(source, ['startLine', 'start_line', 'lineStart', 'line_start', 'fromLine']));
  const end = linesOf(field(source, ['endLine', 'end_line', 'lineEnd', 'line_end', 'toLine']));
  const single = linesOf(field(source, ['line', 'lines', 'lineNumber', 'line_number']));
  const first = start?.start ?? single?.start ?? end?.start;
  if (first === undefined) return undefined;
  const last = end?.start ?? start?.end ?? single?.end ?? (start ? start.start : single?.start) ?? first;
  return first <= last ? { start: first, end: last } : { start: last, end: first };
}

function textOf(value: Json | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * A suggested fix as plain replacement text: a string (or { code }), without code fences
 * the model wrapped it in or line-number prefixes it copied from the prompt.
 */
function fixOf(value: Json | undefined): string | undefined {
  const fix = typeof value === 'string' ? value : isObject(value) ? textOf(field(value, ['code', 'replacement', 'text'])) : undefined;
  if (fix === undefined || fix.trim().length === 0) return undefined;
  let lines = fix.replace(/^\s*\n/, '').replace(/\n\s*$/, '').split('\n');
  const opening = /^\s*(`{3,}|~{3,})[\w+#.-]*\s*$/.exec(lines[0] ?? '')?.[1];
  if (opening && lines.length >= 2 && lines[lines.length - 1]?.trim() === opening) lines = lines.slice(1, -1);
  const numbered = /^\s*\d+ \| ?/;
  const copiedNumbers = lines.some((l) => l.trim() !== '') && lines.every((l) => l.trim() === '' || numbered.test(l));
  return (copiedNumbers ? lines.map((l) => l.replace(numbered, '')) : lines).join('\n');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

function firstSentence(text: string, max: number): string {
  const line = text.trim().split('\n')[0] ?? '';
  return truncate(/^(.*?[.!?])(\s|$)/.exec(line)?.[1] ?? line, max);
}

function rangeText(start: number, end: number): string {
  return start === end ? `line ${start}` : `lines ${start}–${end}`;
}

/** One finding, normalized and kept inside the target; undefined (with a warning when useful) to drop it. */
function toFinding(value: Json, target: LineRange, warnings: string[]): Finding | undefined {
  if (!isObject(value)) return undefined;
  const explanation = textOf(field(value, EXPLANATION_KEYS))?.trim() ?? '';
  const givenTitle = textOf(field(value, TITLE_KEYS))?.trim().split('\n')[0]?.trim() ?? '';
  const title = givenTitle ? truncate(givenTitle, 200) : firstSentence(explanation, 80);
  if (!title) return undefined;
  let suggestedFix = fixOf(field(value, FIX_KEYS));
  if (suggestedFix !== undefined && suggestedFix.length > RESULT_LIMITS.fixChars) {
    warnings.push(`The suggested fix of "${title}" was longer than ${RESULT_LIMITS.fixChars.toLocaleString('en-US')} characters and was dropped.`);
    suggestedFix = undefined;
  }
  const lines = findingLines(value);
  let startLine = lines?.start ?? target.startLine;
  let endLine = lines?.end ?? target.endLine;
  // A fix without lines would replace the whole target: keep the finding, not the fix.
  if (!lines) suggestedFix = undefined;
  if (endLine < target.startLine || startLine > target.endLine) {
    warnings.push(`Dropped the finding "${title}": it points at ${rangeText(startLine, endLine)}, outside the reviewed ${rangeText(target.startLine, target.endLine)}.`);
    return undefined;
  }
  if (startLine < target.startLine || endLine > target.endLine) {
    const from = rangeText(startLine, endLine);
    startLine = Math.max(startLine, target.startLine);
    endLine = Math.min(endLine, target.endLine);
    const fixNote = suggestedFix === undefined ? '' : ' Its suggested fix was dropped, as it was written for the original lines.';
    warnings.push(`The finding "${title}" pointed at ${from}, partly outside the reviewed lines; it is shown at ${rangeText(startLine, endLine)}.${fixNote}`);
    suggestedFix = undefined;
  }
  const finding: Finding = {
    title,
    severity: severityOf(field(value, ['severity', 'level', 'priority'])),
    confidence: confidenceOf(field(value, ['confidence', 'certainty'])),
    startLine,
    endLine,
    explanation: explanation.length > RESULT_LIMITS.explanationChars ? `${explanation.slice(0, RESULT_LIMITS.explanationChars)}…` : explanation,
  };
  if (suggestedFix !== undefined) finding.suggestedFix = suggestedFix;
  return finding;
}

function fenceFor(text: string): string {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}

/** Markdown for a result that came without one. */
function answerFrom(summary: string, findings: readonly Finding[]): string {
  const parts: string[] = [];
  if (summary) parts.push(summary);
  if (findings.length === 0) parts.push('No findings.');
  findings.forEach((f, i) => {
    const head = `### ${i + 1}. ${f.title}\n*${f.severity}, ${rangeText(f.startLine, f.endLine)}, confidence ${Math.round(f.confidence * 100)}%*`;
    parts.push(f.explanation ? `${head}\n\n${f.explanation}` : head);
    if (f.suggestedFix !== undefined) {
      const fence = fenceFor(f.suggestedFix);
      parts.push(`Suggested fix:\n\n${fence}\n${f.suggestedFix}\n${fence}`);
    }
  });
  return parts.join('\n\n');
}

function toResult(shape: JsonObject, read: ReadJson, target: LineRange, warnings: string[]): ReviewResult {
  const rawFindings = field(shape, FINDINGS_KEYS);
  const all: Finding[] = [];
  const findingWarnings: string[] = [];
  if (Array.isArray(rawFindings)) {
    for (const item of rawFindings) {
      // A finding the end of the text cut into may hold half a fix: never keep it.
      if (isObject(item) && read.incomplete.has(item)) continue;
      const finding = toFinding(item, target, findingWarnings);
      if (finding) all.push(finding);
    }
  }
  const shown = findingWarnings.slice(0, RESULT_LIMITS.findingWarnings);
  warnings.push(...shown);
  if (findingWarnings.length > shown.length) warnings.push(`…and ${(findingWarnings.length - shown.length).toLocaleString('en-US')} more notes about single findings.`);
  const capped = capFindings(all);
  const findings = capped.findings;
  if (capped.warning) warnings.push(capped.warning);
  const summaryValue = textOf(field(shape, SUMMARY_KEYS))?.trim() ?? '';
  const answerValue = textOf(field(shape, ANSWER_KEYS))?.trim() ?? '';
  const summary = truncate(
    summaryValue || (answerValue ? firstSentence(answerValue, 200) : findings.length === 0 ? 'No issues found.' : `${findings.length} ${findings.length === 1 ? 'finding' : 'findings'}.`),
    RESULT_LIMITS.summaryChars,
  );
  const answer = bounded(answerValue || answerFrom(summary, findings), RESULT_LIMITS.answerChars, 'answer', warnings);
  return { summary, findings, answer };
}

function normalizeTarget(target: LineRange): LineRange {
  const a = Number.isFinite(target.startLine) ? Math.max(1, Math.floor(target.startLine)) : 1;
  const b = Number.isFinite(target.endLine) ? Math.max(1, Math.floor(target.endLine)) : a;
  return a <= b ? { startLine: a, endLine: b } : { startLine: b, endLine: a };
}

/** The best structured result in `text`: complete JSON before cut-off JSON, then the most complete shape, then the earliest. */
function bestResult(text: string): { shape: JsonObject; read: ReadJson } | undefined {
  let best: { shape: JsonObject; read: ReadJson; rank: number } | undefined;
  for (const candidate of candidateTexts(text)) {
    const read = readJson(candidate);
    if (!read) continue;
    const found = resultShape(read.value);
    if (!found) continue;
    const rank = found.score + (read.truncated ? 0 : 10);
    if (!best || rank > best.rank) best = { shape: found.shape, read, rank };
    if (rank === 17) break;
  }
  return best;
}

function unstructured(answer: string, inlineReasoning: string): ParsedResult {
  const warning = answer.length > 0 ? UNSTRUCTURED_WARNING : inlineReasoning.length > 0 ? EMPTY_AFTER_REASONING_WARNING : EMPTY_WARNING;
  const warnings = [warning];
  return { result: { summary: '', findings: [], answer: bounded(answer, RESULT_LIMITS.answerChars, 'answer', warnings) }, inlineReasoning, structured: false, warnings };
}

/**
 * Reads a model's raw answer as a result for `target` (the reviewed lines, 1-based and
 * inclusive). Never throws: what cannot be structured comes back as text with a warning.
 */
export function parseModelOutput(raw: string, target: { startLine: number; endLine: number }): ParsedResult {
  const text = typeof raw === 'string' ? raw : '';
  let split = { reasoning: '', answer: text.trim() };
  try {
    split = splitThinkTags(text);
    // The answer after the think tags first; failing that, the whole text, in case a think
    // tag was only mentioned inside the answer.
    const found = bestResult(split.answer) ?? (split.answer !== text.trim() ? bestResult(text) : undefined);
    if (!found) return unstructured(split.answer, split.reasoning);
    const warnings: string[] = [];
    if (found.read.truncated) warnings.push(TRUNCATED_WARNING);
    const result = toResult(found.shape, found.read, normalizeTarget(target), warnings);
    return { result, inlineReasoning: split.reasoning, structured: true, warnings };
  } catch {
    return unstructured(split.answer, split.reasoning);
  }
}
