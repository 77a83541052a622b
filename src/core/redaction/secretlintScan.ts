// secretlint's recommended preset, the maintained rule set of the JavaScript ecosystem, run
// in-process (@secretlint/core, no native code; esbuild bundles it). Its rules are used one
// by one rather than as the preset so that `filter-comments` is left out: a
// `secretlint-disable` comment in a file must not be able to switch redaction off.
import { lintSource } from '@secretlint/core';
import { rules as recommendedRules } from '@secretlint/secretlint-rule-preset-recommend';
import type { SecretLintCoreConfig } from '@secretlint/types';
import type { SecretSpan } from './spans';

const FILTER_COMMENTS = '@secretlint/secretlint-rule-filter-comments';

/**
 * secretlint's profiler writes a performance mark (`@core>…`) per rule and per call into the
 * process-wide timeline, and nothing clears them: in a long-lived extension host that is a leak
 * growing with every review. Its instance is private to @secretlint/core (and npm may nest its
 * package), so the marks are dropped where they are written: `performance.mark` ignores names
 * in secretlint's `@core>` namespace and passes every other mark through.
 */
const SILENCED = Symbol.for('deep-review.secretlint-marks-silenced');
function silenceSecretlintMarks(): void {
  const perf = globalThis.performance as Performance & { [SILENCED]?: true };
  if (perf[SILENCED]) return;
  const mark = perf.mark.bind(perf);
  perf.mark = ((name: string, options?: PerformanceMarkOptions) => (name.startsWith('@core>') ? undefined : mark(name, options))) as typeof perf.mark;
  perf[SILENCED] = true;
}
silenceSecretlintMarks();

const CONFIG: SecretLintCoreConfig = {
  rules: recommendedRules.filter((rule) => rule.meta.id !== FILTER_COMMENTS).map((rule) => ({ id: rule.meta.id, rule })),
};

/** Our kind ids for secretlint's rules (and, for AWS, its message ids). */
const KINDS: Record<string, string> = {
  AWSAccessKeyID: 'aws-access-key',
  AWSSecretAccessKey: 'aws-secret-key',
  AWSAccountID: 'aws-account-id',
  github: 'github-token',
  privatekey: 'private-key',
  gcp: 'private-key',
  'database-connection-string': 'connection-string-password',
  basicauth: 'url-password',
  slack: 'slack-token',
  sendgrid: 'sendgrid-key',
  openai: 'openai-key',
  anthropic: 'anthropic-key',
  npm: 'npm-token',
  shopify: 'shopify-token',
  linear: 'linear-key',
  '1password': '1password-token',
  azure: 'azure-secret',
};

function kindOf(ruleId: string, messageId: string): string {
  const short = ruleId.replace(/^@secretlint\/secretlint-rule-/, '');
  return KINDS[messageId] ?? KINDS[short] ?? short;
}

/**
 * secretlint 11.7.1 removes duplicate reports with a scan of all later reports per report
 * (quadratic in the number of findings: 2 MB of dense secrets took 3 s), so the text is
 * linted in chunks of bounded size. Chunks end at a line break when there is one near, and
 * each starts OVERLAP characters before the previous one ended, so a secret that straddles a
 * boundary is whole in one of them; duplicates are merged later.
 */
/** 128 KB measured fastest on dense secrets (2 MB: 8 KB 536 ms, 32 KB 321 ms, 128 KB 111 ms, 512 KB 299 ms). */
const CHUNK = 128 * 1024;
const OVERLAP = 4 * 1024;
/** How far around a report the secret it names is looked for. */
const NEAR = 4 * 1024;

function chunkBounds(text: string): [number, number][] {
  const bounds: [number, number][] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + CHUNK);
    if (end < text.length) {
      // Searches are bounded, so a 10 MB line costs no more than a 10 MB file of short lines.
      const lineEnd = text.slice(end, start + 2 * CHUNK).indexOf('\n');
      if (lineEnd !== -1) end += lineEnd + 1;
    }
    bounds.push([start, end]);
    if (end >= text.length) break;
    // Back up by OVERLAP, to the start of a line if there is one close before.
    const back = end - OVERLAP;
    const newline = text.slice(back - OVERLAP, back).lastIndexOf('\n');
    start = Math.max(start + 1, newline === -1 ? back : back - OVERLAP + newline + 1);
  }
  return bounds;
}

/** The spans secretlint reports, as offsets into `text`. */
export async function secretlintSpans(text: string): Promise<SecretSpan[]> {
  const spans: SecretSpan[] = [];
  for (const [start, end] of chunkBounds(text)) {
    for (const span of await lintChunk(text.slice(start, end))) spans.push({ ...span, start: span.start + start, end: span.end + start });
  }
  return spans;
}

async function lintChunk(text: string): Promise<SecretSpan[]> {
  const result = await lintSource({
    source: { content: text, filePath: 'deep-review-redaction.txt', ext: '.txt', contentType: 'text' },
    // Unmasked: the secret in the message data is used below; the messages never leave here.
    options: { config: CONFIG, noPhysicFilePath: true, maskSecrets: false },
  });
  const spans: SecretSpan[] = [];
  for (const message of result.messages) {
    const kind = kindOf(message.ruleId, message.messageId);
    const [start, end] = message.range;
    const found: SecretSpan[] = [];
    // Reported ranges are not always the secret's (11.7.1's AWS secret access key rule reports
    // the match's start with the key's length), so the secret itself is also looked for
    // around the report: on its lines, at most NEAR characters either side (a search per report
    // over a whole 128 KB line would be quadratic).
    const windowStart = Math.max(0, start - NEAR);
    const from = windowStart + text.slice(windowStart, start).lastIndexOf('\n') + 1;
    const windowEnd = Math.min(text.length, Math.max(end, start + 1) + NEAR);
    const lineEnd = text.slice(Math.max(end, start + 1), windowEnd).indexOf('\n');
    const to = lineEnd === -1 ? windowEnd : Math.max(end, start + 1) + lineEnd;
    const around = text.slice(from, to);
    for (const value of Object.values(message.data ?? {})) {
      if (typeof value !== 'string' || value.length < 6) continue;
      for (let at = around.indexOf(value); at !== -1; at = around.indexOf(value, at + value.length)) {
        found.push({ start: from + at, end: from + at + value.length, kind });
      }
    }
    // A range that holds none of the secrets found is the misreported kind: the secrets stand for it.
    const rangeHoldsSecret = found.length === 0 || found.some((f) => f.start >= start && f.end <= end);
    if (end > start && rangeHoldsSecret) spans.push({ start, end, kind });
    spans.push(...found);
  }
  return spans;
}
