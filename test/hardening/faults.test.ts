// Faults around the agent: two cleanups at once, a full disk during an account-file edit and
// during --zero-free-space, a package manager lock held, a package command that hangs, and a
// user who is not root.
import t from 'tap';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseShadow } from '../../agent/facts/accounts.js';
import { addAccount } from '../../fixtures/synthetic/accounts.js';
import { makeDirtyRoot, makeSyntheticRoot } from '../../fixtures/synthetic/make-root.js';
import { PROFILES } from '../../fixtures/synthetic/profiles.js';
import { AGENT, AS_NON_ROOT, parseCleanup, parseReport, runAgent, statusesOf, TEST_TODAY } from '../helpers/agent.js';
import { CLEANUP_APPLY, IS_ROOT, requires, requiresMountNamespace } from '../helpers/requires.js';

const ubuntu = PROFILES.find((p) => p.name === 'ubuntu-24.04')!;
const debian = PROFILES.find((p) => p.name === 'debian-12')!;
const skipNamespace = requiresMountNamespace();

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function start(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Done> } {
  const started = Date.now();
  const child = spawn(AGENT, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', AGENT_TODAY: TEST_TODAY, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = once(child, 'close').then(([code]) => ({ code: code as number | null, stdout, stderr, ms: Date.now() - started }));
  return { child, done };
}

type CleanupJson = { actions: { check: string; kind: string; path?: string; status: string; reason?: string }[]; after: { checks: { id: string; status: string }[] } };

t.test('two concurrent cleanup --yes on one target', { skip: requires(CLEANUP_APPLY) }, async (t) => {
  const dir = t.testdir();
  const { root } = await makeDirtyRoot(join(dir, 'root'), debian);
  // Enough work that the two runs overlap.
  for (let i = 0; i < 150; i++) addAccount(root, { name: `u${i}`, uid: 3000 + i, home: `/home/u${i}`, password: `$6$s${i}$${'h'.repeat(86)}` });
  const names = [...parseShadow(readFileSync(join(root, 'etc/shadow'), 'utf8')).keys()];
  const a = start(['cleanup', '--root', root, '--yes', '--format', 'json']);
  const b = start(['cleanup', '--root', root, '--yes', '--format', 'json']);
  const results = await Promise.all([a.done, b.done]);
  const refused = results.filter((r) => r.code === 3 && /another cleanup \(pid \d+\) is running/.test(r.stderr));
  const completed = results.filter((r) => r.stdout.trim().startsWith('{'));
  t.comment(`outcome: ${refused.length === 1 ? 'one refused by the lock (exit 3)' : 'both ran, one after the other'}; exits ${results.map((r) => r.code).join(', ')}`);
  t.ok(refused.length === 1 || completed.length === 2, 'one is refused with a clear message, or both complete');
  for (const r of refused) t.equal(r.stdout, '', 'the refused one prints no report');
  for (const r of completed) {
    const out = parseCleanup<CleanupJson>(r.stdout);
    t.same(out.actions.filter((x) => x.status === 'failed'), [], 'no action failed');
  }
  const shadow = readFileSync(join(root, 'etc/shadow'), 'utf8');
  t.same([...parseShadow(shadow).keys()], names, '/etc/shadow keeps every account');
  t.ok(shadow.split('\n').filter(Boolean).every((l) => l.split(':').length === 9), 'every line has 9 fields');
  t.same(readdirSync(join(root, 'etc')).filter((n) => n.includes('.agent-')), [], 'no temporary copy left');
});

/** Runs a shell script in a private mount namespace (tmpfs mounts vanish with it). */
function inNamespace(script: string, timeoutMs = 120_000): { status: number | null; stderr: string } {
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], { encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, stderr: r.stderr };
}

