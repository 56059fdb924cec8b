// Side by side: the binary before and after the core redesign, on one scale root.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { makeScaleRoot } from './fixtures/scale/scale-root.js';
const base = '/var/tmp/core-compare';
const root = `${base}/scale`;
if (!existsSync(root)) {
  execFileSync('mkdir', ['-p', base]);
  await makeScaleRoot(root, { accounts: 10_000, logs: 100_000 });
}
const env = 'AGENT_TODAY=2026-11-24';
const before = '/work/notes/bench/agent-before', after = '/work/notes/bench/agent-after';
const fresh = `${base}/fresh`;
const run = (args: string[]) => execFileSync('hyperfine', args, { stdio: 'inherit' });
run(['-N', '-i', '--runs', '7', '--warmup', '1', '--export-json', `${base}/check.json`,
  '-n', 'check before', `env ${env} ${before} check --root ${root} --offline --skip security-updates --format json`,
  '-n', 'check after', `env ${env} ${after} check --root ${root} --offline --skip security-updates --format json`,
  '-n', 'plan before', `env ${env} ${before} cleanup --root ${root} --offline --skip security-updates --format json`,
  '-n', 'plan after', `env ${env} ${after} cleanup --root ${root} --offline --skip security-updates --format json`]);
run(['-i', '--runs', '3', '--prepare', `rm -rf ${fresh} && cp -a ${root} ${fresh}`, '--export-json', `${base}/apply.json`,
  '-n', 'apply before', `env ${env} ${before} cleanup --root ${fresh} --yes --offline --skip security-updates --format json > /dev/null`,
  '-n', 'apply after', `env ${env} ${after} cleanup --root ${fresh} --yes --offline --skip security-updates --format json > /dev/null`]);
