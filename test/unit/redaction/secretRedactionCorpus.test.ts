// Recall and false positives of redaction on real material: secrets in the formats public
// secret scanners test with (test/fixtures/secrets/corpus.json, each case naming its source),
// and real source code from node_modules where nothing should be redacted.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { redactForSending, redactText } from '../../../src/core/redaction/secretRedaction';
import type { ReviewRequest } from '../../../src/core/requests/request';

const ROOT = resolve(__dirname, '..', '..', '..', '..');

interface CorpusCase {
  source: string;
  text: string;
  /** Strings that must not survive redaction. */
  secrets: string[];
  note?: string;
}

const corpus = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/secrets/corpus.json'), 'utf8')) as CorpusCase[];

/** Real code with no secrets in it: TypeScript's typings, marked, pg, esbuild, zod, the OpenAI and Anthropic SDKs. */
const CLEAN_SOURCES = [
  'node_modules/typescript/lib/lib.dom.d.ts',
  'node_modules/typescript/lib/lib.es5.d.ts',
  'node_modules/typescript/lib/lib.webworker.d.ts',
  'node_modules/marked/lib/marked.esm.js',
  'node_modules/pg/lib/client.js',
  'node_modules/pg/lib/connection-parameters.js',
  'node_modules/pg/lib/defaults.js',
  'node_modules/esbuild/lib/main.js',
  'node_modules/zod/v4/core/schemas.js',
  'node_modules/zod/v4/classic/schemas.js',
  // The OpenAI and Anthropic SDKs' TypeScript sources: code that handles API keys and tokens.
  ...sourcesUnder('node_modules/openai/src'),
  ...sourcesUnder('node_modules/@anthropic-ai/sdk/src'),
].filter((p) => existsSync(join(ROOT, p)));

function sourcesUnder(dir: string): string[] {
  const root = join(ROOT, dir);
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true })
    .map(String)
    .filter((f) => /\.(?:ts|js|mjs)$/.test(f) && statSync(join(root, f)).isFile())
    .sort()
    .map((f) => join(dir, f));
}

function survivors(c: CorpusCase, redacted: string): string[] {
  return c.secrets.filter((s) => redacted.includes(s));
}

describe('secret redaction on the corpus', function () {
  this.timeout(120_000);

  it(`names a source for each of the ${corpus.length} corpus cases and holds at least 80`, () => {
    assert.ok(corpus.length >= 80, `only ${corpus.length} cases`);
    for (const c of corpus) {
      assert.match(c.source, /^[\w.-]+\/[\w.-]+ \S/, `case without a repository and path: ${c.text.slice(0, 40)}`);
      assert.ok(c.secrets.length > 0 && c.secrets.every((s) => c.text.includes(s)), `case whose secret is not in its text: ${c.text.slice(0, 40)}`);
    }
  });

  it('redacts at least 95 % of the corpus secrets', async () => {
    const missed: string[] = [];
    for (const c of corpus) {
      const { text } = await redactText(c.text);
      if (survivors(c, text).length > 0) missed.push(`${c.source}: ${text}`);
    }
    const recall = (corpus.length - missed.length) / corpus.length;
    console.log(`      recall ${(recall * 100).toFixed(1)} % (${corpus.length - missed.length}/${corpus.length})`);
    assert.ok(recall >= 0.95, `recall ${(recall * 100).toFixed(1)} %; missed:\n${missed.join('\n')}`);
  });

  it('keeps the line count of every corpus text', async () => {
    for (const c of corpus) {
      const { text } = await redactText(c.text);
      assert.equal(text.split('\n').length, c.text.split('\n').length, c.source);
    }
  });

  it('redacts at most 0.1 % of the lines of real source code (at least 50,000 lines)', async () => {
    let lines = 0;
    const flagged: string[] = [];
    for (const path of CLEAN_SOURCES) {
      const text = readFileSync(join(ROOT, path), 'utf8');
      const original = text.split('\n');
      lines += original.length;
      const { text: redacted, redactions } = await redactText(text);
      const out = redacted.split('\n');
      for (const r of redactions) flagged.push(`${path}:${r.line} [${r.kind}] ${original[r.line - 1]?.trim().slice(0, 120)}`);
      assert.equal(out.length, original.length, path);
    }
    const rate = flagged.length / lines;
    console.log(`      false positives ${flagged.length} of ${lines} lines (${(rate * 100).toFixed(3)} %)`);
    assert.ok(lines >= 50_000, `only ${lines} lines of real code`);
    assert.ok(rate <= 0.001, `false positive rate ${(rate * 100).toFixed(3)} %:\n${flagged.join('\n')}`);
  });

  it('redacts the instruction and the diagnostics messages', async () => {
    const cases = corpus.filter((c) => !c.text.includes('\n')).slice(0, 30);
    for (const c of cases) {
      const request: ReviewRequest = {
        kind: 'debug',
        target: {
          type: 'diagnostics',
          filePath: 'src/app.ts',
          languageId: 'typescript',
          startLine: 1,
          endLine: 1,
          code: 'connect();',
          contextBefore: '',
          contextAfter: '',
          diagnostics: [{ message: `Login failed with ${c.text}`, severity: 'error', startLine: 1, endLine: 1 }],
        },
        instruction: `Why does this fail? It used ${c.text}`,
        options: {},
      };
      const { request: sent, redactions } = await redactForSending(request);
      const target = sent.target;
      assert.equal(target.type, 'diagnostics');
      if (target.type !== 'diagnostics') return;
      assert.deepEqual(survivors(c, sent.instruction ?? ''), [], `instruction kept a secret: ${sent.instruction}`);
      assert.deepEqual(survivors(c, target.diagnostics[0]!.message), [], `diagnostic kept a secret: ${target.diagnostics[0]!.message}`);
      assert.ok(redactions.some((r) => r.where === 'instruction') && redactions.some((r) => r.where === 'diagnostics'), c.source);
    }
  });
});
