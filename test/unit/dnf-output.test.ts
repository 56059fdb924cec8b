// What dnf and yum print for check-update and updateinfo list, read into rows.
import t from 'tap';
import { compareEvr, parseCheckUpdate, parseNevra, parseUpdateinfoList, rpmVerCmp } from '../../distros/dnf-output.js';
import { maskUrlCredentials } from '../../agent/redact.js';

const row = (nameArch: string, candidate: string, repo: string) => {
  const dot = nameArch.lastIndexOf('.');
  return { name: nameArch.slice(0, dot), arch: nameArch.slice(dot + 1), candidate, repo };
};

const CHECK_UPDATE: Array<[string, string, ReturnType<typeof row>[]]> = [
  ['empty output (exit 0)', '', []],
  ['only blank lines', '\n\n  \n', []],
  [
    'dnf 4 on the rocky-9 fixture, metadata fetched (progress line, blank line)',
    'Local security updates (test rig)               317 kB/s | 1.4 kB     00:00    \n\nmpa-dummy.noarch                      1.1-1                       local-security\n',
    [row('mpa-dummy.noarch', '1.1-1', 'local-security')],
  ],
  [
    'dnf 4 with cached metadata',
    'Last metadata expiration check: 0:00:01 ago on Tue 24 Nov 2026 06:59:20 AM UTC.\n\n' +
      'NetworkManager.x86_64                    1:1.46.0-19.el9_4               baseos   \n' +
      'kernel.x86_64                            5.14.0-427.42.1.el9_4           baseos   \n' +
      'kernel-core.x86_64                       5.14.0-427.42.1.el9_4           baseos   \n' +
      'python3-perf.x86_64                      5.14.0-427.42.1.el9_4           appstream\n',
    [
      row('NetworkManager.x86_64', '1:1.46.0-19.el9_4', 'baseos'),
      row('kernel.x86_64', '5.14.0-427.42.1.el9_4', 'baseos'),
      row('kernel-core.x86_64', '5.14.0-427.42.1.el9_4', 'baseos'),
      row('python3-perf.x86_64', '5.14.0-427.42.1.el9_4', 'appstream'),
    ],
  ],
  [
    'dnf --security with "Security:" notices',
    '\nkernel.x86_64          5.14.0-427.42.1.el9_4         baseos\n' +
      'Security: kernel-core-5.14.0-427.40.1.el9_4.x86_64 is an installed security update\n' +
      'Security: kernel-core-5.14.0-362.8.1.el9_3.x86_64 is the currently running version\n',
    [row('kernel.x86_64', '5.14.0-427.42.1.el9_4', 'baseos')],
  ],
  [
    'dnf with an Obsoleting Packages section (obsoletes are not read)',
    '\nopenssl.x86_64     1:3.0.7-27.el9        baseos\n' +
      'Obsoleting Packages\n' +
      'grub2-tools.x86_64                 1:2.06-80.el9        baseos\n' +
      '    grub2-tools.x86_64             1:2.06-77.el9        @anaconda\n',
    [row('openssl.x86_64', '1:3.0.7-27.el9', 'baseos')],
  ],
  [
    'yum on EL7: leading blank line, plugins, mirrors, a wrapped row, obsoletes',
    '\nLoaded plugins: fastestmirror\n' +
      'Loading mirror speeds from cached hostfile\n' +
      ' * base: mirror.example.com\n' +
      ' * extras: mirror.example.com\n' +
      ' * updates: mirror.example.com\n' +
      '\n' +
      'bind-export-libs.x86_64                 32:9.11.4-26.P2.el7_9.16           updates\n' +
      'kernel.x86_64                           3.10.0-1160.119.1.el7              updates\n' +
      'NetworkManager-config-server.noarch\n' +
      '                                        1:1.18.8-2.el7_9                   updates\n' +
      'python-perf.x86_64                      3.10.0-1160.119.1.el7              updates\n' +
      'Obsoleting Packages\n' +
      'grub2.x86_64                            1:2.02-0.87.0.2.el7.centos.14      updates\n' +
      '    grub2.x86_64                        1:2.02-0.86.el7.centos             @anaconda\n',
    [
      row('bind-export-libs.x86_64', '32:9.11.4-26.P2.el7_9.16', 'updates'),
      row('kernel.x86_64', '3.10.0-1160.119.1.el7', 'updates'),
      row('NetworkManager-config-server.noarch', '1:1.18.8-2.el7_9', 'updates'),
      row('python-perf.x86_64', '3.10.0-1160.119.1.el7', 'updates'),
    ],
  ],
  [
    'yum check-update --security on EL7 (summary line, no rows but the one)',
    'Loaded plugins: fastestmirror\nLoading mirror speeds from cached hostfile\n * base: mirror.example.com\n' +
      '3 package(s) needed for security, out of 12 available\n\n' +
      'bind-export-libs.x86_64   32:9.11.4-26.P2.el7_9.16   updates\n',
    [row('bind-export-libs.x86_64', '32:9.11.4-26.P2.el7_9.16', 'updates')],
  ],
  [
    'wrapped after the version, and wrapped twice',
    'a-very-long-package-name-for-wrapping.x86_64   1.0-1.el7\n' +
      '                                               updates\n' +
      'another-very-long-package-name.noarch\n' +
      '                    2.0-3.el7\n' +
      '                                 epel\n',
    [row('a-very-long-package-name-for-wrapping.x86_64', '1.0-1.el7', 'updates'), row('another-very-long-package-name.noarch', '2.0-3.el7', 'epel')],
  ],
  [
    'an unfinished wrapped row followed by an ordinary row',
    'orphan-name.x86_64\nnext.x86_64  1-1  base\n',
    [row('next.x86_64', '1-1', 'base')],
  ],
  [
    'lines that have three words but are not rows',
    'Metadata cache created.\nRocky Linux 9\nfoo.unknownarch 1-1 base\nfoo.x86_64 notaversion base\nfoo.x86_64 1-1 a|b\n',
    [],
  ],
  ['CRLF line ends', 'pkg.noarch  1.1-1  repo\r\n', [row('pkg.noarch', '1.1-1', 'repo')]],
];

