import * as assert from 'node:assert/strict';
import type { ReviewRequest } from '../../../src/core/requests/request';
import { describeRedactions, redactForSending, redactText } from '../../../src/core/redaction/secretRedaction';

async function redactSecrets(code: string, firstLine = 1): Promise<{ code: string; redactions: { kind: string; line: number; endLine?: number }[] }> {
  const r = await redactText(code, firstLine);
  return { code: r.text, redactions: r.redactions };
}

// Fake credentials with the real shapes, assembled at run time so this file holds no
// string that secret scanners would flag.
const AWS_KEY_ID = ['AKIA', 'Z7QW3RT5YU8IO2PA'].join('');
const AWS_SECRET = ['wJalrXUtnFEMI', 'K7MDENGbPxRfiCY', 'q9Zs2Lk4Vb'].join('/');
const GITHUB_TOKEN = ['ghp', 'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5'].join('_');
const GITHUB_PAT = ['github', 'pat', '11ABCDEFG0123456789abc_xyzXYZ0123456789'].join('_');
const OPENAI_KEY = ['sk', 'proj', 'Ab3De5Fg7Hj9Kl1Mn3Pq5Rs7Tu9Vw1Xy3'].join('-');
const ANTHROPIC_KEY = ['sk', 'ant', 'api03', 'Zx9Cv8Bn7Mq6Wr5Et4Yu3Io2Pa1SdFgHjKl'].join('-');
const SLACK_TOKEN = ['xoxb', '123456789012', '1234567890123', 'AbCdEfGhIjKlMnOpQrStUvWx'].join('-');
const GOOGLE_KEY = ['AIza', 'SyD3f5G7h9J1k3L5m7N9p1Q3r5S7t9V1w3X'].join('');
const JWT = ['eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ', 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'].join('.');
const KEY_BODY = ['MIIEowIBAAKCAQEA7kQ3b9Xy2Lw8Zp4Vt6Rn1Hs5Jd0Fg3Kc7Mb2Nq9Pw4', 'Ue8Yr1Ti5Oa3Sd7Fh2Gj6Kl0Zx4Cv8Bn1Mq5We9Rt3Yu7Io2Pa6Sd0Fg4Hj8K', 'c1Lz5Xv9Bn3Mq7We1Rt5Yu9Io3Pa7Sd1Fg5Hj9Kl3Zx7Cv1Bn5Mq9We3Rt7Y'];
const PEM_HEADER = ['-----BEGIN', 'RSA PRIVATE', 'KEY-----'].join(' ');
const PEM_FOOTER = ['-----END', 'RSA PRIVATE', 'KEY-----'].join(' ');

function lineCount(text: string): number {
  return text.split('\n').length;
}

describe('secretRedaction', async () => {
  const singleLine: { name: string; code: string; redacted: string; kind: string }[] = [
    { name: 'an AWS access key id', code: `const id = "${AWS_KEY_ID}";`, redacted: 'const id = "[REDACTED:aws-access-key]";', kind: 'aws-access-key' },
    { name: 'an AWS secret key', code: `aws_secret_access_key = ${AWS_SECRET}`, redacted: 'aws_secret_access_key = [REDACTED:aws-secret-key]', kind: 'aws-secret-key' },
    { name: 'an AWS secret key in camel case', code: `awsSecretAccessKey: '${AWS_SECRET}',`, redacted: "awsSecretAccessKey: '[REDACTED:aws-secret-key]',", kind: 'aws-secret-key' },
    { name: 'a GitHub token', code: `git clone https://${GITHUB_TOKEN}@github.com/o/r`, redacted: 'git clone https://[REDACTED:github-token]@github.com/o/r', kind: 'github-token' },
    { name: 'a fine-grained GitHub token', code: `token=${GITHUB_PAT}`, redacted: 'token=[REDACTED:github-token]', kind: 'github-token' },
    { name: 'an OpenAI key', code: `client = OpenAI(api_key="${OPENAI_KEY}")`, redacted: 'client = OpenAI(api_key="[REDACTED:openai-key]")', kind: 'openai-key' },
    { name: 'an Anthropic key', code: `ANTHROPIC_API_KEY=${ANTHROPIC_KEY}`, redacted: 'ANTHROPIC_API_KEY=[REDACTED:anthropic-key]', kind: 'anthropic-key' },
    { name: 'a Slack token', code: `slack.auth("${SLACK_TOKEN}")`, redacted: 'slack.auth("[REDACTED:slack-token]")', kind: 'slack-token' },
    { name: 'a Google API key', code: `const url = \`https://maps.googleapis.com/?key=${GOOGLE_KEY}\`;`, redacted: 'const url = `https://maps.googleapis.com/?key=[REDACTED:google-api-key]`;', kind: 'google-api-key' },
    { name: 'a JWT', code: `Authorization: Bearer ${JWT}`, redacted: 'Authorization: Bearer [REDACTED:jwt]', kind: 'jwt' },
    { name: 'a password assignment', code: 'db_password = "Tr0ub4dor&3x"', redacted: 'db_password = "[REDACTED:password]"', kind: 'password' },
    { name: 'a JSON api key', code: '  "api_key": \'a1b2c3d4e5f6g7h8\',', redacted: '  "api_key": \'[REDACTED:api-key]\',', kind: 'api-key' },
    { name: 'a Go secret', code: 'clientSecret := "9f8e7d6c5b4a39281706"', redacted: 'clientSecret := "[REDACTED:secret]"', kind: 'secret' },
    { name: 'a .env password', code: 'export DB_PASSWORD=s3cr3tP4ssw0rd', redacted: 'export DB_PASSWORD=[REDACTED:password]', kind: 'password' },
    { name: 'a YAML token', code: '  auth_token: 7d9f8a6b5c4e3d2f  # rotate monthly', redacted: '  auth_token: [REDACTED:token]  # rotate monthly', kind: 'token' },
    { name: 'a password in a URL', code: 'DATABASE_URL = "postgres://app:hunter22@db:5432/app"', redacted: 'DATABASE_URL = "postgres://app:[REDACTED:url-password]@db:5432/app"', kind: 'url-password' },
  ];
  for (const c of singleLine) {
    it(`redacts ${c.name}`, async () => {
      const { code, redactions } = await redactSecrets(c.code, 7);
      assert.equal(code, c.redacted);
      assert.deepEqual(redactions, [{ kind: c.kind, line: 7 }]);
    });
  }

  it('redacts a private key block, keeping its line count and the code around it', async () => {
    const code = ['import x from "y";', 'const key = `' + PEM_HEADER, ...KEY_BODY, PEM_FOOTER + '`;', 'sign(key);'].join('\n');
    const result = await redactSecrets(code, 40);
    const R = '[REDACTED:private-key]';
    // Every line of the block carries the placeholder, so no fix can be applied over a key line.
    assert.equal(result.code, ['import x from "y";', `const key = \`${R}`, R, R, R, `${R}\`;`, 'sign(key);'].join('\n'));
    assert.equal(lineCount(result.code), lineCount(code));
    assert.deepEqual(result.redactions, [{ kind: 'private-key', line: 41, endLine: 45 }]);
  });

  it('redacts a private key written on one line with escaped newlines', async () => {
    const code = `const pem = "${PEM_HEADER}\\n${KEY_BODY.join('\\n')}\\n${PEM_FOOTER}\\n";`;
    assert.deepEqual(await redactSecrets(code), { code: 'const pem = "[REDACTED:private-key]\\n";', redactions: [{ kind: 'private-key', line: 1 }] });
  });

  it('redacts a private key cut off by the selection (no END line)', async () => {
    const code = [PEM_HEADER, ...KEY_BODY.slice(0, 2)].join('\n');
    assert.deepEqual(await redactSecrets(code, 3), { code: '[REDACTED:private-key]\n[REDACTED:private-key]\n[REDACTED:private-key]', redactions: [{ kind: 'private-key', line: 3, endLine: 5 }] });
  });

  it('redacts the end of a private key whose BEGIN line is outside the code', async () => {
    const code = ['  ' + KEY_BODY[1], '  ' + KEY_BODY[2], PEM_FOOTER, 'done();'].join('\n');
    assert.deepEqual(await redactSecrets(code, 20), { code: '[REDACTED:private-key]\n[REDACTED:private-key]\n[REDACTED:private-key]\ndone();', redactions: [{ kind: 'private-key', line: 20, endLine: 22 }] });
  });

  it('leaves code that only mentions PEM headers alone', async () => {
    const code = [`if (pem.startsWith('${PEM_HEADER}')) {`, `  return pem.includes('${PEM_FOOTER}');`, '}'].join('\n');
    assert.deepEqual(await redactSecrets(code), { code, redactions: [] });
  });

  it('reports each secret on its own file line, in order', async () => {
    const code = ['// config', `const a = "${AWS_KEY_ID}";`, 'const b = 1;', `const c = "${GITHUB_TOKEN}", d = "${GOOGLE_KEY}";`].join('\n');
    const result = await redactSecrets(code, 10);
    assert.deepEqual(result.redactions, [
      { kind: 'aws-access-key', line: 11 },
      { kind: 'github-token', line: 13 },
      { kind: 'google-api-key', line: 13 },
    ]);
    assert.equal(lineCount(result.code), 4);
  });

  it('redacts a key assigned to a sensitive name only once', async () => {
    const result = await redactSecrets(`OPENAI_API_KEY = "${OPENAI_KEY}"`);
    assert.deepEqual(result, { code: 'OPENAI_API_KEY = "[REDACTED:openai-key]"', redactions: [{ kind: 'openai-key', line: 1 }] });
  });

  describe('leaves ordinary code untouched', () => {
    const ordinary: Record<string, string> = {
      typescript: [
        'import { createHash } from "node:crypto";',
        'export interface Credentials { username: string; password: string; apiKey?: string }',
        'const PASSWORD_MIN_LENGTH = 12;',
        'const passwordField = document.querySelector<HTMLInputElement>("#password-input");',
        'const token = await getToken(user);',
        'const apiKey = process.env.OPENAI_API_KEY_V2;',
        'const config = { apiKey: process.env.API_KEY, password: readPassword() };',
        'if (password === confirmPassword) submit();',
        'const secretName = "prod/db/credentials-v2";',
        'const task = "risk-assessment-module-v2-final-2024";',
        'const hash = createHash("sha256").update(password).digest("hex");',
        "const msg = { password: 'Please enter your password' };",
        'const url = `https://api.example.com/v1/users/${id}?page=${page}`;',
        'export const ROUTES = { login: "/auth/login", reset: "/auth/password-reset" };',
      ].join('\n'),
      python: [
        'import os',
        'password = os.environ["DB_PASSWORD"]',
        'api_key = os.getenv("API_KEY")',
        'token = "${TOKEN}"',
        'secret = "********"',
        'tokens = tokenizer.encode("hello world")',
        'DEFAULT_PASSWORD_PROMPT = "Password: "',
        'url = f"postgres://{user}:{password}@{host}/db"',
      ].join('\n'),
      yaml: ['steps:', '  - run: npm test', '    env:', '      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}', '      password: changeme', '      api_key: your-api-key-here'].join('\n'),
      css: ['.mask-image-gradient-2024 { mask-image: linear-gradient(black, transparent); }', '.task-list-item-checkbox-v2 { margin: 0; }'].join('\n'),
      hashes: ['const sha = "9c56cc51b374c3ba189210d5b6d4bf57790d351c96c47c02190ecf1e430635ab";', 'const uuid = "123e4567-e89b-12d3-a456-426614174000";'].join('\n'),
    };
    for (const [name, code] of Object.entries(ordinary)) {
      it(name, async () => {
        assert.deepEqual(await redactSecrets(code), { code, redactions: [] });
      });
    }
  });

  it('cannot be switched off by a secretlint-disable comment in the file', async () => {
    const code = `// secretlint-disable\nconst token = "${GITHUB_TOKEN}";\n// secretlint-enable`;
    const { code: out } = await redactSecrets(code);
    assert.doesNotMatch(out, new RegExp(GITHUB_TOKEN));
  });

  it('leaves no performance marks behind (secretlint profiles every call)', async () => {
    for (let i = 0; i < 20; i++) await redactText(`const id = "${AWS_KEY_ID}";`);
    assert.deepEqual(performance.getEntriesByType('mark').filter((m) => m.name.startsWith('@core>')), []);
  });

  describe('redactForSending', () => {
    const file = ['const a = 1;', 'const key = `' + PEM_HEADER, ...KEY_BODY, PEM_FOOTER + '`;', 'sign(key);'].join('\n');
    const lines = file.split('\n');
    function selection(start: number, end: number, context: number): ReviewRequest {
      return {
        kind: 'review',
        target: {
          type: 'selection',
          filePath: 'src/sign.ts',
          languageId: 'typescript',
          startLine: start,
          endLine: end,
          code: lines.slice(start - 1, end).join('\n'),
          contextBefore: lines.slice(Math.max(0, start - 1 - context), start - 1).join('\n'),
          contextAfter: lines.slice(end, end + context).join('\n'),
        },
        options: {},
      };
    }

    it('redacts a selection inside a PEM block, even with no context around it', async () => {
      // Line 4 alone is a base64 line: only the whole file shows it is part of a key.
      const { request, redactions, notice } = await redactForSending(selection(4, 4, 0), { fileText: file });
      assert.equal(request.target.code, '[REDACTED:private-key]');
      assert.deepEqual(redactions, [{ kind: 'private-key', line: 2, endLine: 6 }]);
      assert.match(notice, /private key \(lines 2–6\)/);
    });

    it('keeps line counts and slices context and target from the redacted file', async () => {
      const { request } = await redactForSending(selection(3, 4, 2), { fileText: file });
      const t = request.target;
      assert.equal(t.contextBefore, 'const a = 1;\nconst key = `[REDACTED:private-key]');
      assert.equal(t.code, '[REDACTED:private-key]\n[REDACTED:private-key]');
      assert.equal(t.contextAfter, '[REDACTED:private-key]\n[REDACTED:private-key]`;');
      for (const line of KEY_BODY) assert.doesNotMatch(JSON.stringify(request), new RegExp(line.slice(0, 20).replace(/[+/]/g, '\\$&')));
    });

    it('falls back to the request lines when the file has changed', async () => {
      const { request } = await redactForSending(selection(3, 4, 2), { fileText: 'something else entirely' });
      assert.equal(request.target.code, '[REDACTED:private-key]\n[REDACTED:private-key]');
    });

    it('redacts extra pieces and names them in the notice', async () => {
      const { pieces, notice } = await redactForSending(selection(1, 1, 0), { fileText: file, pieces: [{ label: 'definitions', text: `const id = "${AWS_KEY_ID}";` }] });
      assert.deepEqual(pieces, [{ label: 'definitions', text: 'const id = "[REDACTED:aws-access-key]";' }]);
      assert.match(notice, /AWS access key \(in the definitions\)/);
    });
  });

  describe('describeRedactions', () => {
    it('says nothing when nothing was redacted', async () => {
      assert.equal(describeRedactions([]), '');
    });

    it('names each redaction with its lines', async () => {
      assert.equal(
        describeRedactions([
          { kind: 'aws-access-key', line: 12 },
          { kind: 'private-key', line: 40, endLine: 52 },
        ]),
        'Redacted 2 likely secrets before sending: AWS access key (line 12), private key (lines 40–52).',
      );
      assert.equal(describeRedactions([{ kind: 'password', line: 3 }]), 'Redacted 1 likely secret before sending: password (line 3).');
    });

    it('shortens a long list', async () => {
      const many = Array.from({ length: 10 }, (_, i) => ({ kind: 'jwt', line: i + 1 }));
      assert.match(describeRedactions(many), /^Redacted 10 likely secrets before sending: JSON Web Token \(line 1\),.* JSON Web Token \(line 8\), and 2 more\.$/);
    });
  });
});
