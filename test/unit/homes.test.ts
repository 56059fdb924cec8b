// homeDirectories: homes as /etc/passwd names them, resolved inside the target, each once.
import t, { type Test } from 'tap';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Host } from '../../agent/host.js';
import { homeDirectories, type HomeDirectory } from '../../agent/facts/homes.js';

interface Case {
  title: string;
  passwd: string[];
  dirs?: string[];
  files?: string[];
  links?: Array<[target: string, path: string]>;
  expect: HomeDirectory[] | ((homes: HomeDirectory[], t: Test) => void);
  /** What homeDirectories records as unread, as "path: reason". */
  unread?: RegExp[];
}

const CASES: Case[] = [
  {
    title: 'homes outside /home',
    passwd: ['root:x:0:0::/root:/bin/bash', 'alice:x:1000:1000::/srv/alice:/bin/bash', 'svc:x:998:998::/var/lib/svc:/usr/sbin/nologin'],
    dirs: ['root', 'srv/alice', 'var/lib/svc'],
    expect: [
      { users: ['root'], path: '/root' },
      { users: ['alice'], path: '/srv/alice' },
      { users: ['svc'], path: '/var/lib/svc' },
    ],
  },
  {
    title: 'a shared home is listed once with all its users',
    passwd: ['root:x:0:0::/root:/bin/bash', 'toor:x:0:0::/root:/bin/sh', 'alice:x:1000:1000::/home/alice:/bin/bash', 'alias:x:1001:1001::/home/alice/:/bin/bash'],
    dirs: ['root', 'home/alice'],
    expect: [
      { users: ['root', 'toor'], path: '/root' },
      { users: ['alice', 'alias'], path: '/home/alice' },
    ],
  },
  {
    title: 'a home through a symlink is shared with the link target',
    passwd: ['a:x:1000:1000::/home/a:/bin/sh', 'b:x:1001:1001::/data/a:/bin/sh'],
    dirs: ['data/a', 'home'],
    links: [['/data/a', 'home/a']],
    expect: [{ users: ['a', 'b'], path: '/data/a' }],
  },
  {
    title: 'missing homes, files and relative homes are skipped (a directory in /home is kept, as no account\'s)',
    passwd: ['gone:x:1000:1000::/home/gone:/bin/sh', 'file:x:1001:1001::/home/file:/bin/sh', 'rel:x:1002:1002::home/rel:/bin/sh', 'empty:x:1003:1003:::/bin/sh'],
    dirs: ['home/rel'],
    files: ['home/file'],
    expect: [{ users: [], path: '/home/rel' }],
  },
  {
    title: '/ and /nonexistent and friends are not homes',
    passwd: [
      'sync:x:4:65534::/bin:/bin/sync',
      'nobody:x:65534:65534::/nonexistent:/usr/sbin/nologin',
      'slash:x:5:5::/:/bin/sh',
      'devnull:x:6:6::/dev/null:/bin/sh',
      'proc:x:7:7::/proc:/bin/sh',
    ],
    dirs: ['bin', 'nonexistent', 'proc', 'dev'],
    files: ['dev/null'],
    expect: [],
  },
  {
    title: 'a directory in /home that no account names is a home of no account',
    passwd: ['alice:x:1000:1000::/home/alice:/bin/sh'],
    dirs: ['home/alice', 'home/former'],
    links: [['/etc', 'home/etc-link']],
    expect: [
      { users: ['alice'], path: '/home/alice' },
      { users: [], path: '/home/former' },
    ],
  },
  {
    title: 'a home that resolves to / through a link is skipped',
    passwd: ['sneaky:x:1000:1000::/home/sneaky:/bin/sh', 'dotdot:x:1001:1001::/home/../..:/bin/sh'],
    dirs: ['home'],
    links: [['/', 'home/sneaky']],
    expect: [],
  },
  {
    title: 'a home link to /usr stays inside the target',
    passwd: ['x:x:1000:1000::/home/x:/bin/sh'],
    dirs: ['home'],
    links: [['/usr', 'home/x']],
    expect: [], // the target has no /usr directory, whatever the host has
  },
  {
    title: 'a home that is a link loop is recorded as unread, the others are found',
    passwd: ['loop:x:1000:1000::/home/loop:/bin/sh', 'ok:x:1001:1001::/home/ok:/bin/sh'],
    dirs: ['home/ok'],
    links: [['/home/loop', 'home/loop']],
    unread: [/^\/home\/loop: .*symbolic links/],
    expect: (homes, t) => {
      t.same(homes, [{ users: ['ok'], path: '/home/ok' }]);
    },
  },
];

for (const c of CASES) {
  t.test(c.title, async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'homes-'));
    t.teardown(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc/passwd'), c.passwd.join('\n') + '\n');
    for (const dir of c.dirs ?? []) mkdirSync(join(root, dir), { recursive: true });
    for (const file of c.files ?? []) writeFileSync(join(root, file), '');
    for (const [target, path] of c.links ?? []) symlinkSync(target, join(root, path));
    const host = new Host(root, 'root');
    const homes = await homeDirectories(host);
    if (typeof c.expect === 'function') c.expect(homes, t);
    else t.same(homes, c.expect);
    const unread = host.unread.map((u) => `${u.path}: ${u.reason}`);
    t.equal(unread.length, c.unread?.length ?? 0, `unread: ${unread.join('; ')}`);
    (c.unread ?? []).forEach((pattern, i) => t.match(unread[i], pattern));
    t.equal(await homeDirectories(host), homes, 'memoised');
  });
}
