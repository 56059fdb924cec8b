// dist/agent needs nothing on the target but a Linux kernel: it runs in a root with no C library at
// all, under a simulated Linux 3.10 (no getrandom, no memfd_create), refuses Linux 2.6.32 in one line
// with exit 3, and through its loader still knows its own file (tmp-dirs, the cleanup guard,
// --remove-self). Children's libraries in real roots: test/portable-real-roots.test.ts.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInRoot } from '../fixtures/real/ns-run.js';
import { buildOldKernelHelper, BUSYBOX, cLibrariesIn, comparable, KERNEL_2_6_32, KERNEL_3_10, makeBusyboxRoot, onOldKernel } from '../fixtures/portable/roots.js';
import { makeDirtyRoot } from '../fixtures/synthetic/make-root.js';
import { PROFILES } from '../fixtures/synthetic/profiles.js';
import { AGENT, parseCleanup, parseReport, REPO, requireAgent, runAgent, TEST_TODAY } from './helpers/agent.js';

const skip =
  process.getuid?.() !== 0 ? 'needs root (namespaces, chroot)' : !existsSync(BUSYBOX) ? `needs ${BUSYBOX} (Debian package busybox-static)` : false;
const VERSION = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version as string;
const env = { AGENT_TODAY: TEST_TODAY };

