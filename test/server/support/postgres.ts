// A throwaway PostgreSQL cluster for the server tests: initdb in a temporary folder, started
// with pg_ctl on a free port, listening on 127.0.0.1 only, fsync off; stopped and deleted when
// the test process exits. PostgreSQL refuses to run as root, so as root the cluster runs as
// the `postgres` user (or `nobody`) through runuser.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function findBinary(name: string): string {
  const onPath = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    for (const v of readdirSync(root).sort().reverse()) {
      const p = join(root, v, 'bin', name);
      if (existsSync(p)) return p;
    }
  }
  throw new Error(`${name} not found: install PostgreSQL (apt-get install postgresql) to run the server tests.`);
}

function runAsUser(): { uid: number; gid: number; name: string } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    if (r.status === 0) {
      const gid = Number(spawnSync('id', ['-g', name], { encoding: 'utf8' }).stdout.trim());
      return { uid: Number(r.stdout.trim()), gid, name };
    }
  }
  throw new Error('Running as root without a postgres or nobody user to run PostgreSQL as.');
}

export class TestPostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly user: { uid: number; gid: number; name: string } | undefined,
  ) {}

  static start(port: number): TestPostgres {
    const user = runAsUser();
    const dir = mkdtempSync(join(tmpdir(), 'deep-review-pg-'));
    if (user) chownSync(dir, user.uid, user.gid);
    chmodSync(dir, 0o700);
    const pg = new TestPostgres(dir, port, user);
    pg.exec(findBinary('initdb'), ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync', '--locale=C']);
    pg.exec(findBinary('pg_ctl'), [
      '-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-t', '60',
      '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`,
      'start',
    ]);
    process.once('exit', () => pg.stopSync());
    return pg;
  }

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** A new, empty database for one test file. */
  async createDatabase(name: string): Promise<string> {
    const c = new Client({ connectionString: this.url() });
    await c.connect();
    try {
      await c.query(`CREATE DATABASE "${name.replace(/[^a-z0-9_]/g, '')}"`);
    } finally {
      await c.end();
    }
    return this.url(name);
  }

  stopSync(): void {
    if (!existsSync(join(this.dir, 'data'))) return;
    try {
      this.exec(findBinary('pg_ctl'), ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private exec(bin: string, args: string[]): void {
    if (this.user) execFileSync('runuser', ['-u', this.user.name, '--', bin, ...args], { stdio: 'pipe', cwd: this.dir });
    else execFileSync(bin, args, { stdio: 'pipe', cwd: this.dir });
  }
}

let shared: Promise<TestPostgres> | undefined;

/** One cluster per test process; each test file takes its own database in it. */
export async function testDatabase(name: string): Promise<string> {
  shared ??= freePort().then((port) => TestPostgres.start(port));
  return (await shared).createDatabase(`${name}_${process.pid}_${Date.now().toString(36)}`);
}