t.test('parseCheckUpdate', async (t) => {
  for (const [name, stdout, expected] of CHECK_UPDATE) t.same(parseCheckUpdate(stdout), expected, name);
});

const UPDATEINFO: Array<[string, string, ReturnType<typeof parseUpdateinfoList>]> = [
  ['empty', '', []],
  [
    'dnf 4 on the rocky-9 fixture',
    'RLSA-2026:0001 Important/Sec. mpa-dummy-1.1-1.noarch\n',
    [{ advisory: 'RLSA-2026:0001', severity: 'Important', type: 'security', nevra: 'mpa-dummy-1.1-1.noarch' }],
  ],
  [
    'dnf 4 mixed list with epochs, bugfix and enhancement',
    'Last metadata expiration check: 0:10:00 ago on Tue 24 Nov 2026.\n' +
      'RLSA-2024:9011  Moderate/Sec.  bind-libs-32:9.16.23-18.el9_4.6.x86_64\n' +
      'RLBA-2024:1234  bugfix         tzdata-2024b-2.el9.noarch\n' +
      'FEDORA-2024-0123abcd45 enhancement foo-1.0-1.fc40.x86_64\n' +
      'FEDORA-2024-99 Low/Sec. bar-2-1.fc40.aarch64\n',
    [
      { advisory: 'RLSA-2024:9011', severity: 'Moderate', type: 'security', nevra: 'bind-libs-32:9.16.23-18.el9_4.6.x86_64' },
      { advisory: 'RLBA-2024:1234', severity: '', type: 'bugfix', nevra: 'tzdata-2024b-2.el9.noarch' },
      { advisory: 'FEDORA-2024-0123abcd45', severity: '', type: 'enhancement', nevra: 'foo-1.0-1.fc40.x86_64' },
      { advisory: 'FEDORA-2024-99', severity: 'Low', type: 'security', nevra: 'bar-2-1.fc40.aarch64' },
    ],
  ],
  [
    'yum on EL7',
    'Loaded plugins: fastestmirror\nLoading mirror speeds from cached hostfile\n * base: mirror.example.com\n' +
      'CESA-2026:0001 Important/Sec. mpa-dummy-1.1-1.noarch\n' +
      'CESA-2024:1234 None/Sec.      openssl-libs-1:1.0.2k-26.el7_9.x86_64\n' +
      'updateinfo list done\n',
    [
      { advisory: 'CESA-2026:0001', severity: 'Important', type: 'security', nevra: 'mpa-dummy-1.1-1.noarch' },
      { advisory: 'CESA-2024:1234', severity: '', type: 'security', nevra: 'openssl-libs-1:1.0.2k-26.el7_9.x86_64' },
    ],
  ],
  [
    'installed marker from --all',
    'i RLSA-2023:1 Critical/Sec. pkg-1-1.el9.x86_64\n',
    [{ advisory: 'RLSA-2023:1', severity: 'Critical', type: 'security', nevra: 'pkg-1-1.el9.x86_64' }],
  ],
  ['not advisories', 'Loaded plugins: fastestmirror\nupdateinfo list done\nError: something failed here\n', []],
  [
    'an advisory needs a - or : after its first character, and only advisory characters',
    '-RLSA-1 bugfix a-1-1.noarch\nRLSA1 bugfix a-1-1.noarch\nRL!SA-1 bugfix a-1-1.noarch\nA:1 bugfix a-1-1.noarch\n',
    [{ advisory: 'A:1', severity: '', type: 'bugfix', nevra: 'a-1-1.noarch' }],
  ],
];

