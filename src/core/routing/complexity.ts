// How hard a request is, judged from cheap signals in the instruction and the code, so the
// router can send easy requests to a fast model and hard ones to a reasoning model. Every
// signal that adds to the score says why in `reasons`, which the UI shows with the result.
// One linear pass over the code plus a handful of per-line regexes: no quadratic work.
import type { Diagnostic, ReviewRequest } from '../requests/request';

export type ComplexityTier = 'simple' | 'medium' | 'complex';

export interface ComplexityAssessment {
  tier: ComplexityTier;
  score: number;
  reasons: string[];
}

/** Scores at or above these move a request up a tier. */
export const MEDIUM_SCORE = 2;
export const COMPLEX_SCORE = 5;

/** Words in the instruction that ask for careful, multi-step thinking; strong ones count double. */
const INSTRUCTION_SIGNALS: readonly { label: string; pattern: RegExp; points: number }[] = [
  { label: 'step by step', pattern: /\bstep[- ]by[- ]step\b/i, points: 2 },
  { label: 'prove', pattern: /\bprov(e|es|ing)\b|\bproof\b/i, points: 2 },
  { label: 'race', pattern: /\brace(s|y)?\b|\brace condition/i, points: 2 },
  { label: 'deadlock', pattern: /\bdead-?locks?\b/i, points: 2 },
  { label: 'concurrency', pattern: /\bconcurren(cy|t)\b|\bthread[- ]safe/i, points: 2 },
  { label: 'security', pattern: /\bsecur(e|ity)\b|\bvulnerab|\binjection\b/i, points: 2 },
  { label: 'analyze', pattern: /\banaly[sz](e|is|ing)\b/i, points: 1 },
  { label: 'debug', pattern: /\bdebug/i, points: 1 },
  { label: 'why', pattern: /\bwhy\b/i, points: 1 },
  { label: 'root cause', pattern: /\broot[- ]cause\b/i, points: 1 },
];
const MAX_INSTRUCTION_POINTS = 4;

/** Above this many characters of instruction plus code the prompt itself is long. */
const LONG_PROMPT_CHARS = 2_000;
const VERY_LONG_PROMPT_CHARS = 8_000;

const SEVERITY_POINTS: Record<Diagnostic['severity'], number> = { error: 1, warning: 0.5, information: 0.25, hint: 0.25 };
const MAX_DIAGNOSTIC_POINTS = 5;

/**
 * Concurrency in the code. Locking, threads and channels make reasoning about order hard
 * (strong); async/await alone is milder. One alternation so the code is scanned once.
 */
const STRONG_CONCURRENCY = new Map<string, string>([
  ['mutex', 'mutexes'],
  ['lock', 'locks'],
  ['synchronized', 'synchronized blocks'],
  ['thread', 'threads'],
  ['goroutine', 'goroutines'],
  ['channel', 'channels'],
  ['atomic', 'atomics'],
  ['semaphore', 'semaphores'],
  ['waitgroup', 'wait groups'],
]);
const STRONG_CONCURRENCY_PATTERN = new RegExp(
  [
    String.raw`(?<mutex>\b(?:RW)?Mutex\b|\bmutex\b|\bpthread_mutex)`,
    String.raw`(?<lock>\.(?:R?Lock|lock|acquire|tryLock)\(|\bReentrantLock\b|\bwith\s+[\w.]*[Ll]ock\b|\block\s*\()`,
    String.raw`(?<synchronized>\bsynchronized\b)`,
    String.raw`(?<thread>\bstd::thread\b|\bpthread_create\b|\bnew\s+Thread\b|\bthreading\.|\bExecutorService\b|\bWorker\(|\bspawn\()`,
    String.raw`(?<goroutine>\bgo\s+(?:func\b|[A-Za-z_][\w.]*\())`,
    String.raw`(?<channel>\bchan\b|<-\s*\w|\bselect\s*\{)`,
    String.raw`(?<atomic>\batomic\.|\bstd::atomic\b|\bAtomic(?:Integer|Long|Boolean|Reference)\b|\bAtomics\.|\bvolatile\b)`,
    String.raw`(?<semaphore>\bSemaphore\b|\bsem_wait\b)`,
    String.raw`(?<waitgroup>\bWaitGroup\b|\bCountDownLatch\b)`,
  ].join('|'),
  'g',
);
/** Async code is common and needs only one hit, so it gets its own test that stops early. */
const ASYNC_PATTERN = /\basync\b|\bawait\b|\bPromise\.(?:all|race|any|allSettled)\b|\basyncio\b|\bCompletableFuture\b/;

