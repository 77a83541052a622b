// Our own single-line secret patterns, for what secretlint's recommended preset does not cover:
// Stripe, SendGrid, JWTs (also unsigned `alg: none` ones), Azure, HTTP auth headers, URL and
// connection-string passwords, and generic `name = value` assignments in code, `.env`, YAML,
// INI and XML. gitleaks' rules (cmd/generate/config/rules) were the reference for the shapes.
//
// Every pattern runs over the whole text and must stay linear: no unbounded quantifier may
// follow another one that can match the same characters, and identifier runs around a
// sensitive word are bounded ({0,40}), so a 10 MB line of letters cannot make them quadratic.
import type { SecretSpan } from './spans';

interface OwnRule {
  kind: string;
  regex: RegExp;
  /** Capture group holding the secret (0: the whole match). */
  group: number;
  /** Extra check on the secret, to rule out look-alikes in ordinary code. */
  accept?: (secret: string, match: RegExpExecArray) => boolean;
  /** The kind from the match, when the rule covers several (a generic assignment's name). */
  kindOf?: (match: RegExpExecArray) => string;
}

/** A generic assignment's kind from the sensitive word in its name. */
function kindFromName(match: RegExpExecArray): string {
  const lower = match[0].toLowerCase();
  if (/passw|pwd|passphrase/.test(lower)) return 'password';
  if (/api_?key|apikey/.test(lower)) return 'api-key';
  if (/token/.test(lower)) return 'token';
  return 'secret';
}

/** Names that hold a reference to a secret (its name, id, path, length), not the secret. */
const REFERENCE_NAME = /^[_.-]?(?:name|type|id|ids|arn|path|file|filename|url|uri|field|label|prefix|header|env|var|ref|length|len|count|ttl|expiry|expires|endpoint|provider|kind|format|mode|manager|store|hint|placeholder|pattern|regex|key_?name|lookup)(?![A-Za-z])/i;

function nameTailIsReference(match: RegExpExecArray): boolean {
  const word = /passw(?:or)?d|pwd|passphrase|secret|token|api_?key|apikey|access_?key|private_?key|key_?base|signing_?key|encryption_?key|credentials?|auth_?key/i.exec(match[0]);
  if (!word) return false;
  return REFERENCE_NAME.test(match[0].slice(word.index + word[0].length));
}

function hasLetter(s: string): boolean {
  return /[A-Za-z]/.test(s);
}

function hasDigit(s: string): boolean {
  return /[0-9]/.test(s);
}

