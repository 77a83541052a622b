// Replaces likely secrets in code with placeholders such as `[REDACTED:aws-access-key]`
// before the code leaves the machine. Line breaks are kept, so line numbers in the prompt
// and in the model's findings still match the file. Patterns favour precision: a missed
// exotic secret is less harmful than a review of code the model was never shown.

export interface Redaction {
  /** A short id such as 'aws-access-key', also used in the placeholder. */
  kind: string;
  /** 1-based file line where the secret starts. */
  line: number;
  /** Last line, when the secret spans several (a private key block). */
  endLine?: number;
}

interface SecretPattern {
  kind: string;
  regex: RegExp;
  /** Which capture group holds the secret itself (0: the whole match). */
  group: number;
  /** Extra check on the secret, to rule out look-alikes in ordinary code. */
  accept?: (secret: string) => boolean;
}

const LABELS: Record<string, string> = {
  'private-key': 'private key',
  'aws-access-key': 'AWS access key',
  'aws-secret-key': 'AWS secret key',
  'github-token': 'GitHub token',
  'anthropic-key': 'Anthropic API key',
  'openai-key': 'OpenAI API key',
  'slack-token': 'Slack token',
  'google-api-key': 'Google API key',
  jwt: 'JSON Web Token',
  'url-password': 'password in a URL',
  password: 'password',
  'api-key': 'API key',
  token: 'token',
  secret: 'secret',
};

function hasLetter(s: string): boolean {
  return /[A-Za-z]/.test(s);
}

function hasDigit(s: string): boolean {
  return /[0-9]/.test(s);
}

