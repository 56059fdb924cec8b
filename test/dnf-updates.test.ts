// scanDnfUpdates: pending (security) updates of EL images.
//
// Part 1 scripts Host.run (no root needed): exit codes, refresh and offline flows, live yum.
// Part 2 runs this machine's dnf against real rpm fixture roots (fixtures/rpm/), which needs root,
// rpm, dnf and createrepo_c. Observed with Debian 12's dnf 4.14 / rpm 4.18 (see the header of
// distros/dnf-updates.ts for the why):
//   - a scan takes about 1.3 s (makecache, check-update --security, check-update, updateinfo, rpm -qa);
//   - the root is unchanged to the nanosecond (paths, sizes, mtimes), including the rpmdb's
//     -shm/-wal files, which a plain `rpm --root` query rewrites or creates;
//   - no enabled repository -> makecache exits 0, check-update exits 1 -> ok:false;
//   - an unreachable baseurl -> makecache exits 1 "Failed to download metadata" (also in the
//     centos-7 root, which has no dnf.conf of its own) -> ok:false.
import { lstat, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t, { type Test } from 'tap';
import { Host } from '../agent/host.js';
import type { RunOptions, RunResult } from '../agent/runner.js';
import { scanDnfUpdates, type UpdateScan } from '../distros/dnf-updates.js';
import { run } from '../fixtures/rpm/exec.js';
import { rpmHostEnv } from '../fixtures/rpm/host-env.js';
import { buildDummyRpms } from '../fixtures/rpm/dummy-rpms.js';
import { MPA_DUMMY_12 } from '../fixtures/rpm/recipes.js';
import { makeRpmRoot, type RpmDistro } from '../fixtures/rpm/rpm-roots.js';
import { addSupersedingVersion } from '../fixtures/rpm/security-repo.js';
import { DNF_ROOTS, requires } from './helpers/requires.js';

// ---------------------------------------------------------------------------------------------
// Part 1: a host whose commands are scripted.

type Reply = Partial<RunResult>;
interface Call {
  command: string;
  args: string[];
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

class ScriptedHost extends Host {
  readonly calls: Call[] = [];
  constructor(mode: 'live' | 'root', private readonly reply: (cmd: string, args: string[]) => Reply) {
    super('/nonexistent-root', mode);
  }
  override async run(command: string, args: readonly string[], options: Partial<RunOptions> = {}): Promise<RunResult> {
    this.calls.push({ command, args: [...args], env: options.env, timeoutMs: options.timeoutMs });
    return {
      command: [command, ...args].join(' '),
      code: 0,
      signal: null,
      stdout: '',
      stderr: '',
      timedOut: false,
      durationMs: 5,
      ...this.reply(command, [...args]),
    };
  }
}

const has = (args: string[], ...words: string[]) => words.every((w) => args.includes(w));

const RPM_QA = 'mpa-dummy.noarch mpa-dummy 0:1.0-1\nkernel.x86_64 kernel 0:5.14.0-1.el9\nkernel.x86_64 kernel 0:5.14.0-3.el9\nbind-libs.x86_64 bind-libs 32:9.16.23-1.el9\n';
const DNF_SECURITY = 'mpa-dummy.noarch    1.1-1    local-security\nbind-libs.x86_64   32:9.16.23-18.el9   baseos\n';
const DNF_ALL = '\n' + DNF_SECURITY + 'kernel.x86_64   5.14.0-4.el9   baseos\n';
const DNF_UPDATEINFO = 'RLSA-2026:0001 Important/Sec. mpa-dummy-1.1-1.noarch\nRLSA-2024:1 Moderate/Sec. bind-libs-32:9.16.23-18.el9.x86_64\nRLSA-2024:2 Low/Sec. bind-libs-32:9.16.23-10.el9.x86_64\n';

function dnfLive(overrides: (args: string[]) => Reply | undefined = () => undefined) {
  return (cmd: string, args: string[]): Reply => {
    const o = overrides(args);
    if (o) return o;
    if (cmd === 'rpm') return { stdout: RPM_QA };
    if (has(args, 'makecache')) return { stdout: 'Metadata cache created.\n' };
    if (has(args, 'check-update', '--security')) return { code: 100, stdout: DNF_SECURITY };
    if (has(args, 'check-update')) return { code: 100, stdout: DNF_ALL };
    if (has(args, 'updateinfo')) return { stdout: DNF_UPDATEINFO };
    return { code: 2, stderr: `unexpected ${cmd} ${args.join(' ')}` };
  };
}

t.test('live dnf: refresh once, then cache-only queries, merged result', async (t) => {
  const host = new ScriptedHost('live', dnfLive());
  const scan = await scanDnfUpdates(host, 'dnf', { offline: false, refreshTimeoutMs: 1234 });
  t.same(scan, {
    ok: true,
    refreshed: true,
    notes: [],
    updates: [
      { name: 'bind-libs', arch: 'x86_64', candidate: '32:9.16.23-18.el9', security: true, installed: '32:9.16.23-1.el9', advisory: 'RLSA-2024:1, RLSA-2024:2' },
      { name: 'kernel', arch: 'x86_64', candidate: '5.14.0-4.el9', security: false, installed: '5.14.0-3.el9' },
      { name: 'mpa-dummy', arch: 'noarch', candidate: '1.1-1', security: true, installed: '1.0-1', advisory: 'RLSA-2026:0001' },
    ],
  });
  const dnfCalls = host.calls.filter((c) => c.command === 'dnf');
  t.same(dnfCalls.map((c) => c.args.filter((a) => !a.startsWith('--setopt') && a !== '-y')), [
    ['--refresh', 'makecache'],
    ['-C', 'check-update', '--security'],
    ['-C', 'check-update'],
    ['-C', 'updateinfo', 'list', '--security'],
  ]);
  t.ok(dnfCalls.every((c) => c.args.includes('--setopt=skip_if_unavailable=False') && c.env?.LC_ALL === 'C'));
  t.equal(dnfCalls[0].timeoutMs, 1234, 'the refresh gets refreshTimeoutMs');
  t.notOk(host.calls.some((c) => c.args.some((a) => a.startsWith('--installroot'))), 'live mode never uses --installroot');
});

t.test('live dnf offline: no refresh, cache only, a note says so', async (t) => {
  const host = new ScriptedHost('live', dnfLive());
  const scan = await scanDnfUpdates(host, 'dnf', { offline: true });
  t.equal(scan.ok, true);
  if (!scan.ok) return;
  t.equal(scan.refreshed, false);
  t.match(scan.notes.join('\n'), /not refreshed/);
  t.notOk(host.calls.some((c) => c.args.includes('makecache')));
  t.ok(host.calls.filter((c) => c.command === 'dnf').every((c) => c.args.includes('-C')));
});

t.test('live dnf: failures are ok:false, never an empty success', async (t) => {
  const cases: Array<[string, boolean, (args: string[]) => Reply | undefined, RegExp]> = [
    [
      'refresh without network',
      false,
      (a) => a.includes('makecache')
        ? {
            code: 1,
            stderr: "Errors during downloading metadata for repository 'baseos':\n  - Curl error (6): Couldn't resolve host name for https://user:hunter2@mirror.example.com/repodata/repomd.xml [Could not resolve host: mirror.example.com]\nError: Failed to download metadata for repo 'baseos': Cannot download repomd.xml: Curl error (6): Couldn't resolve host name for https://user:hunter2@mirror.example.com/repodata/repomd.xml\n",
          }
        : undefined,
      /^refreshing the repository metadata failed: exit code 1: Error: Failed to download metadata for repo 'baseos'.*Couldn't resolve host name for https:\/\/\*\*\*@mirror\.example\.com/,
    ],
    [
      'offline without a cache',
      true,
      (a) => a.includes('check-update') ? { code: 1, stderr: "Error: Cache-only enabled but no cache for 'baseos'\n" } : undefined,
      /^no cached repository metadata, and the scan is offline/,
    ],
    [
      'no enabled repository',
      false,
      (a) => a.includes('check-update') ? { code: 1, stderr: 'Error: There are no enabled repositories in "/etc/yum.repos.d", "/etc/yum/repos.d", "/etc/distro.repos.d".\n' } : undefined,
      /^no enabled repository/,
    ],
    ['check-update times out', false, (a) => a.includes('--security') ? { code: null, signal: 'SIGKILL', timedOut: true, durationMs: 180_000 } : undefined, /check-update --security failed: dnf timed out after 180 s/],
    ['check-update exit 1', false, (a) => a.includes('check-update') && !a.includes('--security') ? { code: 1, stderr: 'Error: rpmdb open failed\n' } : undefined, /^dnf check-update failed: exit code 1: Error: rpmdb open failed$/],
    ['exit 100 but no readable row', false, (a) => a.includes('--security') ? { code: 100, stdout: 'garbage\n' } : undefined, /exited 100 .* no update row/],
    ['dnf missing', false, () => ({ code: null, spawnError: 'dnf: command not found' }), /command not found/],
  ];
  for (const [name, offline, override, reason] of cases) {
    const scan = await scanDnfUpdates(new ScriptedHost('live', dnfLive(override)), 'dnf', { offline });
    t.equal(scan.ok, false, name);
    if (!scan.ok) {
      t.match(scan.reason, reason, name);
      t.notMatch(scan.reason, /hunter2|user:/, `${name}: no credentials`);
    }
  }
});

t.test('live dnf: a failing updateinfo only adds a note', async (t) => {
  const host = new ScriptedHost('live', dnfLive((a) => (a.includes('updateinfo') ? { code: 1, stderr: 'Error: oops\n' } : undefined)));
  const scan = await scanDnfUpdates(host, 'dnf', { offline: false });
  t.equal(scan.ok, true);
  if (!scan.ok) return;
  t.equal(scan.updates.filter((u) => u.security).length, 2);
  t.notOk(scan.updates.some((u) => u.advisory));
  t.match(scan.notes.join('\n'), /advisory ids unknown: dnf updateinfo list failed: exit code 1: Error: oops/);
});

t.test('live dnf: nothing pending (exit 0) is an empty success', async (t) => {
  const scan = await scanDnfUpdates(new ScriptedHost('live', dnfLive((a) => (a.includes('check-update') ? { code: 0, stdout: '\n' } : undefined))), 'dnf', { offline: false });
  t.same(scan, { ok: true, updates: [], refreshed: true, notes: [] });
});

t.test('live yum (EL7): its own output and commands', async (t) => {
  const yumSecurity = 'Loaded plugins: fastestmirror\nLoading mirror speeds from cached hostfile\n * base: mirror.example.com\n1 package(s) needed for security, out of 2 available\n\nmpa-dummy.noarch    1.1-1    local-security\n';
  const yumAll = '\nLoaded plugins: fastestmirror\nLoading mirror speeds from cached hostfile\n\nmpa-dummy.noarch    1.1-1    local-security\nNetworkManager-config-server.noarch\n                    1:1.18.8-2.el7_9     updates\n';
  const host = new ScriptedHost('live', (cmd, args) => {
    if (cmd === 'rpm') return { stdout: 'mpa-dummy.noarch mpa-dummy 0:1.0-1\nNetworkManager-config-server.noarch NetworkManager-config-server 1:1.18.8-1.el7\n' };
    if (cmd !== 'yum') return { code: 2 };
    if (has(args, 'clean', 'expire-cache') || has(args, 'makecache', 'fast')) return {};
    if (has(args, 'check-update', '--security')) return { code: 100, stdout: yumSecurity };
    if (has(args, 'check-update')) return { code: 100, stdout: yumAll };
    if (has(args, 'updateinfo', 'list', 'security')) return { stdout: 'Loaded plugins: fastestmirror\nCESA-2026:0001 Important/Sec. mpa-dummy-1.1-1.noarch\nupdateinfo list done\n' };
    return { code: 2 };
  });
  const scan = await scanDnfUpdates(host, 'yum', { offline: false });
  t.same(scan, {
    ok: true,
    refreshed: true,
    notes: [],
    updates: [
      { name: 'mpa-dummy', arch: 'noarch', candidate: '1.1-1', security: true, installed: '1.0-1', advisory: 'CESA-2026:0001' },
      { name: 'NetworkManager-config-server', arch: 'noarch', candidate: '1:1.18.8-2.el7_9', security: false, installed: '1:1.18.8-1.el7' },
    ].sort((a, b) => a.name.localeCompare(b.name)),
  });
  t.same(host.calls.filter((c) => c.command === 'yum').map((c) => c.args.filter((a) => !a.startsWith('--setopt') && a !== '-y')), [
    ['clean', 'expire-cache'],
    ['makecache', 'fast'],
    ['check-update', '--security'],
    ['check-update'],
    ['updateinfo', 'list', 'security'],
  ]);
});

t.test('root mode without dnf on this machine: a skip reason', async (t) => {
  const host = new ScriptedHost('root', (cmd) => (cmd === 'dnf' ? { code: null, spawnError: 'dnf: command not found' } : {}));
  const scan = await scanDnfUpdates(host, 'yum', { offline: false });
  t.same(scan, { ok: false, reason: 'skip: dnf is not installed on this machine, so updates of an EL image cannot be listed from outside' });
  t.equal(host.calls.length, 1);
});

// ---------------------------------------------------------------------------------------------
// Part 2: real dnf against fixture roots.

const skipReal = requires(DNF_ROOTS);

async function tempRoot(t: { teardown: (fn: () => unknown) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dnf-updates-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'root');
}

/** Every entry under root: relative path, type, size and mtime to the nanosecond. */
async function snapshot(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for (const name of (await readdir(dir)).sort()) {
      const p = join(dir, name);
      const st = await lstat(p, { bigint: true });
      const kind = st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : st.isFile() ? 'f' : 'o';
      out.push(`${relative(root, p)} ${kind} ${st.size} ${st.mtimeNs}`);
      if (st.isDirectory()) await walk(p);
    }
  };
  out.push(`. d ${(await lstat(root, { bigint: true })).mtimeNs}`);
  await walk(root);
  return out;
}

const hostScratch = async () => (await readdir('/var/tmp')).filter((n) => n.startsWith('mpa-dnf-')).sort();

/**
 * Scratch directories that appeared since `before` and stay. Another test file's scan of an RPM root
 * (tap runs two files at once) makes and removes its own within seconds; a leak stays for good.
 */
async function scratchLeftSince(before: string[]): Promise<string[]> {
  for (let attempt = 0; ; attempt++) {
    const left = (await hostScratch()).filter((name) => !before.includes(name));
    if (left.length === 0 || attempt === 60) return left;
    await sleep(500);
  }
}

/** Scans a root and checks it was left exactly as it was, with no scratch left on the host. */
async function scanUnchanged(t: Test, root: string, pm: 'dnf' | 'yum', offline = false): Promise<UpdateScan> {
  const before = await snapshot(root);
  const scratchBefore = await hostScratch();
  const scan = await scanDnfUpdates(new Host(root, 'root'), pm, { offline });
  t.same(await snapshot(root), before, 'the root is unchanged (paths, sizes, mtimes)');
  t.same(await scratchLeftSince(scratchBefore), [], 'no scratch directory left in /var/tmp');
  return scan;
}

const DISTROS: Array<[RpmDistro, 'dnf' | 'yum', string]> = [
  ['rocky-9', 'dnf', 'RLSA-2026:0001'],
  ['almalinux-8', 'dnf', 'ALSA-2026:0001'],
  ['centos-7', 'yum', 'CESA-2026:0001'],
];

for (const [distro, pm, advisory] of DISTROS) {
  t.test(`${distro}: mpa-dummy 1.1 is a pending security update`, { skip: skipReal }, async (t) => {
    const root = await makeRpmRoot(await tempRoot(t), distro);
    const scan = await scanUnchanged(t, root, pm);
    t.same(scan, {
      ok: true,
      refreshed: true,
      notes: [],
      updates: [{ name: 'mpa-dummy', arch: 'noarch', candidate: '1.1-1', security: true, installed: '1.0-1', advisory }],
    });
  });
}

t.test('rocky-9: a security fix superseded by a newer bugfix release is still a security update', { skip: skipReal }, async (t) => {
  const root = await makeRpmRoot(await tempRoot(t), 'rocky-9');
  await addSupersedingVersion(root, await buildDummyRpms(), MPA_DUMMY_12);
  const scan = await scanUnchanged(t, root, 'dnf');
  t.same(scan.ok ? scan.updates.map((u) => [u.name, u.installed, u.security, u.advisory]) : scan, [['mpa-dummy', '1.0-1', true, 'RLSA-2026:0001']]);
});

t.test('rocky-9 with no repository: ok:false "no enabled repository"', { skip: skipReal }, async (t) => {
  // An image without an enabled repository can never receive a security update: that is a
  // finding for the check, not "no pending updates".
  const root = await makeRpmRoot(await tempRoot(t), 'rocky-9', { securityUpdate: false });
  const scan = await scanUnchanged(t, root, 'dnf');
  t.equal(scan.ok, false);
  if (!scan.ok) t.match(scan.reason, /^no enabled repository/);
});

t.test('rocky-9 with everything installed: ok, no updates', { skip: skipReal }, async (t) => {
  const root = await makeRpmRoot(await tempRoot(t), 'rocky-9');
  const rpm = (await readdir(join(root, 'srv/repo'))).find((n) => n.endsWith('.rpm')) as string;
  await run('rpm', ['--root', root, '--dbpath', '/var/lib/rpm', '-U', '--nodeps', join(root, 'srv/repo', rpm)]);
  const scan = await scanUnchanged(t, root, 'dnf');
  t.same(scan, { ok: true, updates: [], refreshed: true, notes: [] });
});

t.test('offline: no cached metadata in the image -> ok:false; with the image cache -> ok, not refreshed', { skip: skipReal }, async (t) => {
  const root = await makeRpmRoot(await tempRoot(t), 'almalinux-8');
  const first = await scanUnchanged(t, root, 'dnf', true);
  t.equal(first.ok, false);
  if (!first.ok) t.match(first.reason, /offline and the image holds no cached dnf repository metadata/);

  // What `dnf makecache` inside the image would have left in its /var/cache/dnf.
  const logs = await mkdtemp(join(tmpdir(), 'dnf-updates-logs-'));
  t.teardown(() => rm(logs, { recursive: true, force: true }));
  await run('dnf', [
    `--installroot=${root}`, `--setopt=cachedir=${join(root, 'var/cache/dnf')}`, `--setopt=logdir=${logs}`,
    '-y', '-q', 'makecache',
  ], { env: await rpmHostEnv() });
  const scan = await scanUnchanged(t, root, 'dnf', true);
  t.equal(scan.ok, true, scan.ok ? '' : scan.reason);
  if (!scan.ok) return;
  t.equal(scan.refreshed, false);
  t.match(scan.notes.join('\n'), /not refreshed/);
  t.match(scan.notes.join('\n'), /image's cached metadata of 1 repository/);
  t.same(scan.updates.map((u) => [u.name, u.candidate, u.security]), [['mpa-dummy', '1.1-1', true]]);
});

for (const distro of ['rocky-9', 'centos-7'] as const) {
  t.test(`${distro}: unreachable repository -> ok:false with the reason`, { skip: skipReal }, async (t) => {
    const root = await makeRpmRoot(await tempRoot(t), distro);
    await writeFile(
      join(root, 'etc/yum.repos.d/local-security.repo'),
      '[local-security]\nname=Local security updates (test rig)\nbaseurl=http://user:hunter2@127.0.0.1:9/\nenabled=1\ngpgcheck=0\n',
    );
    const scan = await scanUnchanged(t, root, distro === 'centos-7' ? 'yum' : 'dnf');
    t.equal(scan.ok, false);
    if (scan.ok) return;
    t.match(scan.reason, /^refreshing the repository metadata failed: exit code 1: Error: Failed to download metadata for repo 'local-security'/);
    t.match(scan.reason, /127\.0\.0\.1/);
    t.notMatch(scan.reason, /hunter2/);
  });
}