/** Words that can precede or look like `name(...)` without it being a definition. */
const NOT_FUNCTION_WORDS = new Set([
  'if', 'for', 'foreach', 'while', 'switch', 'catch', 'return', 'else', 'new', 'do', 'try', 'with', 'elif', 'except',
  'function', 'typeof', 'sizeof', 'await', 'throw', 'case', 'delete', 'void', 'yield', 'super', 'this', 'assert',
  'go', 'defer', 'print', 'echo', 'not', 'and', 'or', 'in', 'is', 'lambda', 'using', 'lock', 'synchronized',
]);

/**
 * Definitions with a keyword of their own: Python `def`, Go `func`, Rust `fn`, Kotlin `fun`,
 * JS `function`, and arrow functions assigned to a name.
 */
const KEYWORD_DEFINITION = new RegExp(
  [
    String.raw`^\s*(?:(?:pub(?:\([^)]*\))?|async|unsafe|private|public|internal|override|suspend|export|static)\s+)*(?:def|fn|fun|func)\s*(?:\([^)]*\)\s*)?[A-Za-z_]\w*\s*[[(<]`,
    String.raw`\bfunction\b\s*\*?\s*[\w$]*\s*\(`,
    String.raw`[\w$]\s*[:=]\s*(?:async\s+)?(?:\([^()]*\)|[A-Za-z_$][\w$]*)\s*(?::\s*[^=]+)?=>`,
  ].join('|'),
);

/**
 * C-family and TS/JS methods: modifier/return-type words, a name, a parameter list, then an
 * optional return type / `throws` and an opening brace. Groups: 1 prefix words, 2 name, 3 brace.
 */
