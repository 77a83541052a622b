// Bundles the extension host, the CLI and the webview separately, and (with --tests) the tests.
//   node esbuild.mjs               development build: source maps, not minified
//   node esbuild.mjs --production  what `npm run package` ships: minified, no source maps
//   node esbuild.mjs --watch       rebuild on change (problem-matcher friendly output)
//   node esbuild.mjs --tests       also bundle test/ into out/ for the three test levels
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

/** Prints errors in the shape of VS Code's `$esbuild-watch` problem matcher. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: production ? 'none' : 'inline',
  plugins: watch ? [problemMatcher] : [],
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // The HTTP providers load on the first model call, not at activation.
    external: ['vscode', './providers.js'],
    metafile: true,
  },
  {
    ...common,
    entryPoints: { providers: 'src/core/providers/providerFactory.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // pg loads its optional native binding only when asked to; team mode uses the pure-JS client.
    external: ['pg-native'],
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: { webview: 'media/main.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: ['chrome120'],
  },
];

function testEntries(dir, suffix) {
  if (!statSync(dir, { throwIfNoEntry: false })) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(suffix))
    .map((f) => join(dir, f));
}

if (tests) {
  // Bundles of tests that were moved or deleted would still run: start from an empty folder.
  rmSync('out/test', { recursive: true, force: true });
  const testCommon = { bundle: true, sourcemap: 'inline', platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' };
  builds.push(
    { ...testCommon, entryPoints: testEntries('test/unit', '.test.ts'), outdir: 'out/test/unit', outbase: 'test/unit' },
    {
      ...testCommon,
      entryPoints: [...testEntries('test/webview', '.test.ts')],
      outdir: 'out/test/webview',
      outbase: 'test/webview',
      external: ['playwright-core'],
    },
    { ...testCommon, entryPoints: testEntries('test/server', '.test.ts'), outdir: 'out/test/server', outbase: 'test/server', external: ['pg-native'] },
    {
      ...testCommon,
      entryPoints: ['test/integration/index.ts', ...testEntries('test/integration/suite', '.test.ts')],
      outdir: 'out/test/integration',
      outbase: 'test/integration',
      external: ['vscode', 'mocha'],
    },
  );
  const benchEntries = testEntries('bench', '.bench.ts');
  if (benchEntries.length) {
    builds.push({ ...testCommon, sourcemap: false, entryPoints: benchEntries, outdir: 'out/bench', outbase: 'bench', external: ['playwright-core'] });
  }
}

/** Codicons are the webview's icon font; they ship beside the bundle. */
function copyAssets() {
  mkdirSync('dist/codicons', { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) {
    cpSync(join('node_modules/@vscode/codicons/dist', f), join('dist/codicons', f));
  }
}

copyAssets();
if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  const results = await Promise.all(builds.map((b) => esbuild.build(b)));
  const meta = results[0]?.metafile;
  if (meta && production) {
    const size = Object.values(meta.outputs).reduce((n, o) => n + o.bytes, 0);
    console.log(`dist/extension.js: ${(size / 1024).toFixed(1)} KiB`);
  }
}
