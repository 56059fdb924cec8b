// /var/lib/dpkg/status: only installed packages, with their versions.
import t from 'tap';
import { parseDpkgStatus } from '../../distros/dpkg-status.js';

const STATUS = `Package: openssh-server
Status: install ok installed
Priority: optional
Version: 1:9.6p1-3ubuntu13.5
Description: secure shell (SSH) server
 This is the portable version of OpenSSH.
 .
 Package: fake-from-description
 Status: install ok installed
Conffiles:
 /etc/ssh/moduli 0123
 /etc/default/ssh 4567

Package: droplet-agent
Status: deinstall ok config-files
Version: 1.2.3
Conffiles:
 /etc/droplet-agent.conf abcd

Package: held
Status: hold ok installed
Version: 2.0-1

Package: half
Status: install ok half-installed
Version: 0.1

Package: unpacked
Status: install ok unpacked
Version: 0.2

Package: removal-pending
Status: deinstall ok installed
Version: 3.0
  
Package: tabbed
Status:   install ok installed  
Version:	4.0
Description: x
	Continuation with a tab: Status: deinstall ok config-files
Package: no-blank-line-before-this-line-is-in-the-same-stanza

Package: no-status
Version: 1

Version: 9
Status: install ok installed
`;

t.test('parseDpkgStatus', async (t) => {
  const installed = parseDpkgStatus(STATUS);
  const expected: Array<[string, string]> = [
    ['openssh-server', '1:9.6p1-3ubuntu13.5'],
    ['held', '2.0-1'],
    ['removal-pending', '3.0'],
    ['no-blank-line-before-this-line-is-in-the-same-stanza', '4.0'],
  ];
  t.same([...installed.entries()].map(([name, p]) => [name, p.version]).sort(), expected.sort());
  t.same(installed.get('held'), { name: 'held', version: '2.0-1' });
  for (const absent of ['droplet-agent', 'half', 'unpacked', 'fake-from-description', 'no-status', 'tabbed']) t.notOk(installed.has(absent), `${absent} is not installed`);
});

const SMALL: ReadonlyArray<[string, string, Record<string, string>]> = [
  ['empty', '', {}],
  ['one stanza without trailing newline', 'Package: a\nStatus: install ok installed\nVersion: 1', { a: '1' }],
  ['CRLF-free blank line with spaces separates', 'Package: a\nStatus: install ok installed\nVersion: 1\n \t\nPackage: b\nStatus: install ok installed\nVersion: 2\n', { a: '1', b: '2' }],
  ['deinstall ok config-files', 'Package: a\nStatus: deinstall ok config-files\nVersion: 1\n', {}],
  ['purge ok not-installed', 'Package: a\nStatus: purge ok not-installed\n', {}],
  ['installed without a version', 'Package: a\nStatus: install ok installed\n', { a: '' }],
  ['multi-arch duplicates keep one entry', 'Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.39\n\nPackage: libc6\nStatus: install ok installed\nArchitecture: i386\nVersion: 2.39\n', { libc6: '2.39' }],
];
for (const [title, text, expected] of SMALL) {
  t.test(title, async (t) => {
    t.same(Object.fromEntries([...parseDpkgStatus(text)].map(([name, p]) => [name, p.version])), expected);
  });
}
