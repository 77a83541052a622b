// Starts the built CLI's `server` and `worker` as real child processes (so they can be killed
// with -9 and restarted), plus helpers to run team admin commands and read their output.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePort } from './postgres';

/** dist/cli.js of this checkout, found from wherever the test bundle runs (out/test/…). */
function cliPath(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'cli.js');
}
const CLI = cliPath();
// Inside the VS Code extension host process.execPath may be Electron: run it as plain Node.
const NODE_ENV = { PATH: process.env.PATH, ELECTRON_RUN_AS_NODE: '1' };

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Proc {
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<number | null>;
  /** kill -9: no shutdown code runs. */
  kill9(): Promise<void>;
  exited: Promise<number | null>;
}

function startProc(args: string[], env: Record<string, string | undefined>, readyPattern: RegExp, timeoutMs = 20_000): Promise<Proc> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...NODE_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const proc: Proc = {
    child,
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after ${timeoutMs} ms: ${args[0]}\n${out}`)), timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (readyPattern.test(out)) {
        clearTimeout(timer);
        resolve(proc);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} exited with ${code} before it was ready:\n${out}`));
    });
  });
}

export async function startServer(database: string, opts: { port?: number; extra?: string[] } = {}): Promise<Proc & { url: string; port: number }> {
  const port = opts.port ?? (await freePort());
  const proc = await startProc(['server', '--database', database, '--port', String(port), '--poll-ms', '200', ...(opts.extra ?? [])], {}, new RegExp(`http://127\\.0\\.0\\.1:${port}`));
  return Object.assign(proc, { url: `http://127.0.0.1:${port}`, port });
}

export interface WorkerSetup {
  baseUrl: string;
  model?: string;
  concurrency?: number;
  leaseSeconds?: number;
  extra?: string[];
}

export function startWorker(database: string, w: WorkerSetup): Promise<Proc> {
  return startProc(
    [
      'worker', '--database', database, '--provider', 'openai-compatible', '--base-url', w.baseUrl, '--model', w.model ?? 'gpt-5-mini',
      '--concurrency', String(w.concurrency ?? 2), '--lease-seconds', String(w.leaseSeconds ?? 60), '--poll-ms', '100', ...(w.extra ?? []),
    ],
    { OPENAI_COMPATIBLE_API_KEY: 'sk-worker-only-SENTINEL', DEEP_REVIEW_RETRY_BASE_DELAY_MS: '20', DEEP_REVIEW_WORKER_GRACE_MS: '500' },
    /worker ready/,
  );
}

export function teamCli(args: string[], database: string): Promise<CliRun> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args, '--database', database], { env: NODE_ENV });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

export async function addMember(database: string, name: string): Promise<string> {
  const r = await teamCli(['team', 'add-member', name], database);
  if (r.code !== 0) throw new Error(`add-member failed: ${r.stderr}`);
  return r.stdout.trimEnd().split('\n').pop()!;
}