const C_FAMILY_DEFINITION =
  /^\s*((?:[\w$<>[\],.*&:?]+\s+)*)[*&]?([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\([^;]*\)\s*(?::\s*[^={;]+)?(?:throws\s+[\w.,\s]+)?(?:const\s*)?(\{?)\s*$/;

/** Languages whose `#` starts a comment (elsewhere `#` is a preprocessor line or private field). */
const HASH_COMMENT_LANGUAGES = new Set(['python', 'shellscript', 'ruby', 'perl', 'r', 'yaml', 'coffeescript', 'powershell', 'makefile']);
/** Languages whose blocks are indentation, not braces. */
const INDENTATION_LANGUAGES = new Set(['python', 'yaml', 'coffeescript', 'nim', 'haskell', 'fsharp', 'pug', 'sass']);

export function assessComplexity(request: ReviewRequest): ComplexityAssessment {
  const { target } = request;
  const instruction = request.instruction ?? '';
  const code = target.code;
  const shape = scanCodeShape(code, target.languageId);
  const lineCount = shape.lineCount;

  let score = 0;
  const reasons: string[] = [];
  const add = (points: number, reason: string): void => {
    score += points;
    reasons.push(reason);
  };

  // What the user asks for.
  const asked = INSTRUCTION_SIGNALS.filter((s) => s.pattern.test(instruction));
  if (asked.length > 0) {
    const points = Math.min(MAX_INSTRUCTION_POINTS, asked.reduce((sum, s) => sum + s.points, 0));
    add(points, `instruction asks for ${asked.map((s) => `"${s.label}"`).join(', ')}`);
  }
  const promptChars = instruction.length + code.length;
  if (promptChars > VERY_LONG_PROMPT_CHARS) add(2, `long prompt (${formatCount(promptChars)} characters)`);
  else if (promptChars > LONG_PROMPT_CHARS) add(1, `long prompt (${formatCount(promptChars)} characters)`);

  // Debugging asks for a root cause, which takes more steps than a review.
  if (request.kind === 'debug') add(0.5, 'debugging: find the root cause, not just review');

  // How much code, and how tangled.
  const linesPoints = lineCount >= 300 ? 3 : lineCount >= 120 ? 2 : lineCount >= 40 ? 1 : 0;
  if (linesPoints > 0) add(linesPoints, `${lineCount} lines ${target.type === 'selection' ? 'selected' : target.type === 'file' ? 'in the file' : 'around the problems'}`);

  const depthPoints = shape.nestingDepth >= 6 ? 2 : shape.nestingDepth >= 4 ? 1 : 0;
  if (depthPoints > 0) add(depthPoints, `nesting depth ${shape.nestingDepth}`);
  const functionPoints = shape.functionCount >= 6 ? 2 : shape.functionCount >= 3 ? 1 : 0;
  if (functionPoints > 0) add(functionPoints, `spans ${shape.functionCount} functions`);

  const concurrency = findConcurrency(code);
  if (concurrency.strong.length > 0) add(2, `concurrent code: ${[...concurrency.strong, ...concurrency.mild].join(', ')}`);
  else if (concurrency.mild.length > 0) add(1, `asynchronous code: ${concurrency.mild.join(', ')}`);

  // Problems the editor already reports.
  if (target.type === 'diagnostics') scoreDiagnostics(target.diagnostics, request.kind, add);

  const tier: ComplexityTier = score >= COMPLEX_SCORE ? 'complex' : score >= MEDIUM_SCORE ? 'medium' : 'simple';
  // A simple request still says why it is simple, so the UI never shows an empty explanation.
  if (reasons.length === 0) reasons.push(`short and plain: ${lineCount} ${lineCount === 1 ? 'line' : 'lines'}, no signs of a hard problem`);
  return { tier, score, reasons };
}

function scoreDiagnostics(diagnostics: readonly Diagnostic[], kind: ReviewRequest['kind'], add: (points: number, reason: string) => void): void {
  const counts: Record<Diagnostic['severity'], number> = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const d of diagnostics) counts[d.severity] += 1;
  const points = Math.min(
    MAX_DIAGNOSTIC_POINTS,
    (Object.keys(counts) as Diagnostic['severity'][]).reduce((sum, s) => sum + counts[s] * SEVERITY_POINTS[s], 0),
  );
  if (points === 0) return;
  const parts = [plural(counts.error, 'error'), plural(counts.warning, 'warning'), plural(counts.information + counts.hint, 'note')].filter((p) => p !== '');
  // Several errors at once usually interact, so fixing them is a chain of steps.
  if (kind === 'debug' && counts.error >= 2) add(points + (counts.error >= 3 ? 2 : 1), `multi-step debugging: ${parts.join(', ')} in one file`);
  else add(points, `${parts.join(', ')} reported`);
}

interface CodeShape {
  nestingDepth: number;
  functionCount: number;
  lineCount: number;
}

const enum Char {
  Tab = 9,
  Newline = 10,
  CarriageReturn = 13,
  Space = 32,
  DoubleQuote = 34,
  Hash = 35,
  SingleQuote = 39,
  OpenParen = 40,
  CloseParen = 41,
  Star = 42,
  Slash = 47,
  Colon = 58,
  Backslash = 92,
  Backtick = 96,
  OpenBrace = 123,
  CloseBrace = 125,
}

/**
 * Nesting depth, function definitions and line count in one pass over the characters, without
 * splitting into lines: this runs on whole files before every request, so it must stay linear
 * and allocation-light. Only lines that contain `(` are cut out for the definition regexes.
 */
function scanCodeShape(code: string, languageId: string): CodeShape {
  const hashComments = HASH_COMMENT_LANGUAGES.has(languageId);
  let braceDepth = 0;
  let minBraceDepth = 0;
  let maxBraceDepth = 0;
  let inBlockComment = false;
  // Indentation stack: widths of the enclosing blocks, so 2- and 4-space styles both work.
  const indents: number[] = [];
  let maxIndentDepth = 0;
  let linesOpeningWithBrace = 0;
  let linesOpeningWithColon = 0;
  let functionCount = 0;
  let lineCount = 0;

  // Per-line state, reset at every line break. Strings end at the line, except template literals.
  let lineStart = 0;
  let indent = 0;
  let inIndent = true;
  let lastNonBlank = -1;
  let hasParen = false;
  let inLineComment = false;
  let quote = 0;

  const endLine = (end: number): void => {
    lineCount++;
    if (quote !== Char.Backtick) quote = 0;
    if (lastNonBlank >= lineStart) {
      const lastChar = code.charCodeAt(lastNonBlank);
      if (lastChar === Char.OpenBrace) linesOpeningWithBrace++;
      else if (lastChar === Char.Colon) linesOpeningWithColon++;
      while (indents.length > 0 && (indents[indents.length - 1] ?? 0) > indent) indents.pop();
      if (indents.length === 0 || (indents[indents.length - 1] ?? 0) < indent) indents.push(indent);
      if (indents.length - 1 > maxIndentDepth) maxIndentDepth = indents.length - 1;
      if (hasParen && isFunctionDefinition(code.slice(lineStart, end), lastChar)) functionCount++;
    }
    lineStart = end + 1;
    indent = 0;
    inIndent = true;
    hasParen = false;
    inLineComment = false;
  };

  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === Char.Newline) {
      endLine(i);
      continue;
    }
    if (c === Char.Space || c === Char.Tab || c === Char.CarriageReturn) {
      if (inIndent) indent += c === Char.Tab ? 4 : 1;
      continue;
    }
    inIndent = false;
    lastNonBlank = i;
    if (c === Char.OpenParen) hasParen = true;
    if (inLineComment) continue;
    if (inBlockComment) {
      if (c === Char.Star && code.charCodeAt(i + 1) === Char.Slash) {
        inBlockComment = false;
        i++;
        lastNonBlank = i;
      }
    } else if (quote !== 0) {
      if (c === Char.Backslash) i++;
      else if (c === quote) quote = 0;
    } else if (c === Char.DoubleQuote || c === Char.SingleQuote || c === Char.Backtick) {
      quote = c;
    } else if (c === Char.Slash) {
      const next = code.charCodeAt(i + 1);
      if (next === Char.Slash) inLineComment = true;
      else if (next === Char.Star) {
        inBlockComment = true;
        i++;
        lastNonBlank = i;
      }
    } else if (c === Char.Hash) {
      if (hashComments) inLineComment = true;
    } else if (c === Char.OpenBrace) {
      braceDepth++;
      if (braceDepth > maxBraceDepth) maxBraceDepth = braceDepth;
    } else if (c === Char.CloseBrace) {
      braceDepth--;
      if (braceDepth < minBraceDepth) minBraceDepth = braceDepth;
    }
  }
  if (code.length > 0) endLine(code.length);

  // Braces are exact where blocks use them; otherwise blocks are indentation (Python-like).
  const indentationBlocks = INDENTATION_LANGUAGES.has(languageId) || linesOpeningWithColon > linesOpeningWithBrace;
  const nestingDepth = indentationBlocks ? maxIndentDepth : maxBraceDepth - minBraceDepth;
  return { nestingDepth, functionCount, lineCount };
}

/** `lastChar` is the line's last non-blank character, used to skip lines that cannot match. */
function isFunctionDefinition(line: string, lastChar: number): boolean {
  if (KEYWORD_DEFINITION.test(line)) {
    const trimmed = line.trimStart();
    return !(trimmed.startsWith('//') || trimmed.startsWith('*') || trimmed.startsWith('#'));
  }
  // A C-family definition line ends with its brace, or with `)` when the brace is on the next line.
  if (lastChar !== Char.OpenBrace && lastChar !== Char.CloseParen) return false;
  const match = C_FAMILY_DEFINITION.exec(line);
  if (match === null) return false;
  const prefix = match[1] ?? '';
  const name = match[2] ?? '';
  const firstWord = prefix.split(/\s+/, 1)[0] ?? '';
  if (NOT_FUNCTION_WORDS.has(name) || NOT_FUNCTION_WORDS.has(firstWord)) return false;
  // Without a return type or modifier only a trailing brace tells a method from a call.
  return prefix !== '' || match[3] === '{';
}

function findConcurrency(code: string): { strong: string[]; mild: string[] } {
  const strong = new Set<string>();
  for (const match of code.matchAll(STRONG_CONCURRENCY_PATTERN)) {
    for (const [group, text] of Object.entries(match.groups ?? {})) {
      const label = STRONG_CONCURRENCY.get(group);
      if (text !== undefined && label !== undefined) strong.add(label);
    }
  }
  return { strong: [...strong], mild: ASYNC_PATTERN.test(code) ? ['async/await'] : [] };
}

function plural(n: number, noun: string): string {
  return n === 0 ? '' : `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** 12345 → "12,345" (toLocaleString is slow enough to show up in this hot path). */
function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
