// Bundle and vsix sizes as shipped: production build, then `vsce package`.
//   node bench/sizes.mjs        prints a table and a BENCH_JSON line
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

const root = resolve(import.meta.dirname, '..');
execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: root, stdio: 'inherit' });
for (const f of readdirSync(root).filter((f) => f.endsWith('.vsix'))) rmSync(join(root, f));
execFileSync(process.execPath, [join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--out', 'bench-size.vsix'], { cwd: root, stdio: 'ignore' });
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const rows = ['extension.js', 'providers.js', 'webview.js', 'cli.js'].map((f) => {
  const bytes = statSync(join(root, 'dist', f)).size;
  return { file: `dist/${f}`, bytes, gzip: gzipSync(readFileSync(join(root, 'dist', f))).length };
});
const vsix = statSync(join(root, 'bench-size.vsix')).size;
rmSync(join(root, 'bench-size.vsix'));
console.log('| file | minified | gzip |\n|---|---:|---:|');
for (const r of rows) console.log(`| ${r.file} | ${kib(r.bytes)} | ${kib(r.gzip)} |`);
console.log(`| **vsix** | ${kib(vsix)} | |`);
console.log(`BENCH_JSON ${JSON.stringify({ bench: 'sizes', files: rows, vsixBytes: vsix })}`);
// Leave a development build behind, as the tests expect.
execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
