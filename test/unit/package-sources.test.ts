// The parsers behind package-sources: apt's one-line and deb822 sources, apt.conf, dnf/yum ini
// files, and how the distribution's own archive is told apart from a third party's.
import t from 'tap';
import { aptReadsPart, parseAptConf } from '../../distros/apt-conf.js';
import { servesDistroRelease } from '../../distros/apt-source-trust.js';
import { parseDeb822Entries, parseOneLineEntries } from '../../distros/apt-sources.js';
import { parseRepoIni } from '../../distros/dnf-source-trust.js';
import { isFalse, isTrue, namesLocalHost } from '../../distros/source-trust.js';

t.test('one-line sources: options, comments, cdrom labels', async (t) => {
  const entries = parseOneLineEntries(
    [
      '# deb [trusted=yes] https://example.invalid/apt stable main',
      'deb [arch=amd64 signed-by=/etc/apt/keyrings/v.gpg trusted=yes] https://example.invalid/apt stable main # trusted note',
      'deb-src http://mirror.invalid/debian bookworm main contrib',
      'deb cdrom:[Debian GNU/Linux 12 _Bookworm_ - #1 NETINST]/ bookworm main',
      'deb [ Allow-Insecure=yes ] file:/srv/repo ./',
      'deb',
      'not a source line',
    ].join('\n'),
  );
  t.same(
    entries.map((e) => ({ line: e.line, types: e.types, uris: e.uris, suites: e.suites, components: e.components, options: Object.fromEntries(e.options) })),
    [
      { line: 2, types: ['deb'], uris: ['https://example.invalid/apt'], suites: ['stable'], components: ['main'], options: { arch: 'amd64', 'signed-by': '/etc/apt/keyrings/v.gpg', trusted: 'yes' } },
      { line: 3, types: ['deb-src'], uris: ['http://mirror.invalid/debian'], suites: ['bookworm'], components: ['main', 'contrib'], options: {} },
      { line: 4, types: ['deb'], uris: ['cdrom:[Debian GNU/Linux 12 _Bookworm_ - #1 NETINST]/'], suites: ['bookworm'], components: ['main'], options: {} },
      { line: 5, types: ['deb'], uris: ['file:/srv/repo'], suites: ['./'], components: [], options: { 'allow-insecure': 'yes' } },
    ],
  );
});

t.test('deb822 sources: stanzas, continuation lines, Enabled: no', async (t) => {
  const text = [
    '# Vendor',
    'Types: deb deb-src',
    'URIs: https://example.invalid/apt',
    'Suites: stable',
    'Components: main',
    'Trusted: yes',
    'Signed-By:',
    ' -----BEGIN PGP PUBLIC KEY BLOCK-----',
    ' .',
    ' mDMEZ...',
    '',
    'Enabled: no',
    'Types: deb',
    'URIs: https://off.invalid/apt',
    'Suites: stable',
    'Trusted: yes',
    '',
    '',
    'Types: deb',
    'URIs: http://mirror.invalid/ubuntu',
    'Suites: noble noble-updates',
    'Components: main universe',
  ].join('\n');
  const entries = parseDeb822Entries(text);
  t.same(entries.map((e) => [e.line, e.types, e.uris, e.suites, e.components]), [
    [2, ['deb', 'deb-src'], ['https://example.invalid/apt'], ['stable'], ['main']],
    [19, ['deb'], ['http://mirror.invalid/ubuntu'], ['noble', 'noble-updates'], ['main', 'universe']],
  ]);
  t.equal(entries[0].options.get('trusted'), 'yes');
  t.match(entries[0].options.get('signed-by'), /BEGIN PGP PUBLIC KEY BLOCK/, 'an inline key is one field');
});

