// Side by side, alternating: the binary before and after the core redesign, on one scale root.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { makeScaleRoot } from './fixtures/scale/scale-root.js';
const base = '/var/tmp/core-compare';
const root = `${base}/scale`;
if (!existsSync(root)) {
  execFileSync('mkdir', ['-p', base]);
  await makeScaleRoot(root, { accounts: 10_000, logs: 100_000 });
}
const bins = { before: '/work/notes/bench/agent-before', after: '/work/notes/bench/agent-after' };
const fresh = `${base}/fresh`;
function timed(bin: string, args: string[]): { ms: number; rssMiB: number } {
  const out = `${base}/time.txt`;
  const t0 = performance.now();
  spawnSync('/usr/bin/time', ['-f', '%M', '-o', out, bin, ...args], { env: { AGENT_TODAY: '2026-11-24', PATH: process.env.PATH }, stdio: 'ignore' });
  return { ms: performance.now() - t0, rssMiB: Number(readFileSync(out, 'utf8').trim().split('\n').pop()) / 1024 };
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results: Record<string, { ms: number[]; rss: number[] }> = {};
const add = (k: string, r: { ms: number; rssMiB: number }) => { (results[k] ??= { ms: [], rss: [] }).ms.push(r.ms); results[k].rss.push(r.rssMiB); };
const common = ['--offline', '--skip', 'security-updates', '--format', 'json'];
for (let i = 0; i < 7; i++) {
  for (const [name, bin] of Object.entries(bins)) {
    add(`check ${name}`, timed(bin, ['check', '--root', root, ...common]));
    add(`plan ${name}`, timed(bin, ['cleanup', '--root', root, ...common]));
  }
}
for (let i = 0; i < 3; i++) {
  for (const [name, bin] of Object.entries(bins)) {
    execFileSync('sh', ['-c', `rm -rf ${fresh} && cp -a ${root} ${fresh}`]);
    add(`apply ${name}`, timed(bin, ['cleanup', '--root', fresh, '--yes', ...common]));
  }
}
for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(14)} median ${(med(v.ms) / 1000).toFixed(2)} s  min ${(Math.min(...v.ms) / 1000).toFixed(2)} s  rss ${med(v.rss).toFixed(0)} MiB  (n=${v.ms.length})`);
