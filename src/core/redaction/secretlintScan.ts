// secretlint's recommended preset, the maintained rule set of the JavaScript ecosystem, run
// in-process (@secretlint/core, no native code; esbuild bundles it). Its rules are used one
// by one rather than as the preset so that `filter-comments` is left out: a
// `secretlint-disable` comment in a file must not be able to switch redaction off.
import { lintSource } from '@secretlint/core';
import { rules as recommendedRules } from '@secretlint/secretlint-rule-preset-recommend';
import type { SecretLintCoreConfig } from '@secretlint/types';
import type { SecretSpan } from './spans';

const FILTER_COMMENTS = '@secretlint/secretlint-rule-filter-comments';

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

/** The spans secretlint reports, as offsets into `text`. */
export async function secretlintSpans(text: string): Promise<SecretSpan[]> {
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
    // around the report: from the start of its first line to the end of its last.
    const from = text.lastIndexOf('\n', start - 1) + 1;
    const lineEnd = text.indexOf('\n', Math.max(end, start + 1));
    const to = lineEnd === -1 ? text.length : lineEnd;
    for (const value of Object.values(message.data ?? {})) {
      if (typeof value !== 'string' || value.length < 6) continue;
      for (let at = text.indexOf(value, from); at !== -1 && at + value.length <= to; at = text.indexOf(value, at + value.length)) {
        found.push({ start: at, end: at + value.length, kind });
      }
    }
    // A range that holds none of the secrets found is the misreported kind: the secrets stand for it.
    const rangeHoldsSecret = found.length === 0 || found.some((f) => f.start >= start && f.end <= end);
    if (end > start && rangeHoldsSecret) spans.push({ start, end, kind });
    spans.push(...found);
  }
  return spans;
}
