// The pieces of the apt scan: apt's indextargets output, Release files, the sources entries a
// security-only refresh writes, dpkg's status with architectures and holds, Packages indexes
// (plain in chunks, gzip, xz through apt-helper) and the decision between security and other
// updates. Where apt itself is on this machine, the stanza numbering of deb822 files is checked
// against its own Sourcesentry.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Host } from '../../agent/host.js';
import { isSecurityRelease, isSecuritySuite, listPackagesTargets, parseIndexTargets, quoteListName, releaseFilesOf, type ReleaseInfo } from '../../distros/apt-index-targets.js';
import { offersOf, offersOfIndex, type IndexOffers } from '../../distros/apt-packages-index.js';
import { deb822Stanzas, narrowStanza, refreshSourcesText } from '../../distros/apt-refresh.js';
import { pendingUpdates, type SourceGroup } from '../../distros/apt-security-index.js';
import type { SourcesFile } from '../../distros/apt-sources.js';
import { parseInstalledDebs } from '../../distros/dpkg-installed.js';

const onPath = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

const TARGET = `MetaKey: main/binary-amd64/Packages
ShortDesc: Packages
Filename: /var/lib/apt/lists/deb.example.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages
Release: bookworm-security
Repo-URI: http://deb.example.org/debian-security/
Sourcesentry: /etc/apt/sources.list:5
Identifier: Packages
Target-Of: deb

MetaKey: main/i18n/Translation-en
Filename: /var/lib/apt/lists/deb.example.org_debian-security_dists_bookworm-security_main_i18n_Translation-en
Release: bookworm-security
Sourcesentry: /etc/apt/sources.list:5
Identifier: Translations
Target-Of: deb

MetaKey: Packages
Filename: /var/lib/apt/lists/_srv_repo_._Packages
Release: ./
Sourcesentry: /etc/apt/sources.list.d/local.list:1
Identifier: Packages
Target-Of: deb
`;

t.test('indextargets stanzas and the Release files next to an index', async (t) => {
  const targets = parseIndexTargets(TARGET);
  t.same(targets.map((x) => [x.sourcesEntry, x.dist, x.identifier]), [
    ['/etc/apt/sources.list:5', 'bookworm-security', 'Packages'],
    ['/etc/apt/sources.list:5', 'bookworm-security', 'Translations'],
    ['/etc/apt/sources.list.d/local.list:1', './', 'Packages'],
  ]);
  t.same(releaseFilesOf(targets[0]), [
    '/var/lib/apt/lists/deb.example.org_debian-security_dists_bookworm-security_InRelease',
    '/var/lib/apt/lists/deb.example.org_debian-security_dists_bookworm-security_Release',
  ]);
  t.same(releaseFilesOf(targets[2]), ['/var/lib/apt/lists/_srv_repo_._InRelease', '/var/lib/apt/lists/_srv_repo_._Release'], 'a flat repository');
  t.equal(quoteListName('main/binary-amd64/Packages'), 'main_binary-amd64_Packages');
  t.equal(quoteListName('a_b~c'), 'a%5fb%7ec');
});

t.test('security archives by suite or by Release', async (t) => {
  t.ok(isSecuritySuite('bookworm-security'));
  t.ok(isSecuritySuite('noble-security'));
  t.ok(isSecuritySuite('buster/updates'), 'Debian 10 and older');
  t.notOk(isSecuritySuite('bookworm-updates'));
  t.notOk(isSecuritySuite('./'));
  const release = (fields: Partial<ReleaseInfo>): ReleaseInfo => ({ path: '', suite: '', codename: '', label: '', origin: '', notAutomatic: false, butAutomaticUpgrades: false, mtimeMs: 0, ...fields });
  t.ok(isSecurityRelease(release({ suite: 'stable-security', codename: 'bookworm-security' })));
  t.ok(isSecurityRelease(release({ label: 'Debian-Security', suite: 'x' })));
  t.notOk(isSecurityRelease(release({ label: 'Debian', suite: 'stable-updates' })));
});

const DEB822 = `# Managed by the vendor
# (a paragraph of comments only: apt does not count it)

Types: deb deb-src
URIs: http://deb.example.org/ubuntu/
Suites: noble noble-updates
 noble-backports
Components: main universe
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg

# the security archive
Types: deb
URIs: http://security.example.org/ubuntu/
Suites: noble-security noble
Components: main
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 mQINBFufwdoBEADv
 -----END PGP PUBLIC KEY BLOCK-----
`;

