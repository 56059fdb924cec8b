// detectDistro: the first release file that names the distribution, in a fixed order.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Host } from '../../agent/host.js';
import { UnknownDistroError, detectDistro, type Distro } from '../../distros/detect.js';

interface Case {
  title: string;
  files: Record<string, string>;
  links?: Array<[string, string]>;
  expect: Partial<Omit<Distro, 'release'>> & { release?: string | null };
}

const UBUNTU_2404 = 'PRETTY_NAME="Ubuntu 24.04.1 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\n';

const CASES: Case[] = [
  {
    title: 'Ubuntu via /etc/os-release -> ../usr/lib/os-release',
    files: { '/usr/lib/os-release': UBUNTU_2404 },
    links: [['../usr/lib/os-release', 'etc/os-release']],
    expect: { id: 'ubuntu', name: 'Ubuntu 24.04.1 LTS', version: '24.04', codename: 'noble', family: 'debian', packageManager: 'apt', source: '/etc/os-release', release: 'Ubuntu 24.04 LTS' },
  },
  {
    title: 'only /usr/lib/os-release',
    files: { '/usr/lib/os-release': 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_CODENAME=bookworm\n' },
    expect: { id: 'debian', version: '12', source: '/usr/lib/os-release', release: 'Debian 12 (bookworm)', family: 'debian' },
  },
  {
    title: '/etc/os-release wins over every other file',
    files: {
      '/etc/os-release': 'ID=rocky\nVERSION_ID="9.4"\nNAME="Rocky Linux"\n',
      '/usr/lib/os-release': UBUNTU_2404,
      '/etc/redhat-release': 'CentOS Linux release 7.9.2009 (Core)\n',
    },
    expect: { id: 'rocky', version: '9.4', source: '/etc/os-release', packageManager: 'dnf', family: 'rhel', release: 'Rocky Linux 9' },
  },
  {
    title: 'an os-release without ID falls through to the next file',
    files: { '/etc/os-release': 'NAME=nothing\n', '/etc/lsb-release': 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\n' },
    expect: { id: 'ubuntu', version: '22.04', codename: 'jammy', source: '/etc/lsb-release', release: 'Ubuntu 22.04 LTS' },
  },
  {
    title: 'a dangling /etc/os-release link falls through',
    files: { '/etc/debian_version': '11.9\n' },
    links: [['../usr/lib/os-release', 'etc/os-release']],
    expect: { id: 'debian', version: '11', source: '/etc/debian_version', release: 'Debian 11 (bullseye)', codename: 'bullseye' },
  },
  {
    title: "CentOS 6: only 'CentOS release 6.10 (Final)'",
    files: { '/etc/centos-release': 'CentOS release 6.10 (Final)\n', '/etc/redhat-release': 'CentOS release 6.10 (Final)\n' },
    expect: { id: 'centos', name: 'CentOS release 6.10 (Final)', version: '6.10', codename: '', family: 'rhel', packageManager: 'yum', source: '/etc/centos-release', release: 'CentOS Linux 6' },
  },
  {
    title: 'redhat-release only',
    files: { '/etc/redhat-release': 'AlmaLinux release 8.10 (Cerulean Leopard)\n' },
    expect: { id: 'almalinux', version: '8.10', packageManager: 'dnf', source: '/etc/redhat-release', release: 'AlmaLinux 8' },
  },
  {
    title: 'debian_version testing: codename, no version',
    files: { '/etc/debian_version': 'trixie/sid\n' },
    expect: { id: 'debian', version: '', codename: 'trixie', family: 'debian', packageManager: 'apt', release: null },
  },
  {
    title: 'a derivative: family from ID_LIKE, no release',
    files: { '/etc/os-release': 'ID=linuxmint\nID_LIKE="ubuntu debian"\nVERSION_ID="21.3"\nPRETTY_NAME="Linux Mint 21.3"\n' },
    expect: { id: 'linuxmint', family: 'debian', packageManager: 'apt', release: null, name: 'Linux Mint 21.3' },
  },
  {
    title: 'an EL derivative 7 is yum, 8 is dnf',
    files: { '/etc/os-release': 'ID=ol\nID_LIKE="fedora"\nVERSION_ID="7.9"\n' },
    expect: { id: 'ol', family: 'rhel', packageManager: 'yum', release: null, name: 'ol' },
  },
  {
    title: 'an EL derivative 8',
    files: { '/etc/os-release': 'ID=ol\nID_LIKE="fedora"\nVERSION_ID="8.9"\nNAME="Oracle Linux Server"\n' },
    expect: { id: 'ol', family: 'rhel', packageManager: 'dnf', name: 'Oracle Linux Server' },
  },
];

function makeRoot(files: Record<string, string>, links: Array<[string, string]> = []): Host {
  const root = mkdtempSync(join(tmpdir(), 'detect-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  for (const [target, path] of links) symlinkSync(target, join(root, path));
  return new Host(root, 'root');
}

for (const c of CASES) {
  t.test(c.title, async (t) => {
    const host = makeRoot(c.files, c.links);
    const distro = await detectDistro(host);
    const { release, ...rest } = c.expect;
    t.match(distro, rest);
    if (release !== undefined) t.equal(distro.release?.name ?? null, release, 'release');
    t.equal(await detectDistro(host), distro, 'memoised');
  });
}

const UNKNOWN: ReadonlyArray<{ title: string; files: Record<string, string>; message: RegExp }> = [
  { title: 'Arch', files: { '/etc/os-release': 'ID=arch\nPRETTY_NAME="Arch Linux"\n' }, message: /^unsupported distribution 'Arch Linux' \(from \/etc\/os-release\)/ },
  { title: 'Alpine without PRETTY_NAME', files: { '/etc/os-release': 'ID=alpine\nVERSION_ID=3.20.0\n' }, message: /^unsupported distribution 'alpine'/ },
  { title: 'no release file', files: {}, message: /^cannot tell which distribution this is/ },
  { title: 'only unparsable release files', files: { '/etc/os-release': 'NAME=x\n', '/etc/redhat-release': 'Something else\n', '/etc/debian_version': '\n' }, message: /^cannot tell/ },
];
for (const c of UNKNOWN) {
  t.test(`unknown: ${c.title}`, async (t) => {
    let error: unknown;
    try {
      await detectDistro(makeRoot(c.files));
    } catch (err) {
      error = err;
    }
    t.ok(error instanceof UnknownDistroError, 'UnknownDistroError');
    t.match((error as Error).message, c.message);
    t.notMatch((error as Error).message, /\n/, 'one line');
  });
}