/** A generic assigned value is a secret only if it looks random or password-like, not like a word or a template. */
function looksLikeSecretValue(value: string): boolean {
  if (/\$\{|\{\{|%\(|^\$|^<|^%s$/.test(value)) return false;
  if (value.includes('[REDACTED:')) return false;
  if (/^(.)\1*$/.test(value)) return false; // "********", "xxxxxxxx"
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value)) return false; // process.env.API_KEY_2
  const special = /[^A-Za-z0-9\-_./]/.test(value);
  return hasLetter(value) && (hasDigit(value) || special);
}

/** Single-line patterns, most specific first; the generic assignments come last. */
const LINE_PATTERNS: SecretPattern[] = [
  { kind: 'aws-access-key', regex: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, group: 0 },
  {
    kind: 'aws-secret-key',
    regex: /(aws_?secret_?(?:access_?)?key|secret_?access_?key)(["']?[ \t]*(?::=|=>|[:=])[ \t]*["']?)([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
    group: 3,
  },
  { kind: 'github-token', regex: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g, group: 0 },
  { kind: 'anthropic-key', regex: /\bsk-ant-[A-Za-z0-9_-]{20,}/g, group: 0 },
  {
    kind: 'openai-key',
    regex: /\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g,
    group: 0,
    accept: (s) => hasDigit(s.slice(3)) && hasLetter(s.slice(3)),
  },
  { kind: 'slack-token', regex: /\bxox[abpr]-[A-Za-z0-9-]{10,}/g, group: 0, accept: (s) => hasDigit(s) },
  { kind: 'google-api-key', regex: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, group: 0 },
  { kind: 'jwt', regex: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, group: 0 },
  {
    kind: 'url-password',
    regex: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@'"`]{1,100}:([^\s:/@'"`]{3,200})@/gi,
    group: 1,
    // Not a template: `{password}`, `${PASS}`, `<password>`, `%s`.
    accept: (s) => !/[{}$<>]|%s|%\(|^\*+$/.test(s) && s.toLowerCase() !== 'password',
  },
  // `password = "hunter2x"`, `"api_key": 'a1b2…'`, `token := "…"`: a sensitive name ending an
  // identifier, an assignment, and a quoted value without spaces.
  {
    kind: 'generic',
    regex:
      /(passwd|password|pwd|secret|api_?key|apikey|access_?token|auth_?token|token|private_?key)(["']?[ \t]*(?::=|=>|[:=])[ \t]*(["'`]))([^"'`\s\\]{8,200})\3/gi,
    group: 4,
    accept: looksLikeSecretValue,
  },
  // .env / YAML / INI lines: `DB_PASSWORD=s3cr3tP4ss`, `api_key: a1b2c3d4e5`. The value has
  // to fill the rest of the line and hold no code characters such as parentheses.
  {
    kind: 'generic',
    regex:
      /^([ \t]*(?:export[ \t]+)?[A-Za-z0-9_.-]*?(?:passwd|password|pwd|secret|api_?key|apikey|access_?token|auth_?token|token))([ \t]*[:=][ \t]*)([A-Za-z0-9+/=_.!@#%^&*~-]{8,200})[ \t]*(?:#.*)?$/gi,
    group: 3,
    accept: looksLikeSecretValue,
  },
];

function genericKind(name: string): string {
  const lower = name.toLowerCase();
  if (/passw|pwd/.test(lower)) return 'password';
  if (/api_?key|apikey/.test(lower)) return 'api-key';
  if (/token/.test(lower)) return 'token';
  return 'secret';
}

function placeholder(kind: string): string {
  return `[REDACTED:${kind}]`;
}

/** Redacts one line with the single-line patterns. */
function redactLine(text: string, line: number, found: Redaction[]): string {
  let result = text;
  for (const pattern of LINE_PATTERNS) {
    pattern.regex.lastIndex = 0;
    result = result.replace(pattern.regex, (...args: unknown[]) => {
      const match = String(args[0]);
      const groups = args.slice(1, -2).map((g) => (typeof g === 'string' ? g : ''));
      const secret = pattern.group === 0 ? match : (groups[pattern.group - 1] ?? '');
      // Something already redacted (a key assigned to `api_key = "…"`) is not redacted again.
      if (secret.length === 0 || match.includes('[REDACTED:')) return match;
      if (pattern.accept && !pattern.accept(secret)) return match;
      const kind = pattern.kind === 'generic' ? genericKind(groups[0] ?? '') : pattern.kind;
      found.push({ kind, line });
      if (pattern.group === 0) return placeholder(kind);
      // Keep everything around the secret (the name, the quotes) and replace only the value.
      const at = match.lastIndexOf(secret);
      return match.slice(0, at) + placeholder(kind) + match.slice(at + secret.length);
    });
  }
  return result;
}

const PEM_BEGIN = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----/g;
const PEM_END = /-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g;
/** A key body line carries a long run of base64. */
const KEY_BODY = /[A-Za-z0-9+/=]{32,}/;

/** Character offset where each line starts. */
function lineStarts(code: string): number[] {
  const starts = [0];
  for (let i = code.indexOf('\n'); i !== -1; i = code.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The 0-based line holding `offset` (binary search over line starts). */
function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

interface Span {
  start: number;
  end: number;
}

/**
 * PEM private key blocks. A selection or its context may cut a key: without an END marker
 * the block runs over the key body lines after BEGIN, and an END marker without BEGIN takes
 * the body lines before it. A marker with no key body (code that checks for the header) is
 * not a secret.
 */
function privateKeySpans(code: string, starts: readonly number[]): Span[] {
  const lineStart = (l: number): number => starts[l] ?? code.length;
  const lineEnd = (l: number): number => (starts[l + 1] ?? code.length + 1) - 1;
  const isBody = (l: number): boolean => l >= 0 && l < starts.length && KEY_BODY.test(code.slice(lineStart(l), lineEnd(l)));
  const spans: Span[] = [];
  PEM_BEGIN.lastIndex = 0;
  for (let begin = PEM_BEGIN.exec(code); begin; begin = PEM_BEGIN.exec(code)) {
    const afterHeader = begin.index + begin[0].length;
    PEM_END.lastIndex = afterHeader;
    const end = PEM_END.exec(code);
    const nextBegin = code.indexOf('-----BEGIN ', afterHeader);
    let spanEnd: number;
    if (end && (nextBegin === -1 || end.index < nextBegin)) {
      if (!KEY_BODY.test(code.slice(afterHeader, end.index))) continue;
      spanEnd = end.index + end[0].length;
    } else {
      let line = lineAt(starts, begin.index);
      let hasBody = KEY_BODY.test(code.slice(afterHeader, lineEnd(line)));
      for (; isBody(line + 1); line++) hasBody = true;
      if (!hasBody) continue;
      spanEnd = lineEnd(line);
    }
    spans.push({ start: begin.index, end: spanEnd });
    PEM_BEGIN.lastIndex = spanEnd;
  }

  const covered = (offset: number): boolean => spans.some((s) => s.start <= offset && offset < s.end);
  const endOnly: Span[] = [];
  PEM_END.lastIndex = 0;
  for (let end = PEM_END.exec(code); end; end = PEM_END.exec(code)) {
    if (covered(end.index)) continue;
    const endLine = lineAt(starts, end.index);
    const hasBodyBefore = KEY_BODY.test(code.slice(lineStart(endLine), end.index));
    let line = endLine;
    for (; isBody(line - 1) && !covered(lineStart(line - 1)); line--);
    if (line === endLine && !hasBodyBefore) continue;
    const start = line === endLine ? lineStart(endLine) + (/^\s*/.exec(code.slice(lineStart(endLine), end.index))?.[0].length ?? 0) : lineStart(line);
    endOnly.push({ start, end: end.index + end[0].length });
  }
  return [...spans, ...endOnly].sort((a, b) => a.start - b.start);
}

/**
 * Replaces likely secrets with placeholders. `firstLine` is the file line number of the
 * code's first line, so redactions report file lines. The result has as many lines as the input.
 */
export function redactSecrets(code: string, firstLine = 1): { code: string; redactions: Redaction[] } {
  const redactions: Redaction[] = [];
  const starts = lineStarts(code);
  // Private key blocks first, as they span lines; their line breaks are kept.
  let text = '';
  let copied = 0;
  for (const span of privateKeySpans(code, starts)) {
    const first = lineAt(starts, span.start);
    const last = lineAt(starts, span.end);
    redactions.push(last > first ? { kind: 'private-key', line: firstLine + first, endLine: firstLine + last } : { kind: 'private-key', line: firstLine + first });
    text += code.slice(copied, span.start) + placeholder('private-key') + '\n'.repeat(last - first);
    copied = span.end;
  }
  text += code.slice(copied);

  const lines = text.split('\n').map((line, i) => redactLine(line, firstLine + i, redactions));
  redactions.sort((a, b) => a.line - b.line);
  return { code: lines.join('\n'), redactions };
}

function describeOne(r: Redaction): string {
  const label = LABELS[r.kind] ?? r.kind;
  return r.endLine !== undefined && r.endLine > r.line ? `${label} (lines ${r.line}–${r.endLine})` : `${label} (line ${r.line})`;
}

/** One sentence for the user, e.g. "Redacted 2 likely secrets before sending: AWS access key (line 12), private key (lines 40–52)." */
export function describeRedactions(redactions: readonly Redaction[]): string {
  if (redactions.length === 0) return '';
  const listed = 8;
  const parts = redactions.slice(0, listed).map(describeOne);
  if (redactions.length > listed) parts.push(`and ${redactions.length - listed} more`);
  const noun = redactions.length === 1 ? 'likely secret' : 'likely secrets';
  return `Redacted ${redactions.length} ${noun} before sending: ${parts.join(', ')}.`;
}
