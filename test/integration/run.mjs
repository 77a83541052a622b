// Picks the VS Code host for the integration suite and runs it there:
//   DEEP_REVIEW_VSCODE_HOST=code-server  the offline route (code-server 4.100.3 + Chromium)
//   DEEP_REVIEW_VSCODE_HOST=electron     @vscode/test-electron (downloads VS Code)
// Default: code-server when it is installed (see .ci/install-code-server.sh), else electron.
import { existsSync } from 'node:fs';
import { codeServerDir } from './hosts.mjs';

const requested = process.env.DEEP_REVIEW_VSCODE_HOST;
const host = requested ?? (existsSync(codeServerDir()) ? 'code-server' : 'electron');
console.log(`integration host: ${host}`);
const { runIntegration } = host === 'code-server' ? await import('./runCodeServer.mjs') : await import('./runElectron.mjs');
process.exit(await runIntegration());
