// Which authorized_keys files sshd would read, for every account with a home directory (and, for an
// absolute pattern without %h, for every account: nobody's home /nonexistent does not matter there).
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Host } from '../../agent/host.js';
import { authorizedKeysFiles } from '../../agent/facts/authorized-keys-files.js';

const PASSWD = [
  'root:x:0:0::/root:/bin/bash',
  'alice:x:1000:1000::/home/alice:/bin/bash',
  'svc:x:998:998::/srv/svc:/usr/sbin/nologin',
  'nobody:x:65534:65534::/nonexistent:/usr/sbin/nologin',
].join('\n');

interface Case {
  title: string;
  sshd?: string;
  files?: Record<string, string>;
  /** path -> users */
  expect: Record<string, string[]>;
}

const DEFAULTS = {
  '/root/.ssh/authorized_keys': ['root'],
  '/root/.ssh/authorized_keys2': ['root'],
  '/home/alice/.ssh/authorized_keys': ['alice'],
  '/home/alice/.ssh/authorized_keys2': ['alice'],
  '/srv/svc/.ssh/authorized_keys': ['svc'],
  '/srv/svc/.ssh/authorized_keys2': ['svc'],
};

const CASES: Case[] = [
  { title: 'no sshd_config: the defaults for every home', expect: DEFAULTS },
  { title: 'AuthorizedKeysFile none: the defaults are still looked at', sshd: 'AuthorizedKeysFile none\n', expect: DEFAULTS },
  {
    title: '%h %u %U tokens',
    sshd: 'AuthorizedKeysFile %h/.ssh/keys_%u /etc/ssh/keys/%U\n',
    expect: {
      '/root/.ssh/keys_root': ['root'],
      '/etc/ssh/keys/0': ['root'],
      '/root/.ssh/authorized_keys': ['root'],
      '/root/.ssh/authorized_keys2': ['root'],
      '/home/alice/.ssh/keys_alice': ['alice'],
      '/etc/ssh/keys/1000': ['alice'],
      '/home/alice/.ssh/authorized_keys': ['alice'],
      '/home/alice/.ssh/authorized_keys2': ['alice'],
      '/srv/svc/.ssh/keys_svc': ['svc'],
      '/etc/ssh/keys/998': ['svc'],
      '/srv/svc/.ssh/authorized_keys': ['svc'],
      '/srv/svc/.ssh/authorized_keys2': ['svc'],
      '/etc/ssh/keys/65534': ['nobody'],
    },
  },
  {
    title: '%% is a literal percent; unknown tokens stay',
    sshd: 'AuthorizedKeysFile .ssh/100%%_%u %x\n',
    expect: {
      ...DEFAULTS,
      '/root/.ssh/100%_root': ['root'],
      '/root/%x': ['root'],
      '/home/alice/.ssh/100%_alice': ['alice'],
      '/home/alice/%x': ['alice'],
      '/srv/svc/.ssh/100%_svc': ['svc'],
      '/srv/svc/%x': ['svc'],
    },
  },
  {
    title: '%%h is a percent and an h, not a home',
    sshd: 'AuthorizedKeysFile /keys/%%h\n',
    expect: { ...DEFAULTS, '/keys/%h': ['root', 'alice', 'svc', 'nobody'] },
  },
  {
    title: 'an absolute pattern without tokens is one file shared by every user',
    sshd: 'AuthorizedKeysFile /etc/ssh/all_keys\n',
    expect: { ...DEFAULTS, '/etc/ssh/all_keys': ['root', 'alice', 'svc', 'nobody'] },
  },
  {
    title: 'absolute patterns are normalised',
    sshd: 'AuthorizedKeysFile /etc/ssh/../ssh//keys/./%u\n',
    expect: { ...DEFAULTS, '/etc/ssh/keys/root': ['root'], '/etc/ssh/keys/alice': ['alice'], '/etc/ssh/keys/svc': ['svc'], '/etc/ssh/keys/nobody': ['nobody'] },
  },
  {
    title: 'values in Match blocks and in drop-ins count too',
    sshd: 'Include sshd_config.d/*.conf\nMatch User alice\n  AuthorizedKeysFile .ssh/alice_keys\n',
    files: { '/etc/ssh/sshd_config.d/10.conf': 'AuthorizedKeysFile .config/keys\n' },
    expect: {
      ...DEFAULTS,
      '/root/.config/keys': ['root'],
      '/root/.ssh/alice_keys': ['root'],
      '/home/alice/.config/keys': ['alice'],
      '/home/alice/.ssh/alice_keys': ['alice'],
      '/srv/svc/.config/keys': ['svc'],
      '/srv/svc/.ssh/alice_keys': ['svc'],
    },
  },
  {
    title: 'a quoted pattern with a space',
    sshd: 'AuthorizedKeysFile "%h/my keys"\n',
    expect: { ...DEFAULTS, '/root/my keys': ['root'], '/home/alice/my keys': ['alice'], '/srv/svc/my keys': ['svc'] },
  },
];

async function filesOf(c: Pick<Case, 'sshd' | 'files'>, passwd = PASSWD) {
  const root = mkdtempSync(join(tmpdir(), 'akf-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  for (const dir of ['etc/ssh', 'root', 'home/alice', 'srv/svc']) mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, 'etc/passwd'), passwd + '\n');
  if (c.sshd !== undefined) writeFileSync(join(root, 'etc/ssh/sshd_config'), c.sshd);
  for (const [path, content] of Object.entries(c.files ?? {})) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  const host = new Host(root, 'root');
  return { files: await authorizedKeysFiles(host), errors: host.unread };
}

for (const c of CASES) {
  t.test(c.title, async (t) => {
    const { files, errors } = await filesOf(c);
    t.same(errors, []);
    const got = Object.fromEntries(files.map((f) => [f.path, f.users]));
    t.same(Object.keys(got).sort(), Object.keys(c.expect).sort(), 'the set of files');
    t.same(got, c.expect, 'users per file');
  });
}

t.test('a shared home gives each file once with both users', async (t) => {
  const { files } = await filesOf({}, 'root:x:0:0::/root:/bin/sh\ntoor:x:0:0::/root:/bin/sh\n');
  t.same(files, [
    { path: '/root/.ssh/authorized_keys', users: ['root', 'toor'] },
    { path: '/root/.ssh/authorized_keys2', users: ['root', 'toor'] },
  ]);
});

t.test('a home that is a link loop is reported as an error', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'akf-loop-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'home'));
  symlinkSync('/home/x', join(root, 'home/x'));
  writeFileSync(join(root, 'etc/passwd'), 'x:x:1000:1000::/home/x:/bin/sh\n');
  const host = new Host(root, 'root');
  t.same(await authorizedKeysFiles(host), []);
  t.equal(host.unread.length, 1);
  t.match(host.unread[0], { path: '/home/x', reason: /symbolic link/ });
});

// An absolute pattern such as /etc/ssh/authorized_keys/%u needs no home: sshd reads it for an
// account whose home is /nonexistent or missing too.
t.test('absolute patterns are expanded for accounts without a home', async (t) => {
  const { files } = await filesOf({ sshd: 'AuthorizedKeysFile /etc/ssh/authorized_keys/%u\n' });
  const paths = files.map((f) => f.path);
  t.ok(paths.includes('/etc/ssh/authorized_keys/alice'));
  t.ok(paths.includes('/etc/ssh/authorized_keys/nobody'), '/etc/ssh/authorized_keys/nobody is looked at');
  t.notOk(paths.includes('/nonexistent/.ssh/authorized_keys'), 'relative patterns still need an existing home');
});
