// Bounded input and output, end to end through the built CLI (dist/cli.js) against the local
// test model server: binary, non-UTF-8 and oversized files are refused before anything is
// sent; an answer with thousands of findings keeps the most severe and says how many were
// dropped; a reader that closes the pipe early (`| head`) ends the CLI quietly.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESULT_LIMITS } from '../../../src/core/results/resultLimits';
import { ModelServer } from '../../support/modelServer';
import { CLI, runCli } from '../../support/runCli';
import { anthropicEvents, namedSse, sseResponse } from '../../support/transcripts';

const KEY = 'sk-cli-bounds-KEY-0099';
const CODE = ['export function average(values: number[]): number {', '  let total = 0;', '  for (let i = 0; i <= values.length; i++) total += values[i];', '  return total / values.length;', '}', ''].join('\n');
const pieces = (s: string) => s.match(/[\s\S]{1,4000}/g) ?? [];

function answerWith(findings: number): string {
  const severities = ['info', 'low', 'medium', 'high', 'critical'];
  return JSON.stringify({
    summary: 'Many findings.',
    findings: Array.from({ length: findings }, (_, i) => ({ title: `Finding ${i}`, severity: severities[i % 5], confidence: ((i * 37) % 100) / 100, startLine: 1 + (i % 5), endLine: 1 + (i % 5), explanation: 'x' })),
    answer: 'See the findings.',
  });
}

describe('deep-review CLI bounds (end to end, local test model server)', function () {
  this.timeout(60_000);
  let server: ModelServer;
  let work: string;
  const env = () => ({ DEEP_REVIEW_HOME: join(work, 'home'), ANTHROPIC_API_KEY: KEY });
  const reviewArgs = (file: string) => ['review', file, '--provider', 'anthropic', '--model', 'claude-sonnet-4-5', '--base-url', server.url('/v1'), '--no-cache'];

  before(async () => {
    server = await ModelServer.start();
    work = mkdtempSync(join(tmpdir(), 'deep-review-bounds-'));
    writeFileSync(join(work, 'average.ts'), CODE);
  });
  after(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  const refusals: { name: string; content: Buffer; extra?: string[]; message: RegExp }[] = [
    { name: 'a binary file (NUL bytes)', content: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0x0a, 0x41]), message: /binary file .*NUL character on line 1/ },
    { name: 'a file that is not UTF-8', content: Buffer.concat([Buffer.from('const a = 1;\nconst b = "'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('";\n')]), message: /not valid UTF-8 .*line 2/ },
    { name: 'a file over --max-file-bytes', content: Buffer.from(CODE.repeat(20)), extra: ['--max-file-bytes', '1000'], message: /over the 1000 bytes limit.*--max-file-bytes/ },
  ];
  for (const c of refusals) {
    it(`refuses ${c.name} before sending anything`, async () => {
      const file = `refused-${refusals.indexOf(c)}.txt`;
      writeFileSync(join(work, file), c.content);
      const before = server.requests.length;
      const r = await runCli([...reviewArgs(file), ...(c.extra ?? [])], env(), work);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, c.message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.equal(server.requests.length, before, 'nothing reached the provider');
    });
  }

  it('keeps the most severe findings of a huge answer and says how many were dropped', async () => {
    const total = RESULT_LIMITS.findings * 4;
    server.enqueue(sseResponse(namedSse(anthropicEvents({ thinking: ['ok'], text: pieces(answerWith(total)), inputTokens: 100, outputTokens: 100, thinkingTokens: 10 }))));
    const r = await runCli([...reviewArgs('average.ts'), '--format', 'json'], env(), work);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { findings: { severity: string }[]; warnings: string[] };
    assert.equal(out.findings.length, RESULT_LIMITS.findings);
    // 2,000 findings, 400 of each severity: the 500 kept are the 400 critical and 100 high.
    assert.deepEqual([...new Set(out.findings.map((f) => f.severity))].sort(), ['critical', 'high']);
    assert.ok(out.warnings.some((w) => /2,000 findings.*500 most severe.*1,500/.test(w)), out.warnings.join('\n'));
  });

  it('ends quietly when the reader closes the pipe early (| head)', async () => {
    // Over a megabyte of output (the reasoning), far more than a pipe holds, read 100 bytes of.
    server.enqueue(sseResponse(namedSse(anthropicEvents({ thinking: pieces('thinking hard. '.repeat(80_000)), text: pieces(answerWith(3)), inputTokens: 100, outputTokens: 100, thinkingTokens: 10 }))));
    const command = `"${process.execPath}" "${CLI}" ${reviewArgs('average.ts').map((a) => `'${a}'`).join(' ')} --format json | head -c 100 > /dev/null; echo "cli-exit=\${PIPESTATUS[0]}" >&2`;
    const run = await new Promise<{ stderr: string }>((done) => {
      const child = spawn('bash', ['-c', command], { cwd: work, env: { PATH: process.env.PATH, ...env() } });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', () => done({ stderr }));
    });
    assert.match(run.stderr, /cli-exit=0/, run.stderr);
    assert.doesNotMatch(run.stderr, /EPIPE|Error|\n\s+at /, run.stderr);
  });
});
