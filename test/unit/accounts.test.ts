// /etc/passwd, /etc/shadow, login.defs and what a password field allows.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Host } from '../../agent/host.js';
import {
  classifyPasswordField,
  isNobody,
  isPersonAccount,
  parsePasswd,
  parseShadow,
  parseUidMin,
  readAccounts,
  readShadowFile,
  type PasswdEntry,
  type PasswordState,
} from '../../agent/facts/accounts.js';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/bash', // 1
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin', // 2
  '', // 3
  '# a comment', // 4
  'alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash', // 5
  '+@netgroup::::::', // 6  NIS compat
  '-baduser', // 7 NIS compat
  '+', // 8
  'broken-no-fields', // 9
  'short:x:1001:1001:/home/short', // 10 six fields
  'baduid:x:abc:1002::/home/b:/bin/sh', // 11
  ':x:1003:1003::/home/noname:/bin/sh', // 12 no name
  'neguid:x:-1:1004::/home/n:/bin/sh', // 13
  'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin', // 14
  'badgid:x:1005:abc::/home/g:/bin/sh', // 15
  'emptyshell:*:1006:1006:::', // 16 empty home and shell are allowed
].join('\n');

t.test('parsePasswd', async (t) => {
  const { entries, malformed } = parsePasswd(PASSWD);
  t.same(
    entries.map((e) => [e.name, e.passwordField, e.uid, e.gid, e.home, e.shell, e.line]),
    [
      ['root', 'x', 0, 0, '/root', '/bin/bash', 1],
      ['daemon', 'x', 1, 1, '/usr/sbin', '/usr/sbin/nologin', 2],
      ['alice', 'x', 1000, 1000, '/home/alice', '/bin/bash', 5],
      ['nobody', 'x', 65534, 65534, '/nonexistent', '/usr/sbin/nologin', 14],
      ['emptyshell', '*', 1006, 1006, '', '', 16],
    ],
  );
  t.same(malformed, [9, 10, 11, 12, 13, 15], 'malformed lines by number; comments, blanks and NIS lines are not malformed');
});

// gid follows the uid rule /^\d+$/: "" (which Number() reads as 0), "1e3" and "-1" are malformed.
t.test('parsePasswd: a gid that is not a number is malformed', async (t) => {
  const { entries, malformed } = parsePasswd('x:x:1000::/home/x:/bin/sh\ny:x:1001:1e3::/home/y:/bin/sh\nz:x:1002:-1::/home/z:/bin/sh\n');
  t.same(entries.map((e) => e.name), [], 'no entry');
  t.same(malformed, [1, 2, 3], 'all three malformed');
});

t.test('parseShadow', async (t) => {
  const shadow = parseShadow(
    [
      'root:$6$salt$hash:19000:0:99999:7:::',
      'daemon:*:19000:0:99999:7:::',
      '# comment',
      '+nis::::::::',
      'alice:!$y$j9T$abc$def:19000::::::',
      'root:second-entry-ignored:::::::',
      'nocolon',
      ':emptyname:::',
      'onlyname:',
      'nofields:lastfield',
    ].join('\n'),
  );
  t.same([...shadow.keys()], ['root', 'daemon', 'alice', 'onlyname', 'nofields']);
  t.same(shadow.get('root'), { name: 'root', passwordField: '$6$salt$hash', line: 1 }, 'the first entry wins');
  t.equal(shadow.get('alice')?.line, 5);
  t.equal(shadow.get('onlyname')?.passwordField, '');
  t.equal(shadow.get('nofields')?.passwordField, 'lastfield');
});

const UID_MIN: ReadonlyArray<[string | null, number]> = [
  [null, 1000],
  ['', 1000],
  ['UID_MIN 500\n', 500],
  ['# UID_MIN 500\nUID_MIN\t\t 2000  \n', 2000],
  ['UID_MIN_X 5\nSYS_UID_MIN 100\n', 1000],
  ['MAIL_DIR /var/mail\n  UID_MIN   1500\r\nUID_MAX 60000\n', 1500],
  ['UID_MIN abc\n', 1000],
  ['\n\n  \n\tUID_MIN 1200\nUID_MIN 900\n', 1200],
  ['UID_MIN\n500\n', 1000],
];
for (const [text, expected] of UID_MIN) {
  t.test(`parseUidMin(${JSON.stringify(text)})`, async (t) => t.equal(parseUidMin(text), expected));
}

