// Parsers of the files that name a distribution.
import t from 'tap';
import { parseDebianVersion, parseLsbRelease, parseOsRelease, parseRedhatRelease, type OsRelease } from '../../distros/os-release.js';

const OS_RELEASE: ReadonlyArray<{ title: string; text: string; expect: Partial<OsRelease> | null }> = [
  {
    title: 'Ubuntu 24.04',
    text: 'PRETTY_NAME="Ubuntu 24.04.1 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\nVERSION="24.04.1 LTS (Noble Numbat)"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\nUBUNTU_CODENAME=noble\n',
    expect: { id: 'ubuntu', idLike: ['debian'], name: 'Ubuntu', prettyName: 'Ubuntu 24.04.1 LTS', versionId: '24.04', versionCodename: 'noble' },
  },
  {
    title: 'Rocky 9 with ID_LIKE list',
    text: 'NAME="Rocky Linux"\nVERSION="9.4 (Blue Onyx)"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\nPRETTY_NAME="Rocky Linux 9.4 (Blue Onyx)"\n',
    expect: { id: 'rocky', idLike: ['rhel', 'centos', 'fedora'], versionId: '9.4', versionCodename: undefined },
  },
  {
    title: 'UBUNTU_CODENAME when VERSION_CODENAME is missing',
    text: 'ID=ubuntu\nVERSION_ID="16.04"\nUBUNTU_CODENAME=xenial\n',
    expect: { id: 'ubuntu', versionCodename: 'xenial' },
  },
  { title: 'ID is lower-cased', text: 'ID=Debian\n', expect: { id: 'debian', idLike: [] } },
  { title: "single quotes", text: "ID='debian'\nPRETTY_NAME='Debian GNU/Linux 12 (bookworm)'\n", expect: { id: 'debian', prettyName: 'Debian GNU/Linux 12 (bookworm)' } },
  {
    title: "a single-quoted numeric VERSION_ID",
    text: "ID='debian'\nVERSION_ID='12'\n",
    expect: { id: 'debian', versionId: '12' },
  },
  { title: 'a single-quoted dotted VERSION_ID', text: "ID='ubuntu'\nVERSION_ID='24.04'\n", expect: { id: 'ubuntu', versionId: '24.04' } },
  { title: 'comments and blank lines', text: '# comment\n\nID=fedora\nVERSION_ID=40\n', expect: { id: 'fedora', versionId: '40' } },
  { title: 'empty values are undefined', text: 'ID=arch\nVERSION_ID=""\nNAME=\n', expect: { id: 'arch', versionId: undefined, name: undefined } },
  { title: 'no ID', text: 'NAME="Something"\n', expect: null },
  { title: 'empty ID', text: 'ID=""\n', expect: null },
  { title: 'empty file', text: '', expect: null },
];

for (const c of OS_RELEASE) {
  t.test(`parseOsRelease: ${c.title}`, async (t) => {
    const parsed = parseOsRelease(c.text);
    if (c.expect === null) return void t.equal(parsed, null);
    for (const [key, value] of Object.entries(c.expect)) {
      t.same(parsed?.[key as keyof OsRelease], value, key);
    }
  });
}

const LSB: ReadonlyArray<[string, Partial<OsRelease> | null]> = [
  [
    'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\nDISTRIB_DESCRIPTION="Ubuntu 22.04.4 LTS"\n',
    { id: 'ubuntu', idLike: [], name: 'Ubuntu', versionId: '22.04', versionCodename: 'jammy', prettyName: 'Ubuntu 22.04.4 LTS' },
  ],
  ['DISTRIB_RELEASE=22.04\n', null],
];
for (const [text, expected] of LSB) {
  t.test(`parseLsbRelease ${JSON.stringify(text.slice(0, 24))}`, async (t) => {
    const parsed = parseLsbRelease(text);
    if (expected === null) return void t.equal(parsed, null);
    t.match(parsed, expected);
  });
}

const REDHAT: ReadonlyArray<[string, Partial<OsRelease> | null]> = [
  ['CentOS release 6.10 (Final)\n', { id: 'centos', idLike: ['rhel'], versionId: '6.10', name: 'CentOS', prettyName: 'CentOS release 6.10 (Final)' }],
  ['CentOS Linux release 7.9.2009 (Core)\n', { id: 'centos', versionId: '7.9.2009', name: 'CentOS Linux' }],
  ['CentOS Stream release 9\n', { id: 'centos', versionId: '9', name: 'CentOS Stream' }],
  ['Rocky Linux release 9.4 (Blue Onyx)\n', { id: 'rocky', versionId: '9.4' }],
  ['AlmaLinux release 8.10 (Cerulean Leopard)\n', { id: 'almalinux', versionId: '8.10' }],
  ['CloudLinux release 8.9 (Valery Rozhdestvensky)\n', { id: 'cloudlinux', versionId: '8.9' }],
  ['Fedora release 40 (Forty)\n', { id: 'fedora', versionId: '40' }],
  ['Red Hat Enterprise Linux release 9.4 (Plow)\n', { id: 'rhel', versionId: '9.4' }],
  ['Scientific Linux release 6.10 (Carbon)\n', null],
  ['CentOS something without a version\n', null],
  ['', null],
];
for (const [text, expected] of REDHAT) {
  t.test(`parseRedhatRelease ${JSON.stringify(text.trim())}`, async (t) => {
    const parsed = parseRedhatRelease(text);
    if (expected === null) return void t.equal(parsed, null);
    t.match(parsed, expected);
  });
}

const DEBIAN: ReadonlyArray<[string, Partial<OsRelease> | null]> = [
  ['12.5\n', { id: 'debian', versionId: '12', versionCodename: undefined, prettyName: 'Debian GNU/Linux 12.5' }],
  ['9\n', { id: 'debian', versionId: '9' }],
  ['trixie/sid\n', { id: 'debian', versionId: undefined, versionCodename: 'trixie' }],
  ['bookworm/sid', { id: 'debian', versionCodename: 'bookworm' }],
  ['\n', null],
];
for (const [text, expected] of DEBIAN) {
  t.test(`parseDebianVersion ${JSON.stringify(text)}`, async (t) => {
    const parsed = parseDebianVersion(text);
    if (expected === null) return void t.equal(parsed, null);
    for (const [key, value] of Object.entries(expected)) t.equal(parsed?.[key as keyof OsRelease], value, key);
  });
}