t.test('the entries a security-only refresh writes', async (t) => {
  const stanzas = deb822Stanzas(DEB822);
  t.equal(stanzas.length, 2, 'comment paragraphs are not stanzas');
  t.match(stanzas[1], /^# the security archive\nTypes: deb\n/);
  const narrowed = narrowStanza(stanzas[1], new Set(['noble-security']));
  t.match(narrowed, /^Suites: noble-security$/m, 'only the security suite');
  t.match(narrowed, /^Signed-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n \.\n mQINBFufwdoBEADv\n -----END PGP PUBLIC KEY BLOCK-----$/m, 'an inline key kept whole');
  t.notMatch(narrowStanza(stanzas[0], new Set(['noble-updates'])), /noble-backports|deb-src/, 'continuation lines of Suites and deb-src go');

  const oneLine: SourcesFile = { name: 'sources.list', path: '/etc/apt/sources.list', format: 'one-line', text: '# x\ndeb http://deb.example.org/debian bookworm main\n\ndeb [signed-by=/usr/share/keyrings/k.gpg] http://deb.example.org/debian-security bookworm-security main\ndeb [trusted=yes] file:/srv/repo ./\n' };
  const deb822: SourcesFile = { name: 'ubuntu.sources', path: '/etc/apt/sources.list.d/ubuntu.sources', format: 'deb822', text: DEB822 };
  const live = refreshSourcesText([{ file: oneLine, index: 4, dists: new Set(['bookworm-security']) }, { file: deb822, index: 2, dists: new Set(['noble-security']) }], null);
  t.equal(live.list, 'deb [signed-by=/usr/share/keyrings/k.gpg] http://deb.example.org/debian-security bookworm-security main\n', 'the line verbatim, options and all');
  t.match(live.sources, /URIs: http:\/\/security\.example\.org\/ubuntu\/\nSuites: noble-security\n/);
  const root = refreshSourcesText([{ file: oneLine, index: 4, dists: new Set(['bookworm-security']) }, { file: oneLine, index: 5, dists: new Set(['./']) }], '/mnt/img');
  t.equal(root.list, 'deb [signed-by=/mnt/img/usr/share/keyrings/k.gpg] http://deb.example.org/debian-security bookworm-security main\ndeb [trusted=yes] file:/mnt/img/srv/repo ./\n', '--root: keyrings and file: repositories rebased');
});

t.test("deb822 stanza numbers are apt's Sourcesentry numbers", { skip: onPath('apt-get') ? false : 'apt-get is not installed' }, async (t) => {
  const dir = t.testdir({ 'sources.list.d': { 'test.sources': DEB822 }, 'sources.list': '' });
  const host = new Host('/', 'live', { offline: true });
  const listed = await listPackagesTargets(host, ['-o', `Dir::Etc::SourceList=${join(dir, 'sources.list')}`, '-o', `Dir::Etc::SourceParts=${join(dir, 'sources.list.d')}`], dir);
  if (!listed.ok) throw new Error(listed.reason);
  const stanzas = deb822Stanzas(DEB822);
  for (const target of listed.targets) {
    const index = Number(/:(\d+)$/.exec(target.sourcesEntry)?.[1]);
    t.match(stanzas[index - 1], new RegExp(`Suites:[^]*\\b${target.dist}\\b`), `${target.sourcesEntry} names ${target.dist}`);
  }
  t.ok(listed.targets.some((x) => x.dist === 'noble-security'), 'the second stanza was listed');
});

const STATUS = `Package: libc6
Status: install ok installed
Architecture: amd64
Multi-Arch: same
Version: 2.36-9+deb12u7

Package: libc6
Status: install ok installed
Architecture: i386
Version: 2.36-9+deb12u7

Package: mpa-held
Status: hold ok installed
Architecture: all
Version: 1.0

Package: removed
Status: deinstall ok config-files
Architecture: amd64
Version: 3.0

Package: mpa-other
Status: install ok installed
Architecture: all
Version: 1.0
Description: x
 Package: fake
 Version: 9
`;

t.test("dpkg's status: architectures, holds, removed packages", async (t) => {
  const installed = parseInstalledDebs(STATUS);
  t.same([...installed.keys()].sort(), ['libc6:amd64', 'libc6:i386', 'mpa-held:all', 'mpa-other:all']);
  t.equal(installed.get('mpa-held:all')?.held, true);
  t.equal(installed.get('libc6:amd64')?.held, false);
});

function stanza(name: string, version: string, arch: string, extra = ''): string {
  return `Package: ${name}\nVersion: ${version}\nArchitecture: ${arch}\n${extra}Description: ${name}\n long text\n`;
}

const versions = (text: string) => new Map([...parseInstalledDebs(text)].map(([key, deb]) => [key, deb.version]));
const names = (text: string) => new Set([...parseInstalledDebs(text).values()].map((deb) => deb.name));

t.test('Packages indexes: newest offer per name and architecture, in chunks and compressed', async (t) => {
  const small = [stanza('libc6', '2.36-9+deb12u9', 'amd64'), stanza('libc6', '2.36-9+deb12u8', 'amd64'), stanza('libc6', '2.36-9+deb12u7', 'i386'), `Version: 1.1\nPackage: mpa-other\nArchitecture: all\nPhased-Update-Percentage: 10\n`, stanza('unrelated', '5', 'amd64')].join('\n');
  const offers = offersOf(Buffer.from(small), versions(STATUS), names(STATUS));
  t.same(Object.fromEntries(offers.newest), { 'libc6:amd64': { version: '2.36-9+deb12u9' }, 'libc6:i386': { version: '2.36-9+deb12u7' }, 'mpa-other:all': { version: '1.1', phased: 10 } }, 'Package need not come first');
  t.same([...offers.holdsInstalled], ['libc6:i386']);

  // More than one 4 MB chunk, with the one stanza that matters at the very end.
  const filler = Array.from({ length: 40_000 }, (_, i) => stanza(`pkg${i}`, '1.0', 'amd64', `Depends: ${'x'.repeat(100)}\n`)).join('\n');
  const big = `${filler}\n${small}`;
  const dir = t.testdir();
  const plain = join(dir, 'Packages');
  writeFileSync(plain, big);
  const same = (a: IndexOffers | null, b: IndexOffers) => t.same([Object.fromEntries(a?.newest ?? []), [...(a?.holdsInstalled ?? [])]], [Object.fromEntries(b.newest), [...b.holdsInstalled]]);
  const host = new Host('/', 'live', { offline: true });
  same(await offersOfIndex(host, plain, versions(STATUS), names(STATUS)), offers);
  mkdirSync(join(dir, 'gz'));
  writeFileSync(join(dir, 'gz', 'Packages.gz'), gzipSync(big));
  same(await offersOfIndex(host, join(dir, 'gz', 'Packages'), versions(STATUS), names(STATUS)), offers);
  if (onPath('xz') && onPath('/usr/lib/apt/apt-helper')) {
    mkdirSync(join(dir, 'xz'));
    writeFileSync(join(dir, 'xz', 'Packages'), big);
    spawnSync('xz', [join(dir, 'xz', 'Packages')]);
    same(await offersOfIndex(host, join(dir, 'xz', 'Packages'), versions(STATUS), names(STATUS)), offers);
  }
  t.equal(await offersOfIndex(host, join(dir, 'absent', 'Packages'), versions(STATUS), names(STATUS)), null, 'no file: no offers');
});

t.test('security updates from the security index, other updates by policy', async (t) => {
  const installed = parseInstalledDebs(STATUS);
  const group = (dist: string, release: Partial<ReleaseInfo> = {}): SourceGroup => ({ sourcesEntry: 'x:1', dist, targets: [], release: { path: '', suite: dist, codename: dist, label: '', origin: '', notAutomatic: false, butAutomaticUpgrades: false, mtimeMs: 0, ...release } });
  const offered = (g: SourceGroup, text: string) => ({ group: g, offers: offersOf(Buffer.from(text), versions(STATUS), names(STATUS)) });
  const security = [offered(group('bookworm-security'), [stanza('libc6', '2.36-9+deb12u8', 'amd64'), stanza('mpa-held', '1.1', 'all')].join('\n'))];
  const others = [
    offered(group('bookworm-updates'), [stanza('libc6', '2.36-9+deb12u9', 'amd64'), stanza('mpa-held', '1.2', 'all')].join('\n')),
    offered(group('experimental', { notAutomatic: true }), stanza('mpa-other', '3.0', 'all')),
    offered(group('bookworm-backports', { notAutomatic: true, butAutomaticUpgrades: true }), [stanza('mpa-other', '2.0', 'all'), stanza('libc6', '2.36-9+deb12u7', 'i386'), stanza('libc6', '2.40-1~bpo12', 'i386')].join('\n')),
  ];
  const { updates, phased } = pendingUpdates(installed, security, others);
  t.same(updates.map((u) => [u.name, u.installed, u.candidate, u.security, u.held ?? false]), [
    ['libc6:amd64', '2.36-9+deb12u7', '2.36-9+deb12u8', true, false],
    ['libc6:i386', '2.36-9+deb12u7', '2.40-1~bpo12', false, false],
    ['mpa-held', '1.0', '1.1', true, true],
  ], 'the security version even with a newer one in -updates; a held package reported as held; experimental never; backports only where the installed version came from');
  t.equal(phased, 0);
});