t.test('disk full while /etc/shadow is rewritten', { skip: skipNamespace }, async (t) => {
  const dir = t.testdir();
  const out = join(dir, 'out');
  mkdirSync(out);
  const { root } = await makeSyntheticRoot(join(dir, 'root'), debian, []);
  // 300 accounts with hashes: /etc/shadow is ~38 KB, far more than the 8 KiB left free.
  for (let i = 0; i < 300; i++) addAccount(root, { name: `user${i}`, uid: 2000 + i, home: `/home/user${i}`, password: `$6$salt${i}$${'h'.repeat(86)}`, createHome: false });
  const original = readFileSync(join(root, 'etc/shadow'), 'utf8');
  const names = [...parseShadow(original).keys()];
  const mnt = join(dir, 'mnt');
  const r = inNamespace(`set -e
mkdir -p ${mnt}
mount -t tmpfs -o size=4m tmpfs ${mnt}
cp -a ${root} ${mnt}/root
dd if=/dev/zero of=${mnt}/fill bs=4k 2>/dev/null || true
truncate -s -8K ${mnt}/fill
set +e
AGENT_TODAY=${TEST_TODAY} ${AGENT} cleanup --root ${mnt}/root --yes --only passwords --format json > ${out}/stdout 2> ${out}/stderr
echo $? > ${out}/code
cp ${mnt}/root/etc/shadow ${out}/shadow
ls -a ${mnt}/root/etc > ${out}/etc.ls
`);
  t.equal(r.status, 0, `namespace script ran ${r.stderr}`);
  const code = Number(readFileSync(join(out, 'code'), 'utf8'));
  const after = readFileSync(join(out, 'shadow'), 'utf8');
  const output = parseCleanup<CleanupJson>(readFileSync(join(out, 'stdout'), 'utf8'));
  const failed = output.actions.filter((a) => a.status === 'failed');
  t.notOk(readFileSync(join(out, 'etc.ls'), 'utf8').includes('.agent-'), 'no temporary file left in /etc');
  t.same([...parseShadow(after).keys()], names, '/etc/shadow still holds every account');
  t.ok(after.split('\n').filter(Boolean).every((l) => l.split(':').length === 9), 'every line still has its 9 fields');
  t.ok(failed.length > 0 && failed.every((a) => typeof a.reason === 'string' && a.reason !== ''), 'the edit that did not fit failed with a reason');
  t.not(code, 0, `exit is non-zero (got ${code})`);
  t.comment(`shadow before ${original.length} bytes / ${names.length} accounts, after ${after.length} bytes / ${parseShadow(after).size} accounts; ${failed.length} failed actions; exit ${code}`);
});

t.test('disk full during --zero-free-space: the zero file goes, the space comes back', { skip: skipNamespace }, async (t) => {
  const dir = t.testdir();
  const out = join(dir, 'out');
  mkdirSync(out);
  const mnt = join(dir, 'mnt');
  const { root } = await makeSyntheticRoot(join(dir, 'src'), ubuntu, []);
  const r = inNamespace(`set -e
mkdir -p ${mnt}
mount -t tmpfs -o size=48m tmpfs ${mnt}
cp -a ${root}/. ${mnt}/
df -k --output=avail ${mnt} | tail -1 > ${out}/before
set +e
AGENT_TODAY=${TEST_TODAY} ${AGENT} cleanup --root ${mnt} --yes --zero-free-space --offline --format json > ${out}/stdout 2> ${out}/stderr
echo $? > ${out}/code
df -k --output=avail ${mnt} | tail -1 > ${out}/after
ls -a ${mnt} > ${out}/ls
`);
  t.equal(r.status, 0, `namespace script ran ${r.stderr}`);
  const output = parseCleanup<CleanupJson>(readFileSync(join(out, 'stdout'), 'utf8'));
  const zero = output.actions.find((a) => a.check === 'cleanup' && a.kind === 'zero-free-space');
  t.equal(zero?.status, 'done', `zeroing is recorded: ${zero?.reason}`);
  t.match(zero?.reason ?? '', /MiB of zeros written and removed/);
  t.notMatch(readFileSync(join(out, 'ls'), 'utf8'), /marketplace-agent-zero/, 'the zero file is gone');
  const before = Number(readFileSync(join(out, 'before'), 'utf8'));
  const after = Number(readFileSync(join(out, 'after'), 'utf8'));
  t.ok(after >= before - 1024, `free space is back (${before} KiB before, ${after} KiB after)`);
});