t.test('parseUpdateinfoList', async (t) => {
  for (const [name, stdout, expected] of UPDATEINFO) t.same(parseUpdateinfoList(stdout), expected, name);
});

t.test('parseNevra', async (t) => {
  t.same(parseNevra('mpa-dummy-1.1-1.noarch'), { name: 'mpa-dummy', epoch: '0', version: '1.1', release: '1', arch: 'noarch' });
  t.same(parseNevra('bind-libs-32:9.16.23-18.el9_4.6.x86_64'), { name: 'bind-libs', epoch: '32', version: '9.16.23', release: '18.el9_4.6', arch: 'x86_64' });
  t.equal(parseNevra('fastestmirror'), null);
  t.equal(parseNevra('a-1-1.weird'), null);
});

t.test('rpmVerCmp and compareEvr order versions as rpm does', async (t) => {
  const cases: Array<[string, string, number]> = [
    ['1.0', '1.0', 0],
    ['1.0', '1.1', -1],
    ['1.10', '1.9', 1],
    ['1.0a', '1.0', 1],
    ['1.0~rc1', '1.0', -1],
    ['1.0^git1', '1.0', 1],
    ['1.0^git1', '1.0.1', -1],
    ['2a', '2.0', -1],
    ['001', '1', 0],
    ['5.14.0-427.42.1.el9_4', '5.14.0-427.40.1.el9_4', 1],
  ];
  for (const [a, b, want] of cases) t.equal(rpmVerCmp(a, b), want, `${a} vs ${b}`);
  t.equal(compareEvr('1:1.0-1', '2.0-1'), 1, 'epoch wins');
  t.equal(compareEvr('1.0-2', '1.0-10'), -1, 'release compared numerically');
  t.equal(compareEvr('0:1.0-1', '1.0-1'), 0, 'epoch 0 is no epoch');
});

t.test('maskUrlCredentials', async (t) => {
  t.equal(maskUrlCredentials('for https://user:s3cret@repo.example.com/x and http://tok@h/'), 'for https://***@repo.example.com/x and http://***@h/');
  t.equal(maskUrlCredentials('masked https://***@h/'), 'masked https://***@h/');
  t.equal(maskUrlCredentials('https://u:p@ss@w@rd@mirror.example.com/el9/ x@y'), 'https://***@mirror.example.com/el9/ x@y', 'up to the last @ of the host part');
});
