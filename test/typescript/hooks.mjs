// Module hooks (run on Node's loader thread): a relative `./x.js` written in TypeScript source names
// `./x.ts` when that exists (the nodenext convention tsc checks), and a .ts file is transpiled by
// esbuild with the repository's compiler options and an inline source map (so coverage and stack
// traces name the TypeScript lines).
import { transform } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const TYPESCRIPT = /\.m?ts$/;
const RELATIVE_JS = /^\.{1,2}\/.*\.js$/;
const tsconfigRaw = readFileSync(new URL('../../tsconfig.json', import.meta.url), 'utf8');

export async function resolve(specifier, context, next) {
  if (context.parentURL && TYPESCRIPT.test(context.parentURL) && RELATIVE_JS.test(specifier)) {
    const url = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
    if (existsSync(url)) return { url: url.href, format: 'module', shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !TYPESCRIPT.test(url)) return next(url, context);
  const path = fileURLToPath(url);
  const { code } = await transform(await readFile(path, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    sourcefile: path,
    tsconfigRaw,
  });
  return { format: 'module', source: code, shortCircuit: true };
}
