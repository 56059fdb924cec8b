import t from 'tap';
import { RELEASES, findRelease, distroDisplayName, type ReleaseKey, type Release } from '../distros/releases.js';

// Facts as the os-release parser would hand them over, taken from real /etc/os-release files.
const LOOKUPS: ReadonlyArray<{
  title: string;
  facts: ReleaseKey & { idLike?: string[]; versionCodename?: string };
  expect: { distro: Release['distro']; version: string; name?: string; packageManager?: Release['packageManager'] } | undefined;
}> = [
  {
    title: 'Ubuntu 22.04 jammy',
    facts: { id: 'ubuntu', idLike: ['debian'], versionId: '22.04', name: 'Ubuntu', prettyName: 'Ubuntu 22.04.4 LTS', versionCodename: 'jammy' },
    expect: { distro: 'ubuntu', version: '22.04', name: 'Ubuntu 22.04 LTS', packageManager: 'apt' },
  },
  {
    title: 'Ubuntu 22.10 interim (in the Marketplace list)',
    facts: { id: 'ubuntu', idLike: ['debian'], versionId: '22.10', name: 'Ubuntu', versionCodename: 'kinetic' },
    expect: { distro: 'ubuntu', version: '22.10', name: 'Ubuntu 22.10' },
  },
  {
    title: 'Debian 12 bookworm',
    facts: { id: 'debian', versionId: '12', name: 'Debian GNU/Linux', prettyName: 'Debian GNU/Linux 12 (bookworm)', versionCodename: 'bookworm' },
    expect: { distro: 'debian', version: '12', name: 'Debian 12 (bookworm)', packageManager: 'apt' },
  },
  {
    title: 'Debian point version from debian_version',
    facts: { id: 'debian', versionId: '12.5' },
    expect: { distro: 'debian', version: '12' },
  },
  {
    title: 'Rocky Linux 9.4',
    facts: { id: 'rocky', idLike: ['rhel', 'centos', 'fedora'], versionId: '9.4', name: 'Rocky Linux', prettyName: 'Rocky Linux 9.4 (Blue Onyx)' },
    expect: { distro: 'rocky', version: '9', name: 'Rocky Linux 9', packageManager: 'dnf' },
  },
  {
    title: 'AlmaLinux 8.10',
    facts: { id: 'almalinux', idLike: ['rhel', 'centos', 'fedora'], versionId: '8.10', name: 'AlmaLinux', prettyName: 'AlmaLinux 8.10 (Cerulean Leopard)' },
    expect: { distro: 'almalinux', version: '8', packageManager: 'dnf' },
  },
  {
    title: 'CentOS Stream 9 (ID centos, NAME CentOS Stream)',
    facts: { id: 'centos', idLike: ['rhel', 'fedora'], versionId: '9', name: 'CentOS Stream', prettyName: 'CentOS Stream 9' },
    expect: { distro: 'centos-stream', version: '9', name: 'CentOS Stream 9', packageManager: 'dnf' },
  },
  {
    title: 'CentOS Stream 8 is not CentOS Linux 8',
    facts: { id: 'centos', idLike: ['rhel', 'fedora'], versionId: '8', name: 'CentOS Stream', prettyName: 'CentOS Stream 8' },
    expect: { distro: 'centos-stream', version: '8' },
  },
  {
    title: 'CentOS Linux 8',
    facts: { id: 'centos', idLike: ['rhel', 'fedora'], versionId: '8', name: 'CentOS Linux', prettyName: 'CentOS Linux 8' },
    expect: { distro: 'centos', version: '8' },
  },
  {
    title: 'CentOS Linux 7',
    facts: { id: 'centos', idLike: ['rhel', 'fedora'], versionId: '7', name: 'CentOS Linux', prettyName: 'CentOS Linux 7 (Core)' },
    expect: { distro: 'centos', version: '7', name: 'CentOS Linux 7', packageManager: 'yum' },
  },
  {
    title: 'CloudLinux 8.9',
    facts: { id: 'cloudlinux', idLike: ['rhel', 'fedora', 'centos'], versionId: '8.9', name: 'CloudLinux', prettyName: 'CloudLinux 8.9 (Anatoly Levchenko)' },
    expect: { distro: 'cloudlinux', version: '8', packageManager: 'dnf' },
  },
  {
    title: 'Fedora 41',
    facts: { id: 'fedora', versionId: '41', name: 'Fedora Linux' },
    expect: { distro: 'fedora', version: '41', packageManager: 'dnf' },
  },
  {
    title: 'ID is matched case-insensitively',
    facts: { id: 'Ubuntu', versionId: '24.04' },
    expect: { distro: 'ubuntu', version: '24.04' },
  },
  {
    title: 'unknown distro (Arch)',
    facts: { id: 'arch', name: 'Arch Linux' },
    expect: undefined,
  },
  {
    title: 'derivative does not borrow its ID_LIKE parent (Linux Mint)',
    facts: { id: 'linuxmint', idLike: ['ubuntu', 'debian'], versionId: '21.3', name: 'Linux Mint', versionCodename: 'virginia' },
    expect: undefined,
  },
  {
    title: 'Ubuntu 99.04 is not a release we know',
    facts: { id: 'ubuntu', versionId: '99.04' },
    expect: undefined,
  },
  {
    title: 'Ubuntu point version is not an Ubuntu release (exact match)',
    facts: { id: 'ubuntu', versionId: '22' },
    expect: undefined,
  },
  {
    title: 'missing VERSION_ID (Debian testing)',
    facts: { id: 'debian', name: 'Debian GNU/Linux', prettyName: 'Debian GNU/Linux forky/sid' },
    expect: undefined,
  },
];

