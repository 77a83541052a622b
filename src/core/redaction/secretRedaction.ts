// The one redaction entry point: everything that leaves the machine goes through it.
//
//   redactText(text, firstLine?)            any text: secrets become `[REDACTED:kind]`
//   redactForSending(request, { fileText, pieces })
//                                           a whole review request: the target and its context
//                                           (redacted as the whole file, then sliced, so a
//                                           selection inside a key block is still redacted), the
//                                           diagnostics' messages, the user's instruction, and any
//                                           extra pieces later features send (changed hunks,
//                                           definitions, guidelines)
//   describeRedactions(redactions)          one sentence for the user
//
// Detection is secretlint's recommended preset (maintained) plus our own rules for what it
// misses (ownRules.ts) and key blocks cut by a selection (privateKeys.ts); all of it is linear
// in the text's size. Line breaks are kept, so line numbers in the prompt and in the model's
// findings still match the file.
import { ownRuleSpans } from './ownRules';
import { privateKeySpans } from './privateKeys';
import { applySpans, type Redaction, type SecretSpan } from './spans';
import type { ReviewRequest } from '../requests/request';

/**
 * secretlint and its rules are most of the extension bundle's size: loaded (evaluated) on the first
 * redaction, not during activation.
 */
const loadSecretlint = () => import('./secretlintScan');

export type { Redaction } from './spans';

export interface RedactedText {
  text: string;
  redactions: Redaction[];
}

/**
 * Replaces likely secrets in `text` with placeholders. `firstLine` is the line number of the
 * text's first line, so redactions report file lines. The result has as many lines as the input.
 */
export async function redactText(text: string, firstLine = 1): Promise<RedactedText> {
  if (text.length === 0) return { text, redactions: [] };
  const own = [...privateKeySpans(text), ...ownRuleSpans(text)].sort((a, b) => a.start - b.start);
  // A secretlint span that holds one of ours is usually a whole line or URL around the secret
  // (`awsSecretAccessKey: '…'`, `postgres://u:pw@host`): ours keeps the name and the host
  // readable for the model. Multi-line ones are kept whole.
  const linted = (await (await loadSecretlint()).secretlintSpans(text)).filter((l) => text.slice(l.start, l.end).includes('\n') || !holdsOneOf(own, l));
  return applySpans(text, [...own, ...linted], firstLine);
}

/** True when `outer` holds one of `spans` (sorted by start): linear overall, not a scan per span. */
function holdsOneOf(spans: readonly SecretSpan[], outer: SecretSpan): boolean {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]!.start < outer.start) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < spans.length && spans[i]!.start < outer.end; i++) if (spans[i]!.end <= outer.end) return true;
  return false;
}

/** Extra text sent with a request (a changed hunk, a definition, a guideline). */
export interface SendPiece {
  /** Names the piece in the notice ("definitions"). */
  label: string;
  text: string;
}

export interface RedactForSendingOptions {
  /** The whole current file: redacted as one, then sliced to the request's lines. */
  fileText?: string;
  pieces?: readonly SendPiece[];
}

export interface RedactedRequest {
  request: ReviewRequest;
  pieces: SendPiece[];
  redactions: Redaction[];
  /** For the user; empty when nothing was redacted. */
  notice: string;
}

function splitLines(text: string): string[] {
  return text.length === 0 ? [] : text.split('\n');
}

/**
 * The request's lines (context before, target, context after) with secrets redacted. With the
 * whole file, and when the request's lines still read as the file's, the file is redacted and
 * the lines cut from it; otherwise the request's lines are redacted as one text.
 */
async function redactTargetLines(request: ReviewRequest, fileText: string | undefined): Promise<{ lines: string[]; redactions: Redaction[] }> {
  const t = request.target;
  const window = [...splitLines(t.contextBefore), ...t.code.split('\n'), ...splitLines(t.contextAfter)];
  const first = Math.max(1, t.startLine - splitLines(t.contextBefore).length);
  if (fileText !== undefined) {
    const fileLines = fileText.split('\n');
    const same = window.every((line, i) => (fileLines[first - 1 + i] ?? '\u0000').replace(/\r$/, '') === line.replace(/\r$/, ''));
    if (same) {
      const whole = await redactText(fileText);
      const redactedLines = whole.text.split('\n');
      const last = first + window.length - 1;
      const lines = window.map((line, i) => {
        const redacted = redactedLines[first - 1 + i] ?? line;
        // Keep the request's own line endings.
        return line.endsWith('\r') || !redacted.endsWith('\r') ? redacted : redacted.slice(0, -1);
      });
      const redactions = whole.redactions.filter((r) => r.line <= last && (r.endLine ?? r.line) >= first);
      return { lines, redactions };
    }
  }
  const own = await redactText(window.join('\n'), first);
  return { lines: own.text.split('\n'), redactions: own.redactions };
}

export async function redactForSending(request: ReviewRequest, options: RedactForSendingOptions = {}): Promise<RedactedRequest> {
  const t = request.target;
  const { lines, redactions } = await redactTargetLines(request, options.fileText);
  const before = splitLines(t.contextBefore).length;
  const codeLines = t.code.split('\n').length;
  const target = {
    ...t,
    contextBefore: lines.slice(0, before).join('\n'),
    code: lines.slice(before, before + codeLines).join('\n'),
    contextAfter: lines.slice(before + codeLines).join('\n'),
  };

  const all: Redaction[] = [...redactions];
  const where = async (text: string, label: string): Promise<string> => {
    const r = await redactText(text);
    all.push(...r.redactions.map((x) => ({ ...x, where: label })));
    return r.text;
  };
  const instruction = request.instruction === undefined ? undefined : await where(request.instruction, 'instruction');
  if (target.type === 'diagnostics') {
    target.diagnostics = await Promise.all(target.diagnostics.map(async (d) => ({ ...d, message: await where(d.message, 'diagnostics') })));
  }
  const pieces: SendPiece[] = [];
  for (const piece of options.pieces ?? []) pieces.push({ label: piece.label, text: await where(piece.text, piece.label) });

  const redacted: ReviewRequest = { ...request, target, ...(instruction === undefined ? {} : { instruction }) };
  return { request: redacted, pieces, redactions: all, notice: describeRedactions(all) };
}

const LABELS: Record<string, string> = {
  'private-key': 'private key',
  'aws-access-key': 'AWS access key',
  'aws-secret-key': 'AWS secret key',
  'aws-account-id': 'AWS account id',
  'github-token': 'GitHub token',
  'gitlab-token': 'GitLab token',
  'anthropic-key': 'Anthropic API key',
  'openai-key': 'OpenAI API key',
  'stripe-key': 'Stripe key',
  'sendgrid-key': 'SendGrid key',
  'slack-token': 'Slack token',
  'slack-webhook': 'Slack webhook',
  'google-api-key': 'Google API key',
  'npm-token': 'npm token',
  'django-secret-key': 'Django secret key',
  'azure-client-secret': 'Azure client secret',
  'azure-storage-key': 'Azure storage key',
  'azure-sas-signature': 'Azure SAS signature',
  'auth-header': 'authorization header',
  'connection-string-password': 'connection string password',
  jwt: 'JSON Web Token',
  'url-password': 'password in a URL',
  password: 'password',
  secret: 'secret',
};

function describeOne(r: Redaction): string {
  const label = LABELS[r.kind] ?? r.kind;
  if (r.where !== undefined) return `${label} (in the ${r.where})`;
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
