// Shared paths for the integration runners.
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const extensionRoot = resolve(import.meta.dirname, '..', '..');
export const testsEntry = join(extensionRoot, 'out', 'test', 'integration', 'index.js');

export function codeServerDir() {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const base = process.env.DEEP_REVIEW_CODE_SERVER_DIR || join(cache, 'deep-review', 'code-server-4.100.3');
  return join(base, 'node_modules', 'code-server');
}

/** A fresh copy of the fixture workspace, so tests may edit files freely. */
export function freshWorkspace(stateDir) {
  const ws = join(stateDir, 'workspace');
  rmSync(ws, { recursive: true, force: true });
  mkdirSync(ws, { recursive: true });
  cpSync(join(extensionRoot, 'test', 'integration', 'workspace'), ws, { recursive: true });
  return ws;
}
