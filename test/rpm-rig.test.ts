// The RPM fixture rig itself: real rpm databases and a real dnf security repository built from
// dummy packages (fixtures/rpm/). Needs root (rpm --root chroots) and Debian's rpm, dnf and
// createrepo-c packages.
//
// Observed on Debian 12 (dnf 4.14.0, rpm 4.18.0), rocky-9 root, HOME from rpmHostEnv():
//   dnf --installroot=ROOT check-update --security          -> exit 100, stdout:
//     "Local security updates (test rig)   317 kB/s | 1.4 kB  00:00"  (only when metadata is fetched)
//     ""                                                              (a blank line)
//     "mpa-dummy.noarch                      1.1-1                       local-security"
//   dnf --installroot=ROOT check-update                     -> same rows, exit 100
//   dnf --installroot=ROOT updateinfo list --security       -> exit 0 (never 100), stdout:
//     "RLSA-2026:0001 Important/Sec. mpa-dummy-1.1-1.noarch"
// With cached metadata dnf may add "Last metadata expiration check: 0:00:01 ago on <date>." as the
// first stdout line; -q drops it and the progress line. No updates pending: exit 0, no rows.
// No enabled repository: check-update exits 1 ("Error: There are no enabled repositories in ..."
// on stderr), updateinfo list exits 0 with empty output. Without the .rpmmacros HOME, dnf sees an
// empty rpmdb and check-update --security exits 0: a silent false "no updates".
import { mkdtemp, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runStatus } from '../fixtures/rpm/exec.js';
import { rpmHostEnv } from '../fixtures/rpm/host-env.js';
import { makeRpmRoot } from '../fixtures/rpm/rpm-roots.js';
import { DNF_ROOTS, requires, RPM_ROOTS } from './helpers/requires.js';

const skipRpm = requires(RPM_ROOTS);
const skipDnf = requires(DNF_ROOTS);

/** A fresh directory for one test, removed when the test ends. */
async function tempRoot(t: { teardown: (fn: () => unknown) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rpm-rig-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'root');
}

async function rpmQuery(root: string, ...args: string[]) {
  return runStatus('rpm', ['--root', root, '--dbpath', '/var/lib/rpm', ...args]);
}

const osRelease = async (root: string) =>
  Object.fromEntries(
    (await readFile(join(root, 'etc/os-release'), 'utf8'))
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => {
        const i = l.indexOf('=');
        return [l.slice(0, i), l.slice(i + 1).replace(/^"(.*)"$/, '$1')];
      }),
  );

const NEVR = '%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE}\\n';

t.test('rocky-9 root has a real rpm database with versions', { skip: skipRpm }, async (t) => {
  const root = await makeRpmRoot(await tempRoot(t), 'rocky-9', { securityUpdate: false });
  const all = await rpmQuery(root, '-qa', '--qf', NEVR);
  t.equal(all.code, 0, all.stderr);
  t.same(all.stdout.trim().split('\n').sort(), [
    'cloud-init 0:23.4-1.el9',
    'firewalld 0:1.3.4-1.el9',
    'mpa-dummy 0:1.0-1',
    'openssh-server 0:8.7p1-38.el9',
    'rocky-release 0:9.4-1.7.el9',
  ]);
  const ci = await rpmQuery(root, '-q', '--qf', NEVR, 'cloud-init');
  t.equal(ci.stdout, 'cloud-init 0:23.4-1.el9\n');
  const owner = await rpmQuery(root, '-qf', '/etc/ssh/sshd_config');
  t.equal(owner.stdout.trim(), 'openssh-server-8.7p1-38.el9.noarch');
  t.equal((await osRelease(root)).ID, 'rocky');
  t.equal(
    await readlink(join(root, 'etc/systemd/system/multi-user.target.wants/sshd.service')),
    '/usr/lib/systemd/system/sshd.service',
  );
});

t.test('dnf --installroot check-update --security reports mpa-dummy', { skip: skipDnf }, async (t) => {
  const root = await makeRpmRoot(await tempRoot(t), 'rocky-9');
  const env = await rpmHostEnv();
  const sec = await runStatus('dnf', [`--installroot=${root}`, 'check-update', '--security'], { env });
  t.equal(sec.code, 100, `exit 100 means updates pending\n${sec.stderr}`);
  t.match(sec.stdout, /^mpa-dummy\.noarch\s+1\.1-1\s+local-security$/m);
  const all = await runStatus('dnf', [`--installroot=${root}`, '-q', 'check-update'], { env });
  t.equal(all.code, 100);
  const info = await runStatus('dnf', [`--installroot=${root}`, '-q', 'updateinfo', 'list', '--security'], { env });
  t.equal(info.code, 0);
  t.equal(info.stdout, 'RLSA-2026:0001 Important/Sec. mpa-dummy-1.1-1.noarch\n');
});

t.test('almalinux-8 root has the AlmaLinux 8.10 os-release', { skip: skipRpm }, async (t) => {
  const root = await makeRpmRoot(await tempRoot(t), 'almalinux-8', { securityUpdate: false });
  const os = await osRelease(root);
  t.match(os, {
    NAME: 'AlmaLinux',
    ID: 'almalinux',
    VERSION_ID: '8.10',
    PLATFORM_ID: 'platform:el8',
    PRETTY_NAME: 'AlmaLinux 8.10 (Cerulean Leopard)',
  });
  t.equal(await readlink(join(root, 'etc/os-release')), '../usr/lib/os-release');
  const rel = await rpmQuery(root, '-q', '--qf', NEVR, 'almalinux-release');
  t.equal(rel.stdout, 'almalinux-release 0:8.10-1.el8\n');
});

t.test('centos-7 root is yum-era', { skip: skipRpm }, async (t) => {
  const root = await makeRpmRoot(await tempRoot(t), 'centos-7', { securityUpdate: false });
  t.match(await osRelease(root), { ID: 'centos', VERSION_ID: '7', PRETTY_NAME: 'CentOS Linux 7 (Core)' });
  t.match(await readFile(join(root, 'etc/yum.conf'), 'utf8'), /distroverpkg=centos-release/);
});

t.test('droplet-agent as an extra package lands in /opt/digitalocean', { skip: skipRpm }, async (t) => {
  const root = await makeRpmRoot(await tempRoot(t), 'rocky-9', {
    extraPackages: ['droplet-agent'],
    securityUpdate: false,
  });
  const owner = await rpmQuery(root, '-qf', '/opt/digitalocean/bin/droplet-agent');
  t.equal(owner.stdout.trim(), 'droplet-agent-1.2.3-1.noarch');
  t.equal(
    await readlink(join(root, 'etc/systemd/system/multi-user.target.wants/droplet-agent.service')),
    '/etc/systemd/system/droplet-agent.service',
  );
});