/** Shannon entropy in bits per character. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Templates, placeholders and references that stand for a secret without being one. */
function isPlaceholder(value: string): boolean {
  if (/\$\{|\{\{|%\(|^\$\(|^<.*>$|^%s$|^\[.*\]$|^\{.*\}$/.test(value)) return true;
  if (/^(.)\1*$/.test(value)) return true; // "********", "xxxxxxxx"
  if (/^(?:your|my|the|some|example|sample|dummy|fake|test|changeme|change_me|placeholder|redacted|secret|password|passwd|token|none|null|undefined|true|false)(?:[-_]|$)/i.test(value) && !hasDigit(value)) return true;
  if (/^(?:x{3,}|\*{3,}|\.{3,})/i.test(value)) return true;
  return false;
}

/** A generic assigned value is a secret only if it looks random or password-like, not like a word, a path or code. */
function looksLikeSecretValue(value: string): boolean {
  if (isPlaceholder(value)) return false;
  if (/^\$[A-Za-z_]/.test(value)) return false; // $ENV_VAR
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value)) return false; // process.env.API_KEY_2
  if (/^[a-z]+:\/\//i.test(value) || /^urn:/i.test(value)) return false; // a URL (its password, if any, is the URL rule's) or a URN
  if (/^\.{0,2}\/[\w./-]*$/.test(value) || /^[a-z0-9._-]+(?:\/[a-z0-9._-]+)+$/.test(value)) return false; // a path
  if (/[(\[{]/.test(value)) return false; // code
  if (/^[a-z]+(?:[-_][a-z]+)*(?:[-_]v?\d{1,4})*$/i.test(value) && !/[A-Z].*[a-z]|[a-z].*[A-Z]/.test(value.replace(/^[A-Z]/, ''))) return false; // words-and-a-version
  const special = /[^A-Za-z0-9\-_./]/.test(value);
  return hasLetter(value) && (hasDigit(value) || special);
}

/** Stricter for names that are not passwords: long and random-looking (gitleaks uses entropy too). */
function looksLikeKeyValue(value: string): boolean {
  return value.length >= 8 && looksLikeSecretValue(value) && entropy(value) >= 3;
}

const URL_PASSWORD_STOP = /[{}<>]|%s|%\(|^\*+$|^\$\{/;

// Sensitive words in a name. `pass` alone is too common in code ("pass" in Python).
const PASSWORD_WORD = String.raw`(?:passw(?:or)?d|pwd|passphrase)`;
const KEY_WORD = String.raw`(?:secret|token|api_?key|apikey|access_?key|private_?key|key_?base|signing_?key|encryption_?key|credential|auth_?key)`;
const NAME_TAIL = String.raw`[A-Za-z0-9_.-]{0,40}`;
const ASSIGN = String.raw`["'\]]{0,3}[ \t]*(?::=|=>|==?=?|!==?|:)[ \t]*`;

function generic(kindOf: 'password' | 'key'): (secret: string, match: RegExpExecArray) => boolean {
  const value = kindOf === 'password' ? (v: string) => v.length >= 6 && looksLikeSecretValue(v) : looksLikeKeyValue;
  return (v, m) => value(v) && !nameTailIsReference(m);
}

export const OWN_RULES: readonly OwnRule[] = [
  { kind: 'aws-access-key', regex: /\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g, group: 0 },
  {
    kind: 'aws-secret-key',
    regex: /(aws_?secret_?(?:access_?)?key|secret_?access_?key)(["']?[ \t]*(?::=|=>|[:=])[ \t]*["']?)([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
    group: 3,
  },
  { kind: 'github-token', regex: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g, group: 0 },
  { kind: 'gitlab-token', regex: /\bglpat-[A-Za-z0-9_-]{20,}/g, group: 0 },
  { kind: 'anthropic-key', regex: /\bsk-ant-[A-Za-z0-9_-]{20,}/g, group: 0 },
  {
    kind: 'openai-key',
    regex: /\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g,
    group: 0,
    accept: (s) => hasDigit(s.slice(3)) && hasLetter(s.slice(3)),
  },
  { kind: 'stripe-key', regex: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,247}\b/g, group: 0 },
  { kind: 'stripe-key', regex: /\bwhsec_[A-Za-z0-9+/=]{20,}/g, group: 0 },
  { kind: 'sendgrid-key', regex: /SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}/g, group: 0 },
  { kind: 'slack-token', regex: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, group: 0, accept: (s) => hasDigit(s) },
  { kind: 'slack-webhook', regex: /https:\/\/hooks\.slack\.com\/(?:services|workflows)\/[A-Za-z0-9_/]{20,}/g, group: 0 },
  { kind: 'google-api-key', regex: /AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, group: 0 },
  { kind: 'npm-token', regex: /\bnpm_[A-Za-z0-9]{36}\b/g, group: 0 },
  { kind: 'django-secret-key', regex: /["'](django-insecure-[^"'\n]{1,250})["']/g, group: 1 },
  // Signed and unsigned (`alg: none`, empty signature) JSON Web Tokens.
  { kind: 'jwt', regex: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.(?:[A-Za-z0-9_+/-]{4,}={0,2})?/g, group: 0 },
  {
    kind: 'azure-client-secret',
    regex: /(?:^|[\\'"`\s>=:(,)])([A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?=$|[\\'"`\s<),])/gm,
    group: 1,
    accept: (s) => entropy(s) >= 3,
  },
  { kind: 'azure-storage-key', regex: /\b(?:AccountKey|SharedAccessKey)[ \t]*=[ \t]*([A-Za-z0-9+/]{20,}={0,2})/gi, group: 1 },
  { kind: 'azure-sas-signature', regex: /[?&]sig=([A-Za-z0-9%+/]{20,}={0,2})/g, group: 1 },
  // `Authorization: Bearer …`, `Basic …`, `Token …` in headers, curl commands and code.
  {
    kind: 'auth-header',
    regex: /\b(?:Bearer|Basic|Token|Api-Token|Digest)[ \t]+([A-Za-z0-9+/=_.~-]{8,})/g,
    group: 1,
    accept: (s) => !isPlaceholder(s) && (hasDigit(s) || (s.length >= 16 && /[A-Z]/.test(s) && /[a-z]/.test(s))) && entropy(s) >= 2.5,
  },
  {
    kind: 'auth-header',
    regex: /\b(?:Authorization|X-[A-Za-z-]{0,30}(?:Api-?Key|Token)|Api-?Key|Api-Token|X-Auth-Token)["']?[ \t]*:[ \t]*["']?([A-Za-z0-9+/=_.~@-]{8,})/gi,
    group: 1,
    accept: (s) => looksLikeKeyValue(s),
  },
  // curl -u user:password / --user 'user:password'
  {
    kind: 'password',
    regex: /(?:^|[ \t])(?:-u|--user)(?:=|[ \t]{1,5})["']?([^\s"':]{0,100}:[^\s"']{3,200})/gm,
    group: 1,
    accept: (s) => {
      const password = s.slice(s.indexOf(':') + 1);
      return !isPlaceholder(password) && !/^\$|\$\{|^\*+$/.test(password) && !/^(?:pass(?:word)?|pwd|test|token|changeme|changeit)$/i.test(password);
    },
  },
  // scheme://user:password@host, also with an empty user or a password starting with `$`.
  {
    kind: 'url-password',
    regex: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@'"`]{0,100}:([^\s/@'"`]{1,200})@[^\s@'"`]/gi,
    group: 1,
    accept: (s) => !URL_PASSWORD_STOP.test(s) && s.toLowerCase() !== 'password',
  },
  // Connection strings (ADO.NET, JDBC, ODBC): `Password=…;`, `;pwd=…;`. Ended by `;` it is one
  // even when the value reads like a word; otherwise (query strings, JDBC properties, kwargs)
  // the value has to look like a password.
  {
    kind: 'connection-string-password',
    regex: /(?:^|[;?&(,\s"'])(?:password|passwd|pwd|user[ _]?password)=([^;&)'"\s,]{3,200});/gim,
    group: 1,
    accept: (s) => !isPlaceholder(s) && !/^\$|[(\[{]/.test(s) && !/^(?:your|my)_?pass/i.test(s),
  },
  {
    kind: 'connection-string-password',
    regex: /(?:^|[;?&(,"'])(?:password|passwd|pwd|user[ _]?password)=([^;&)'"\s,]{3,200})(?=$|[&)'"\s,])/gim,
    group: 1,
    accept: (s) => s.length >= 6 && looksLikeSecretValue(s),
  },
  // XML: <password>…</password>, <apiKey>…</apiKey>
  {
    kind: 'password',
    regex: new RegExp(String.raw`<([A-Za-z_:-]{0,30}(?:${PASSWORD_WORD}|${KEY_WORD})[A-Za-z_:-]{0,30})>([^<\s]{6,300})</\1>`, 'gi'),
    group: 2,
    accept: looksLikeSecretValue,
  },
  // `password = "hunter2x"`, `"api_key": 'a1b2…'`, `SECRET_KEY_BASE := "…"`: a sensitive word in
  // a name, an assignment, and a quoted value without spaces.
  {
    kind: 'password',
    regex: new RegExp(String.raw`${PASSWORD_WORD}${NAME_TAIL}${ASSIGN}(["'\`])([^"'\`\s\\]{4,300})\1`, 'gi'),
    group: 2,
    accept: generic('password'),
    kindOf: kindFromName,
  },
  {
    kind: 'secret',
    regex: new RegExp(String.raw`${KEY_WORD}${NAME_TAIL}${ASSIGN}(["'\`])([^"'\`\s\\]{8,300})\1`, 'gi'),
    group: 2,
    accept: generic('key'),
    kindOf: kindFromName,
  },
  // .env / YAML / INI / properties lines: `DB_PASSWORD=s3cr3tP4ss`, `secret_key_base: 9f8e…`.
  // The value fills the rest of the line and holds no code characters (parentheses, `;`).
  {
    kind: 'password',
    regex: new RegExp(String.raw`^[ \t]*(?:export[ \t]+|set[ \t]+|-[ \t]+)?[A-Za-z0-9_.-]{0,40}${PASSWORD_WORD}${NAME_TAIL}[ \t]*[:=][ \t]*([A-Za-z0-9+/=_.!@#$%^&*~?-]{6,300})[ \t]*(?:#.*)?$`, 'gim'),
    group: 1,
    accept: generic('password'),
  },
  {
    kind: 'secret',
    regex: new RegExp(String.raw`^[ \t]*(?:export[ \t]+|set[ \t]+|-[ \t]+)?[A-Za-z0-9_.-]{0,40}${KEY_WORD}${NAME_TAIL}[ \t]*[:=][ \t]*([A-Za-z0-9+/=_.!@#$%^&*~?-]{8,300})[ \t]*(?:#.*)?$`, 'gim'),
    group: 1,
    accept: generic('key'),
    kindOf: kindFromName,
  },
  // Unquoted mid-line (prose, logs, shell): `… used pwd: Tz9@q2Lm!8Rx…`. Stricter: letters, digits, entropy.
  {
    kind: 'password',
    regex: new RegExp(String.raw`${PASSWORD_WORD}${NAME_TAIL}[ \t]*[:=][ \t]*([^\s'"\x60,;(){}\[\]<>]{8,200})`, 'gi'),
    group: 1,
    accept: (v, m) => hasDigit(v) && entropy(v) >= 3 && looksLikeSecretValue(v) && !nameTailIsReference(m),
  },
  // Shell: `PGPASSWORD=strongp@ss psql …`, `--password=…` on a command line.
  {
    kind: 'password',
    regex: new RegExp(String.raw`(?:^|[\s;])(?:--?|[A-Z_]{0,30})${PASSWORD_WORD}=([^\s'"&;,()]{4,200})`, 'gim'),
    group: 1,
    accept: generic('password'),
  },
];

/** Runs every own rule over the text; spans are offsets into it. */
export function ownRuleSpans(text: string): SecretSpan[] {
  const spans: SecretSpan[] = [];
  for (const rule of OWN_RULES) {
    // `d`: exact offsets of the secret's capture group.
    const regex = new RegExp(rule.regex.source, `${rule.regex.flags}d`);
    for (let m = regex.exec(text); m; m = regex.exec(text)) {
      if (m[0].length === 0) {
        regex.lastIndex++;
        continue;
      }
      const secret = rule.group === 0 ? m[0] : m[rule.group];
      if (!secret || secret.includes('[REDACTED:')) continue;
      if (rule.accept && !rule.accept(secret, m)) continue;
      const at = m.indices?.[rule.group];
      if (!at) continue;
      spans.push({ start: at[0], end: at[1], kind: rule.kindOf ? rule.kindOf(m) : rule.kind });
    }
  }
  return spans;
}