t.test('apt.conf: full names, scopes, comments, line numbers', async (t) => {
  const settings = parseAptConf(
    [
      '// Acquire::AllowInsecureRepositories "true";',
      '/* APT::Get::AllowUnauthenticated "true";',
      '   still a comment */',
      'Acquire::AllowInsecureRepositories "true";',
      'Acquire {',
      '  AllowDowngradeToInsecureRepositories "1";',
      '  http { Proxy "http://proxy.invalid:3128"; };',
      '};',
      '# Acquire::AllowInsecureRepositories "true";',
      'APT::Get::AllowUnauthenticated false;',
    ].join('\n'),
  );
  t.same(settings, [
    { key: 'Acquire::AllowInsecureRepositories', value: 'true', line: 4 },
    { key: 'Acquire::AllowDowngradeToInsecureRepositories', value: '1', line: 6 },
    { key: 'Acquire::http::Proxy', value: 'http://proxy.invalid:3128', line: 7 },
    { key: 'APT::Get::AllowUnauthenticated', value: 'false', line: 10 },
  ]);
  t.same(['20auto-upgrades', '99vendor.conf', '99vendor.bak', '50x.dpkg-old', 'a b', 'x~'].map((n) => aptReadsPart(n, '.conf')), [true, true, false, false, false, false]);
});

t.test('dnf/yum ini: sections, comments, continuation lines', async (t) => {
  const sections = parseRepoIni(
    ['[main]', 'gpgcheck=1', '', '[vendor]', 'name = Vendor', 'baseurl=file:///tmp/x/srv/repo', '        file:///srv/repo', '#gpgcheck=0', '; enabled=0', 'enabled=1', 'gpgcheck = 0'].join('\n'),
  );
  t.same(sections.map((s) => [s.name, s.line, Object.fromEntries(s.values)]), [
    ['main', 1, { gpgcheck: '1' }],
    ['vendor', 4, { name: 'Vendor', baseurl: 'file:///tmp/x/srv/repo file:///srv/repo', enabled: '1', gpgcheck: '0' }],
  ]);
});

t.test('booleans and localhost', async (t) => {
  t.same(['1', 'yes', 'True', '"true"', 'on'].map(isTrue), [true, true, true, true, true]);
  t.same(['0', 'no', 'false', 'off', undefined, ''].map(isTrue), [false, false, false, false, false, false]);
  t.same(['0', 'no', 'False'].map(isFalse), [true, true, true]);
  t.equal(isFalse(undefined), false, 'unset is not false');
  t.same(
    ['http://localhost/x', 'http://127.0.0.1:3142/debian', 'https://u:p@[::1]/x', 'mirror+http://127.0.0.2/x', 'http://mirror.invalid/debian', 'file:/srv/repo', 'http://localhost.example.invalid/'].map(namesLocalHost),
    [true, true, true, true, false, false, false],
  );
});

t.test("the distribution's own archive, without its lists: its release and components only", async (t) => {
  const entry = (suites: string[], components: string[]) => ({ line: 1, types: ['deb'], uris: ['http://mirror.invalid/x'], suites, components, options: new Map<string, string>() });
  t.ok(servesDistroRelease(entry(['bookworm', 'bookworm-updates', 'bookworm-security', 'bookworm-backports'], ['main', 'contrib', 'non-free-firmware']), 'bookworm'));
  t.ok(servesDistroRelease(entry(['noble-proposed'], ['main', 'restricted', 'universe', 'multiverse']), 'noble'));
  t.notOk(servesDistroRelease(entry(['bookworm'], ['stable']), 'bookworm'), 'a vendor serving its own component for the release');
  t.notOk(servesDistroRelease(entry(['bookworm-pgdg'], ['main']), 'bookworm'), 'a vendor suite named after the release');
  t.notOk(servesDistroRelease(entry(['stable'], ['main']), 'bookworm'));
  t.notOk(servesDistroRelease(entry(['bookworm'], []), 'bookworm'), 'a flat repository');
  t.notOk(servesDistroRelease(entry(['bookworm'], ['main']), ''), 'no codename known');
});