const work = mkdtempSync(join(tmpdir(), 'portable-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

function run(argv: string[], extraEnv: Record<string, string> = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { env: { PATH: process.env.PATH, ...env, ...extraEnv }, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

t.test('the file has no interpreter; its entry point is the launcher below the runtime', { skip }, async (t) => {
  requireAgent();
  const headers = run(['readelf', '-lW', AGENT]).stdout;
  t.notMatch(headers, /INTERP|Requesting program interpreter/, 'no PT_INTERP: the kernel asks for no loader on the target');
  const entry = parseInt(/Entry point 0x([0-9a-f]+)/.exec(headers)![1], 16);
  const loads = [...headers.matchAll(/^\s*LOAD\s+0x[0-9a-f]+ 0x([0-9a-f]+) 0x[0-9a-f]+ 0x([0-9a-f]+) 0x[0-9a-f]+ (.{3})/gm)].map((m) => ({
    start: parseInt(m[1], 16),
    size: parseInt(m[2], 16),
    flags: m[3],
  }));
  const first = loads[0];
  t.ok(entry >= first.start && entry < first.start + first.size, 'e_entry lies in the first PT_LOAD');
  t.equal(first.flags, 'R E', 'which is read-only and executable');
  t.ok(first.start + first.size <= Math.min(...loads.slice(1).map((l) => l.start)), "and below the runtime's segments");
});

t.test('in a root with no C library at all: --version, list, check --root', { skip }, async (t) => {
  requireAgent();
  const root = makeBusyboxRoot(join(work, 'busybox'));
  const image = await makeDirtyRoot(join(root, 'srv/image'), PROFILES.find((p) => p.name === 'debian-12')!);
  t.same(cLibrariesIn(root), [], 'no loader and no libc anywhere in the root');
  const inRoot = (args: string[]) =>
    runInRoot(root, ['/run/agent', ...args], { env, binds: [{ hostPath: AGENT, target: '/run/agent', readOnly: true }], timeoutMs: 60_000 });

  const version = await inRoot(['--version']);
  t.same(version, { code: 0, signal: null, stdout: `${VERSION}\n`, stderr: '' }, '--version');
  const list = await inRoot(['list', '--format', 'json']);
  t.equal(list.code, 0);
  t.equal(list.stdout, runAgent(['list', '--format', 'json']).stdout, 'list: as on this machine');
  // security-updates runs this machine's apt-get on the image: the busybox root has none.
  const inside = await inRoot(['check', '--root', '/srv/image', '--skip', 'security-updates', '--format', 'json']);
  const outside = runAgent(['check', '--root', image.root, '--skip', 'security-updates', '--format', 'json']);
  t.equal(inside.code, 1, 'the dirty image fails');
  t.equal(inside.stderr, '');
  t.same(comparable(inside.stdout), comparable(outside.stdout), 'check --root: the same report as from this machine');
  parseReport(inside.stdout);

  // Without /proc the loader cannot open what the launcher prepared: one line, exit 3.
  copyFileSync(AGENT, join(root, 'agent'));
  chmodSync(join(root, 'agent'), 0o755);
  const noProc = run(['chroot', root, '/agent', '--version']);
  t.same(noProc, { code: 3, stdout: '', stderr: 'agent: cannot open its own file through /proc/self/exe: is /proc mounted?\n' }, 'no /proc: one line, exit 3');
});

t.test('started with stdin, stdout and stderr closed, nothing of the launcher takes their place', { skip }, async (t) => {
  requireAgent();
  // The security check runs this machine's apt-get on the image: a probe first in PATH records the
  // agent's descriptors (its parent's) and its own, then runs the real one.
  const dir = join(work, 'closed');
  mkdirSync(dir);
  const image = await makeDirtyRoot(join(dir, 'image'), PROFILES.find((p) => p.name === 'debian-12')!);
  writeFileSync(join(dir, 'apt-get'), `#!/bin/sh\nls -l /proc/$PPID/fd > ${dir}/agent-fds\nls -l /proc/$$/fd > ${dir}/child-fds\nexec /usr/bin/apt-get "$@"\n`);
  chmodSync(join(dir, 'apt-get'), 0o755);
  const r = spawnSync('sh', ['-c', `exec "$@" <&- >&- 2>&-`, 'sh', AGENT, 'check', '--root', image.root, '--only', 'security-updates', '--report', join(dir, 'report.json')], {
    env: { PATH: `${dir}:${process.env.PATH}`, ...env },
  });
  t.equal(r.status, 1, 'the check ran (the image has a pending update)');
  const targets = (file: string) => new Map(readFileSync(join(dir, file), 'utf8').split('\n').map((l) => / (\d+) -> (.*)$/.exec(l)).filter((m) => m !== null).map((m) => [Number(m[1]), m[2]]));
  const agentFds = targets('agent-fds');
  t.same([0, 1, 2].map((fd) => agentFds.get(fd)), ['/dev/null', '/dev/null', '/dev/null'], "the agent's 0, 1 and 2 are /dev/null");
  t.same([...agentFds.values(), ...targets('child-fds').values()].filter((target) => /memfd|dist\/agent/.test(target)), [], 'no descriptor of the launcher in the agent or its command');
  t.equal(parseReport(readFileSync(join(dir, 'report.json'), 'utf8')).checks[0].status, 'fail', 'and the report was written');
});

t.test('old kernels', { skip }, async (t) => {
  requireAgent();
  const helper = buildOldKernelHelper(work);
  const image = await makeDirtyRoot(join(work, 'image'), PROFILES.find((p) => p.name === 'ubuntu-22.04')!);
  const expected = comparable(runAgent(['check', '--root', image.root, '--format', 'json']).stdout);
  const shmBefore = readdirSync('/dev/shm').filter((n) => n.startsWith('.agent-runtime-'));

  t.test('Linux 3.10 (CentOS 7): no getrandom, no memfd_create, uname says 3.10', async (t) => {
    t.equal(run(onOldKernel(helper, KERNEL_3_10, ['uname', '-r'])).stdout, `${KERNEL_3_10.release}\n`, 'the helper fakes the release');
    const probe = run(onOldKernel(helper, KERNEL_3_10, ['python3', '-c', 'import os; os.memfd_create("x")']));
    t.match(probe.stderr, /Function not implemented/, 'and memfd_create fails as on 3.10');
    const version = run(onOldKernel(helper, KERNEL_3_10, [AGENT, '--version']));
    t.same(version, { code: 0, stdout: `${VERSION}\n`, stderr: '' }, '--version');
    const check = run(onOldKernel(helper, KERNEL_3_10, [AGENT, 'check', '--root', image.root, '--format', 'json']));
    t.equal(check.code, 1);
    t.equal(check.stderr, '');
    t.same(comparable(check.stdout), expected, 'check --root: the same report as on this kernel');
    t.same(readdirSync('/dev/shm').filter((n) => n.startsWith('.agent-runtime-')), shmBefore, 'the unlinked copies left nothing in /dev/shm');
  });

  t.test('Linux 3.10 with /dev/shm and /tmp mounted noexec: the copies go beside the agent', async (t) => {
    // Outside /tmp, which is mounted over.
    const dir = mkdtempSync('/var/tmp/portable-beside-');
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    copyFileSync(AGENT, join(dir, 'agent'));
    chmodSync(join(dir, 'agent'), 0o755);
    copyFileSync(helper, join(dir, 'old-kernel'));
    chmodSync(join(dir, 'old-kernel'), 0o755);
    const moved = join(dir, 'old-kernel');
    const script = 'mount -t tmpfs -o noexec tmpfs /dev/shm && mount -t tmpfs -o noexec tmpfs /tmp && exec "$@"';
    const ok = run(['unshare', '--mount', '--propagation=private', 'sh', '-c', script, 'sh', ...onOldKernel(moved, KERNEL_3_10, [join(dir, 'agent'), '--version'])]);
    t.same(ok, { code: 0, stdout: `${VERSION}\n`, stderr: '' });
    t.same(readdirSync(dir).sort(), ['agent', 'old-kernel'], 'and left nothing there');
    // Nowhere writable with executable mappings: one line, exit 3.
    const none = `${script.replace(' && exec "$@"', '')} && mount --bind -o ro ${dir} ${dir} && mount -o remount,bind,ro ${dir} && exec "$@"`;
    const refused = run(['unshare', '--mount', '--propagation=private', 'sh', '-c', none, 'sh', ...onOldKernel(moved, KERNEL_3_10, [join(dir, 'agent'), '--version'])]);
    t.equal(refused.code, 3);
    t.equal(refused.stdout, '');
    t.match(refused.stderr, /^agent: cannot unpack its runtime library ld-linux-x86-64\.so\.2: no memfd_create, and \/dev\/shm, its own directory and \/tmp are not writable with executable mappings\n$/);
  });

  t.test('Linux 2.6.32 (CentOS 6): one line saying so and what to do, exit 3', async (t) => {
    for (const args of [['--version'], ['check', '--root', image.root]]) {
      const refused = run(onOldKernel(helper, KERNEL_2_6_32, [AGENT, ...args]));
      t.equal(refused.code, 3, `${args.join(' ')}: exit 3`);
      t.equal(refused.stdout, '', 'nothing on stdout');
      t.equal(refused.stderr.split('\n').length, 2, 'one line');
      t.match(refused.stderr, /^agent: this machine runs Linux 2\.6\.32-754\.el6\.x86_64, older than the 3\.10 the agent needs; .*newer machine.*agent check --root DIR\n$/);
    }
  });
});

t.test('the agent knows its own file through its loader', { skip }, async (t) => {
  requireAgent();
  const root = makeBusyboxRoot(join(work, 'self'));
  const inRoot = (argv: string[]) => runInRoot(root, argv, { env, timeoutMs: 60_000 });
  const plant = (path: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    copyFileSync(AGENT, join(root, path));
    chmodSync(join(root, path), 0o755);
  };
  const leftovers = (stdout: string) =>
    parseReport(stdout)
      .checks.find((c) => c.id === 'tmp-dirs')!
      .findings.map((f) => f.path);

  t.test('tmp-dirs never reports it, wherever in /tmp it is', async (t) => {
    writeFileSync(join(root, 'tmp/leftover'), 'x');
    plant('/tmp/agent');
    plant('/tmp/build/agent');
    const direct = await inRoot(['/tmp/agent', 'check', '--only', 'tmp-dirs', '--format', 'json']);
    t.same(leftovers(direct.stdout).sort(), ['/tmp/build', '/tmp/leftover'], 'run as /tmp/agent: /tmp/agent is not a leftover');
    const nested = await inRoot(['sh', '-c', 'cd /tmp/build && ./agent check --only tmp-dirs --format json']);
    t.same(leftovers(nested.stdout).sort(), ['/tmp/agent', '/tmp/leftover'], 'run as ./agent in /tmp/build: neither it nor its directory');
  });

  t.test('cleanup keeps it and its directory, and --remove-self removes exactly it', async (t) => {
    const kept = await inRoot(['/tmp/build/agent', 'cleanup', '--yes', '--only', 'tmp-dirs', '--format', 'json']);
    t.ok(existsSync(join(root, 'tmp/build/agent')), 'the running agent is still there');
    t.notOk(existsSync(join(root, 'tmp/agent')) || existsSync(join(root, 'tmp/leftover')), 'the other agent and the leftover are gone');
    t.equal(kept.code, 0);
    const removed = await inRoot(['/tmp/build/agent', 'cleanup', '--yes', '--only', 'tmp-dirs', '--remove-self', '--format', 'json']);
    const self = parseCleanup<{ actions: { check: string; path?: string; status: string }[] }>(removed.stdout).actions.find((a) => a.check === 'cleanup');
    t.same(self, { check: 'cleanup', kind: 'remove-self', path: '/tmp/build/agent', status: 'done' }, 'the action names the real file');
    t.notOk(existsSync(join(root, 'tmp/build/agent')), 'and it is gone');
  });

  t.test('a forged argv[0] (the system loader run by hand) points --remove-self at nothing else', async (t) => {
    const dir = join(work, 'forged');
    mkdirSync(dir);
    copyFileSync(AGENT, join(dir, 'agent'));
    writeFileSync(join(dir, 'decoy'), 'decoy');
    const image = await makeDirtyRoot(join(work, 'forged-image'), PROFILES.find((p) => p.name === 'debian-12')!);
    const forged = run(['/lib64/ld-linux-x86-64.so.2', '--argv0', join(dir, 'decoy'), join(dir, 'agent'), 'cleanup', '--root', image.root, '--yes', '--only', 'machine-id', '--remove-self', '--format', 'json']);
    const self = parseCleanup<{ actions: { check: string; path?: string; status: string }[] }>(forged.stdout).actions.find((a) => a.check === 'cleanup');
    t.same(self, { check: 'cleanup', kind: 'remove-self', path: join(dir, 'agent'), status: 'done' });
    t.same(readdirSync(dir), ['decoy'], 'the decoy argv[0] named is still there');
  });
});
