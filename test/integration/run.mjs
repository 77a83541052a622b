// Picks the VS Code host for the integration suite and runs it there:
//   DEEP_REVIEW_VSCODE_HOST=code-server  the offline route (code-server 4.100.3 + Chromium), default
//   DEEP_REVIEW_VSCODE_HOST=electron     @vscode/test-electron (downloads VS Code from its CDN)
// The default needs nothing beyond the npm registry: when code-server is missing it is installed
// here, once, by .ci/install-code-server.sh (about a minute), so `npm test` works on a fresh clone.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { codeServerDir, extensionRoot } from './hosts.mjs';

const host = process.env.DEEP_REVIEW_VSCODE_HOST || 'code-server';
if (host !== 'code-server' && host !== 'electron') {
  console.error(`DEEP_REVIEW_VSCODE_HOST must be code-server or electron, not ${host}`);
  process.exit(2);
}
console.log(`integration host: ${host}`);
if (host === 'code-server' && !existsSync(join(codeServerDir(), 'out', 'node', 'entry.js'))) {
  console.log('code-server (the offline VS Code host) is not installed yet: installing it once from the npm registry…');
  const install = spawnSync('bash', [join(extensionRoot, '.ci', 'install-code-server.sh')], { stdio: 'inherit' });
  if (install.status !== 0) {
    console.error('Could not install code-server; see the message above. DEEP_REVIEW_VSCODE_HOST=electron runs the suite in a downloaded VS Code instead.');
    process.exit(1);
  }
}
const { runIntegration } = host === 'code-server' ? await import('./runCodeServer.mjs') : await import('./runElectron.mjs');
process.exit(await runIntegration());
