#!/usr/bin/env node
// Runs a TypeScript entry point (fixture builders, benchmarks) without a separate TS runtime:
// esbuild bundles it to an ES module under node_modules/.cache (so bare imports still resolve
// from this repository), which is then imported with the remaining arguments.
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node build/run-ts.mjs FILE.ts [ARGS...]');
  process.exit(2);
}
const cacheRoot = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.cache', 'run-ts');
mkdirSync(cacheRoot, { recursive: true });
const dir = mkdtempSync(join(cacheRoot, 'x-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const out = join(dir, 'entry.mjs');
await build({
  entryPoints: [resolve(entry)],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'error',
});
process.argv = [process.argv[0], resolve(entry), ...rest];
await import(pathToFileURL(out).href);