t.test('findRelease maps os-release facts to a release', async (t) => {
  for (const { title, facts, expect } of LOOKUPS) {
    const got = findRelease(facts);
    if (expect === undefined) {
      t.equal(got, undefined, title);
      continue;
    }
    t.ok(got, `${title}: found`);
    if (!got) continue;
    t.equal(got.distro, expect.distro, `${title}: distro`);
    t.equal(got.version, expect.version, `${title}: version`);
    if (expect.name !== undefined) t.equal(got.name, expect.name, `${title}: name`);
    if (expect.packageManager !== undefined) t.equal(got.packageManager, expect.packageManager, `${title}: package manager`);
  }
});

t.test('family and package manager agree', async (t) => {
  for (const r of RELEASES) {
    const label = `${r.distro} ${r.version}`;
    t.equal(r.packageManager === 'apt', r.family === 'debian', `${label}: apt iff debian family`);
    t.equal(r.family === 'debian', r.distro === 'ubuntu' || r.distro === 'debian', `${label}: family matches distro`);
    if (r.family === 'rhel') {
      const major = Number(r.version);
      t.ok(Number.isInteger(major), `${label}: EL/Fedora version is a bare major`);
      const isEl = r.distro !== 'fedora';
      t.equal(r.packageManager === 'yum', isEl && major <= 7, `${label}: yum iff EL major <= 7`);
    }
  }
});

function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

t.test('dates are valid and ordered', async (t) => {
  for (const r of RELEASES) {
    const label = `${r.distro} ${r.version}`;
    t.ok(isIsoDate(r.released), `${label}: released ${r.released} is an ISO date`);
    t.ok(isIsoDate(r.endOfFreeSecurity), `${label}: endOfFreeSecurity ${r.endOfFreeSecurity} is an ISO date`);
    t.ok(r.released < r.endOfFreeSecurity, `${label}: released before endOfFreeSecurity`);
    if (r.freeExtendedFrom !== undefined) {
      t.ok(isIsoDate(r.freeExtendedFrom), `${label}: freeExtendedFrom is an ISO date`);
      t.ok(
        r.released < r.freeExtendedFrom && r.freeExtendedFrom < r.endOfFreeSecurity,
        `${label}: freeExtendedFrom lies between released and endOfFreeSecurity`,
      );
      t.ok(r.extendedName, `${label}: an extended period has a name`);
    }
    if (r.paidSupport !== undefined) {
      t.ok(isIsoDate(r.paidSupport.until), `${label}: paidSupport.until is an ISO date`);
      t.ok(r.paidSupport.until > r.endOfFreeSecurity, `${label}: paid support outlasts free support`);
    }
  }
});

t.test('no duplicate (distro, version)', async (t) => {
  const seen = new Set<string>();
  for (const r of RELEASES) {
    const key = `${r.distro}/${r.version}`;
    t.notOk(seen.has(key), `${key} listed once`);
    seen.add(key);
  }
});

t.test('every listed release can be found from its own facts', async (t) => {
  const ID: Record<Release['distro'], string> = {
    ubuntu: 'ubuntu', debian: 'debian', centos: 'centos', 'centos-stream': 'centos',
    rocky: 'rocky', almalinux: 'almalinux', cloudlinux: 'cloudlinux', fedora: 'fedora',
  };
  for (const r of RELEASES) {
    const facts: ReleaseKey = { id: ID[r.distro], versionId: r.version, name: distroDisplayName(r.distro) };
    t.equal(findRelease(facts), r, `${r.distro} ${r.version}`);
  }
});

// DigitalOcean's checker allow-list (reference/peers.md), plus our reading for newer EL majors.
t.test('marketplace flag follows the allow-list and our product decision', async (t) => {
  const accepted = new Set([
    'ubuntu/16.04', 'ubuntu/18.04', 'ubuntu/20.04', 'ubuntu/22.04', 'ubuntu/22.10', 'ubuntu/24.04', 'ubuntu/26.04',
    'debian/9', 'debian/10', 'debian/11', 'debian/12', 'debian/13',
    'centos/6', 'centos/7', 'centos/8',
    'centos-stream/8', 'centos-stream/9', 'centos-stream/10',
    'rocky/8', 'rocky/9', 'rocky/10',
    'almalinux/8', 'almalinux/9', 'almalinux/10',
    'cloudlinux/8', 'cloudlinux/9',
  ]);
  for (const r of RELEASES) {
    const key = `${r.distro}/${r.version}`;
    t.equal(r.marketplace, accepted.has(key), key);
  }
});

t.test('coverage of the releases the brief names', async (t) => {
  const ubuntu = RELEASES.filter((r) => r.distro === 'ubuntu').map((r) => r.version);
  const expectedUbuntu: string[] = [];
  for (let y = 16; y <= 25; y++) expectedUbuntu.push(`${y}.04`, `${y}.10`);
  expectedUbuntu.push('26.04');
  t.same(ubuntu, expectedUbuntu, 'every Ubuntu release 16.04-26.04');
  const majors = (d: Release['distro']) => RELEASES.filter((r) => r.distro === d).map((r) => r.version);
  t.same(majors('debian'), ['9', '10', '11', '12', '13']);
  t.same(majors('centos'), ['6', '7', '8']);
  t.same(majors('centos-stream'), ['8', '9', '10']);
  t.same(majors('rocky'), ['8', '9', '10']);
  t.same(majors('almalinux'), ['8', '9', '10']);
  t.same(majors('cloudlinux'), ['7', '8', '9']);
  t.same(majors('fedora'), ['39', '40', '41', '42', '43']);
});

t.test('distroDisplayName', async (t) => {
  t.equal(distroDisplayName('centos-stream'), 'CentOS Stream');
  t.equal(distroDisplayName('rocky'), 'Rocky Linux');
  t.equal(distroDisplayName('ubuntu'), 'Ubuntu');
});
