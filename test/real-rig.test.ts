// Tests of the real-root test rig itself (fixtures/real/), on bookworm: if these fail, every
// test built on real roots is suspect. Needs root (mmdebstrap, chroot, namespaces); the first
// run on a machine builds the cached tarball (~35 s), later runs unpack it (~2 s).
import t, { type Test } from 'tap';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedRootTarball, freshRoot } from '../fixtures/real/debian-roots.js';
import { debianMirrors } from '../fixtures/real/mirrors.js';
import { runInRoot } from '../fixtures/real/ns-run.js';
import { addLocalSecurityRepo, prepareAsVendor, useOnlyLocalSources } from '../fixtures/real/security-repo.js';
import { REAL_ROOTS, requires } from './helpers/requires.js';

const SUITE = 'bookworm';

// A fresh bookworm root in its own temp dir. The dirs are removed when the whole file ends, not
// after each test: on ext4 without a journal (this machine's disk) the inode allocator skips
// inodes freed in the last 1-5 minutes, one by one, so unpacking 16k files right after deleting
// another root takes ~12 s instead of ~1.5 s.
const tempDirs: string[] = [];
t.teardown(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

// Needs no root: parsing only, on a made-up apt configuration (no real host names).
t.test('debianMirrors reads deb822 and one-line sources', async (t) => {
  const apt = mkdtempSync(join(tmpdir(), 'real-rig-apt-'));
  t.teardown(() => rmSync(apt, { recursive: true, force: true }));
  mkdirSync(join(apt, 'sources.list.d'));
  writeFileSync(join(apt, 'sources.list'), '# deb http://old.invalid/debian stretch main\n');
  writeFileSync(
    join(apt, 'sources.list.d/other.sources'),
    'Types: deb\nURIs: https://vendor.invalid/apt\nSuites: nodistro\nComponents: main\n',
  );
  writeFileSync(
    join(apt, 'sources.list.d/debian.sources'),
    'Types: deb\n# a comment\nURIs: http://mirror.invalid/debian/\nSuites: bookworm bookworm-updates\nComponents: main\n\n' +
      'Types: deb\nURIs: http://sec.invalid/debian-security\nSuites: bookworm-security\nComponents: main\n',
  );
  writeFileSync(join(apt, 'sources.list.d/off.sources.disabled'), 'Types: deb\nURIs: http://x.invalid/debian\nSuites: sid\n');
  t.same(debianMirrors(apt), { mirror: 'http://mirror.invalid/debian', securityMirror: 'http://sec.invalid/debian-security' });

  // One-line format, no -security entry: derived from the main mirror.
  rmSync(join(apt, 'sources.list.d'), { recursive: true });
  writeFileSync(join(apt, 'sources.list'), 'deb [arch=amd64] http://mirror.invalid/debian trixie main\n');
  t.same(debianMirrors(apt), { mirror: 'http://mirror.invalid/debian', securityMirror: 'http://mirror.invalid/debian-security' });

  writeFileSync(join(apt, 'sources.list'), '');
  t.throws(() => debianMirrors(apt), /no Debian mirror found/);
});

// Everything below needs root; without it the tests are reported as skipped with this reason.
const skip = requires(REAL_ROOTS);

// Building the tarball on a cold cache can take a minute or more.
t.setTimeout(15 * 60_000);
await t.test('cached tarball exists before the per-test roots are made', { skip }, async (t) => {
  const tarball = await cachedRootTarball(SUITE);
  t.ok(statSync(tarball).size > 10_000_000, `${tarball} looks like a real root`);
});

t.test('freshRoot unpacks the right suite, with -updates/-security sources and policy-rc.d', { skip }, async (t) => {
  const root = await tempRoot(t);
  const osRelease = readFileSync(join(root, 'etc/os-release'), 'utf8');
  t.match(osRelease, /^VERSION_CODENAME=bookworm$/m);
  const sources = readFileSync(join(root, 'etc/apt/sources.list'), 'utf8');
  t.match(sources, /^deb \S+ bookworm-updates main$/m);
  t.match(sources, /^deb \S+ bookworm-security main$/m);
  t.equal(statSync(join(root, 'usr/sbin/policy-rc.d')).mode & 0o777, 0o755);
  const r = await runInRoot(root, ['/usr/sbin/policy-rc.d']);
  t.equal(r.code, 101, 'policy-rc.d forbids starting services');
  t.same(readdirSync(join(root, 'dev')), [], 'no device nodes unpacked');
  const shadow = statSync(join(root, 'etc/shadow'));
  t.same([shadow.uid, shadow.gid, shadow.mode & 0o7777], [0, 42, 0o640], 'owners and modes kept (root:shadow 0640)');
  t.equal(statSync(join(root, 'usr/bin/passwd')).mode & 0o7777, 0o4755, 'setuid bit kept');
  t.ok(lstatSync(join(root, 'bin')).isSymbolicLink(), 'symlinks kept (merged /usr)');
});

t.test('runInRoot: isolated network, clean env, nothing left mounted on the host', { skip }, async (t) => {
  const root = await tempRoot(t);
  const runBefore = readdirSync(join(root, 'run'));
  const r = await runInRoot(root, ['sh', '-c', 'ls /sys/class/net; echo "env:$(env | sort | tr "\\n" " ")"'], {
    env: { RIG_MARK: 'x' },
    binds: [{ hostPath: join(root, 'etc/hostname'), target: '/run/rig/hostname', readOnly: true }],
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.stdout.split('\n').filter((l) => l && !l.startsWith('env:')), ['lo'], 'only lo in /sys/class/net');
  t.match(r.stdout, /^env:HOME=\/root LANG=C\.UTF-8 PATH=\S+ PWD=\/ RIG_MARK=x $/m, 'only the variables we set');

  const timedOut = await runInRoot(root, ['sh', '-c', 'sleep 311 & sleep 311'], { timeoutMs: 1000 });
  t.equal(timedOut.signal, 'SIGKILL', 'timeout kills the run');
  await new Promise((res) => setTimeout(res, 200));
  t.notOk(processWithArgs('sleep\u0000311'), 'the background child in the namespace died too');

  const leftover = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .filter((l) => l.includes(root));
  t.same(leftover, [], 'host /proc/mounts holds nothing under the root');
  t.same(readdirSync(join(root, 'run')), runBefore, 'the root itself is not dirtied by the /run tmpfs');
});

t.test('local security repo offers 1.1 as a Debian-Security update', { skip }, async (t) => {
  const root = await tempRoot(t);
  const dummy = await addLocalSecurityRepo(root);
  t.same(dummy, { pkg: 'mpa-dummy', installed: '1.0', candidate: '1.1' });
  const moved = await useOnlyLocalSources(root);
  t.same(moved, ['/etc/apt/sources.list'], 'remote sources moved aside');
  const update = await runInRoot(root, ['apt-get', 'update']);
  t.equal(update.code, 0, update.stderr);
  const sim = await runInRoot(root, ['apt-get', '-s', 'dist-upgrade']);
  t.equal(sim.code, 0, sim.stderr);
  t.match(sim.stdout, /^Inst mpa-dummy \[1\.0\] \(1\.1 Debian-Security:bookworm-security \[all\]\)$/m);
});

t.test('prepareAsVendor: no pending upgrade, ufw on at boot, vendor traces gone', { skip }, async (t) => {
  const root = await tempRoot(t);
  await addLocalSecurityRepo(root);
  // Leave the traces a vendor's build session would, so the clean-up has something to remove.
  const w = (rel: string, text = 'x\n') => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  w('root/.bash_history', 'apt-get install secret-sauce\n');
  w('root/.ssh/authorized_keys', 'ssh-ed25519 AAAA vendor@laptop\n');
  w('var/log/vendor.log', 'build log\n');
  w('var/log/vendor.log.1');
  w('var/log/vendor.log.2.gz');
  w('var/log/journal/0123456789abcdef/system.journal');
  w('tmp/build-junk/a');
  w('var/tmp/junk');
  w('etc/machine-id', '0123456789abcdef0123456789abcdef\n');
  w('var/lib/cloud/instances/i-123/obj.pkl');
  const shadowPath = join(root, 'etc/shadow');
  writeFileSync(shadowPath, readFileSync(shadowPath, 'utf8').replace(/^root:[^:]*:/m, 'root:$6$salt$hashhashhash:'));
  const sshHostKeys = readdirSync(join(root, 'etc/ssh')).filter((n) => n.startsWith('ssh_host_'));

  await prepareAsVendor(root);

  const sim = await runInRoot(root, ['apt-get', '-s', 'dist-upgrade']);
  t.equal(sim.code, 0, sim.stderr);
  t.notMatch(sim.stdout, /^Inst /m, 'nothing left to upgrade');
  t.match(sim.stdout, /^0 upgraded, 0 newly installed/m);
  t.match(readFileSync(join(root, 'etc/ufw/ufw.conf'), 'utf8'), /^ENABLED=yes$/m);
  t.match(readFileSync(join(root, 'etc/ufw/user.rules'), 'utf8'), /--dport 22 -j ACCEPT/);
  // lstat: the link is absolute and resolves only inside the root.
  const wants = lstatSync(join(root, 'etc/systemd/system/multi-user.target.wants/ufw.service'), { throwIfNoEntry: false });
  t.ok(wants?.isSymbolicLink(), 'ufw.service wanted by multi-user.target');
  t.match(readFileSync(shadowPath, 'utf8'), /^root:[*!]:/m, 'root password locked');
  t.equal(readFileSync(join(root, 'etc/machine-id'), 'utf8'), '');
  t.same(readdirSync(join(root, 'tmp')), []);
  t.same(readdirSync(join(root, 'var/tmp')), []);
  t.same(nonEmptyFiles(join(root, 'var/log')), [], 'every log file is empty');
  for (const gone of ['root/.bash_history', 'root/.ssh/authorized_keys', 'var/log/vendor.log.1', 'var/log/vendor.log.2.gz',
    'var/log/journal/0123456789abcdef/system.journal', 'var/lib/cloud/instances']) {
    t.notOk(lstatSync(join(root, gone), { throwIfNoEntry: false }), `${gone} removed`);
  }
  t.ok(lstatSync(join(root, 'var/log/vendor.log'), { throwIfNoEntry: false }), 'current logs kept (truncated)');
  t.same(readdirSync(join(root, 'etc/ssh')).filter((n) => n.startsWith('ssh_host_')), sshHostKeys, 'host keys left alone');
  t.ok(readFileSync(join(root, 'etc/apt/sources.list'), 'utf8').includes('-security'), 'remote sources kept');
});

// A fresh bookworm root in its own temp dir (see tempDirs for when it is removed).
async function tempRoot(t: Test): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `real-rig-${t.name.split(/\W/)[0]}-`));
  tempDirs.push(dir);
  return freshRoot(SUITE, join(dir, 'root'));
}

function processWithArgs(needle: string): boolean {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(needle)) return true;
    } catch {
      // the process exited while we looked
    }
  }
  return false;
}

function nonEmptyFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    if (statSync(p).size > 0) out.push(p);
  }
  return out;
}