t.test('a package manager lock held in the image does not block a --root check', async (t) => {
  // Live mode in a real root is out of scope here. In --root mode apt runs on a scratch copy of the
  // lists with Debug::NoLocking, so a lock held in the image (or on the host) does not matter: the
  // check must complete either way. flock holds the image's dpkg and lists locks meanwhile.
  const dir = t.testdir();
  const { root } = await makeSyntheticRoot(join(dir, 'root'), ubuntu, []);
  mkdirSync(join(root, 'var/lib/apt/lists'), { recursive: true });
  for (const lock of ['var/lib/dpkg/lock-frontend', 'var/lib/dpkg/lock', 'var/lib/apt/lists/lock']) writeFileSync(join(root, lock), '');
  const holders = ['var/lib/dpkg/lock-frontend', 'var/lib/apt/lists/lock'].map((lock) => spawn('flock', ['-x', join(root, lock), 'sleep', '60'], { stdio: 'ignore' }));
  t.teardown(() => holders.forEach((h) => h.kill('SIGKILL')));
  await new Promise((r) => setTimeout(r, 200));
  const run = runAgent(['check', '--root', root, '--only', 'security-updates', '--format', 'json', '--timeout', '30'], { timeoutMs: 40_000 });
  const report = parseReport(run.stdout);
  t.ok(['pass', 'warn', 'fail', 'error', 'skip'].includes(statusesOf(report)['security-updates']), `completes: ${statusesOf(report)['security-updates']}`);
});

t.test('a package command that hangs: the check errors within --timeout and the run ends', async (t) => {
  const dir = t.testdir();
  const { root } = await makeSyntheticRoot(join(dir, 'root'), ubuntu, []);
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const pids = join(dir, 'pids');
  writeFileSync(join(bin, 'apt-get'), `#!/bin/sh\necho $$ >> ${pids}\nexec sleep 100000\n`);
  chmodSync(join(bin, 'apt-get'), 0o755);
  const { child, done } = start(['check', '--root', root, '--only', 'security-updates,passwords', '--timeout', '3', '--format', 'json'], { PATH: `${bin}:${process.env.PATH}` });
  // Wait for the report (the check's deadline), then give the process 10 s more to exit.
  const reportBy = Date.now() + 15_000;
  let stdout = '';
  child.stdout!.on('data', (d) => (stdout += d));
  while (Date.now() < reportBy && !stdout.trim().endsWith('}')) await new Promise((r) => setTimeout(r, 100));
  const reportMs = Date.now() - (reportBy - 15_000);
  const exited = await Promise.race([done.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
  const exitMs = Date.now() - (reportBy - 15_000);
  child.kill('SIGKILL');
  for (const pid of existsSync(pids) ? readFileSync(pids, 'utf8').split('\n').filter(Boolean) : []) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const report = parseReport(stdout);
  t.equal(statusesOf(report)['security-updates'], 'error', 'the hanging check is error');
  t.equal(statusesOf(report).passwords, 'pass', 'the other check still ran');
  t.ok(reportMs < 10_000, `report printed after ${reportMs} ms`);
  t.ok(exited, `the process exits soon after (${exited ? `${exitMs} ms` : 'still running after 10 s'})`);
});

t.test('not root: live mode is refused (exit 3), --root on readable files works', async (t) => {
  const live = runAgent(['check'], AS_NON_ROOT);
  t.equal(live.code, 3);
  t.match(live.stderr, /needs root/);
  t.equal(live.stdout, '');
  const liveCleanup = runAgent(['cleanup', '--yes'], AS_NON_ROOT);
  t.equal(liveCleanup.code, 3, 'cleanup --yes live as a user: exit 3');
  const dir = t.testdir();
  chmodSync(dir, 0o755);
  const { root } = await makeSyntheticRoot(join(dir, 'root'), ubuntu, []);
  if (IS_ROOT) {
    // Readable by uid 65534: the root and every directory above it.
    spawnSync('chmod', ['-R', 'o+rX', root]);
    for (let d = dir; d !== '/'; d = join(d, '..')) chmodSync(d, statSync(d).mode | 0o005);
  }
  // security-updates is left out: a synthetic root has no package lists to check offline (error).
  const run = runAgent(['check', '--root', root, '--format', 'json', '--offline', '--skip', 'security-updates'], AS_NON_ROOT);
  const report = parseReport(run.stdout);
  t.equal(report.summary.error, 0, `no check errors on a readable root: ${JSON.stringify(report.summary)}`);
  t.equal(statusesOf(report).passwords, 'pass');
  t.ok(run.code === 0 || run.code === 1, `exit ${run.code}`);
});