const FIELDS: ReadonlyArray<[string, PasswordState]> = [
  ['', 'empty'],
  ['*', 'locked'],
  ['!', 'locked'],
  ['!!', 'locked'],
  ['!*', 'locked'],
  ['x', 'locked'],
  ['*LK*', 'locked'],
  ['NP', 'locked'],
  ['$6$salt$hash', 'hash'],
  ['$y$j9T$abc$def', 'hash'],
  ['$1$abc$def', 'hash'],
  ['$2b$10$abcdefghijklmnopqrstuv', 'hash'],
  ['abJnggxhB/yWI', 'hash'], // 13-character DES
  ['_J9..abcdabcdabcdabc', 'hash'], // BSDi extended DES
  ['!$6$salt$hash', 'locked-with-hash'],
  ['!!$6$salt$hash', 'locked-with-hash'],
  ['!$y$j9T$abc$def', 'locked-with-hash'],
  ['*$6$salt$hash', 'locked-with-hash'],
  ['!abJnggxhB/yWI', 'locked-with-hash'],
  ['abJnggxhB/yW', 'locked'], // 12 characters: no crypt output
  ['abJnggxhB/yWI!', 'locked'],
];
for (const [field, state] of FIELDS) {
  t.test(`classifyPasswordField(${JSON.stringify(field)})`, async (t) => t.equal(classifyPasswordField(field), state));
}

function entry(name: string, uid: number): PasswdEntry {
  return { name, passwordField: 'x', uid, gid: uid, home: `/home/${name}`, shell: '/bin/sh', line: 1 };
}

const PEOPLE: ReadonlyArray<{ entry: PasswdEntry; uidMin: number; person: boolean; nobody: boolean }> = [
  { entry: entry('root', 0), uidMin: 1000, person: true, nobody: false },
  { entry: entry('toor', 0), uidMin: 1000, person: true, nobody: false },
  { entry: entry('daemon', 1), uidMin: 1000, person: false, nobody: false },
  { entry: entry('alice', 1000), uidMin: 1000, person: true, nobody: false },
  { entry: entry('bob', 999), uidMin: 1000, person: false, nobody: false },
  { entry: entry('bob', 500), uidMin: 500, person: true, nobody: false },
  { entry: entry('nobody', 65534), uidMin: 1000, person: false, nobody: true },
  { entry: entry('nobody', 99), uidMin: 1000, person: false, nobody: true },
  { entry: entry('nfsnobody', 4294967294), uidMin: 1000, person: false, nobody: true },
  { entry: entry('overflow', 65534), uidMin: 1000, person: false, nobody: true },
  { entry: entry('nobody', 1001), uidMin: 1000, person: false, nobody: true },
  { entry: entry('carol', 60000), uidMin: 1000, person: true, nobody: false },
];
for (const c of PEOPLE) {
  t.test(`isPersonAccount ${c.entry.name}/${c.entry.uid} (UID_MIN ${c.uidMin})`, async (t) => {
    t.equal(isPersonAccount(c.entry, c.uidMin), c.person);
    t.equal(isNobody(c.entry), c.nobody);
  });
}

t.test('readAccounts and readShadowFile on a root', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'accounts-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc'));
  const host = new Host(root, 'root');
  await t.rejects(readAccounts(host), { message: '/etc/passwd does not exist' });

  const host2 = new Host(root, 'root');
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\nbad\n');
  writeFileSync(join(root, 'etc/login.defs'), 'UID_MIN 2000\n');
  writeFileSync(join(root, 'etc/shadow'), 'root:!:1::::::\n');
  const accounts = await readAccounts(host2);
  t.equal(accounts.uidMin, 2000);
  t.same(accounts.malformedPasswdLines, [2]);
  t.same(accounts.passwd.map((e) => e.name), ['root']);
  t.equal(await readAccounts(host2), accounts, 'memoised');
  t.equal((await readShadowFile(host2, '/etc/shadow'))?.get('root')?.passwordField, '!');
  t.equal(await readShadowFile(host2, '/etc/shadow-'), null);
});
