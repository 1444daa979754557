#!/usr/bin/env node
// Bundles the extension with esbuild into dist/extension.js (one file; `vscode` is provided by the host).
//   node extension/scripts/build.mjs               the extension bundle
//   node extension/scripts/build.mjs --unit-tests  each extension/test/unit/*.test.ts to out/unit/*.test.js
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], logLevel: 'warning' };

if (process.argv.includes('--unit-tests')) {
  const dir = join(root, 'extension', 'test', 'unit');
  const entryPoints = readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => join(dir, f));
  await build({ ...common, entryPoints, outdir: join(root, 'out', 'unit'), sourcemap: 'inline' });
} else {
  await build({
    ...common,
    entryPoints: [join(root, 'extension', 'src', 'extension.ts')],
    outfile: join(root, 'dist', 'extension.js'),
    minify: true,
    keepNames: true,
    // vscode-languageclient resolves the JSON-RPC modules through package "main" fields.
    mainFields: ['module', 'main'],
  });
}
