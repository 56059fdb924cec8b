// enabledUnits: the links `systemctl enable` leaves in *.wants/ and *.requires/, and masks.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Host } from '../../agent/host.js';
import { enabledUnits } from '../../agent/facts/systemd-units.js';

interface Case {
  title: string;
  /** [link target, path of the link] */
  links: Array<[string, string]>;
  files?: string[];
  dirs?: string[];
  expectLinks: Record<string, string[]>;
  expectMasked: string[];
}

const ETC = 'etc/systemd/system';
const CASES: Case[] = [
  {
    title: 'wants and requires links in /etc and /usr/lib',
    files: ['usr/lib/systemd/system/droplet-agent.service', 'usr/lib/systemd/system/ssh.service'],
    links: [
      ['/usr/lib/systemd/system/droplet-agent.service', `${ETC}/multi-user.target.wants/droplet-agent.service`],
      ['/usr/lib/systemd/system/ssh.service', `${ETC}/multi-user.target.wants/ssh.service`],
      ['/usr/lib/systemd/system/ssh.service', `${ETC}/sshd.service`], // an alias, not an enablement
      ['../ssh.service', 'usr/lib/systemd/system/graphical.target.requires/ssh.service'],
    ],
    expectLinks: {
      'droplet-agent.service': [`/${ETC}/multi-user.target.wants/droplet-agent.service`],
      'ssh.service': [`/${ETC}/multi-user.target.wants/ssh.service`, '/usr/lib/systemd/system/graphical.target.requires/ssh.service'],
    },
    expectMasked: [],
  },
  {
    title: 'a dangling wants link still enables',
    links: [['/lib/systemd/system/gone.service', `${ETC}/multi-user.target.wants/gone.service`]],
    expectLinks: { 'gone.service': [`/${ETC}/multi-user.target.wants/gone.service`] },
    expectMasked: [],
  },
  {
    title: 'masked units (links to /dev/null) are not enabled, even when wanted',
    dirs: ['dev'],
    links: [
      ['/dev/null', `${ETC}/droplet-agent.service`],
      ['../../../dev/null', `${ETC}/do-agent.service`],
      ['/usr/lib/systemd/system/droplet-agent.service', `${ETC}/multi-user.target.wants/droplet-agent.service`],
      ['/usr/lib/systemd/system/other.service', `${ETC}/multi-user.target.wants/other.service`],
    ],
    expectLinks: { 'other.service': [`/${ETC}/multi-user.target.wants/other.service`] },
    expectMasked: ['do-agent.service', 'droplet-agent.service'],
  },
  {
    title: 'a /dev/null link in /usr/lib is not a mask; a regular file named like a unit is neither',
    files: [`${ETC}/regular.service`],
    links: [['/dev/null', 'usr/lib/systemd/system/vendor-masked.service']],
    expectLinks: {},
    expectMasked: [],
  },
  {
    title: 'no systemd directories at all',
    links: [],
    expectLinks: {},
    expectMasked: [],
  },
];

for (const c of CASES) {
  t.test(c.title, async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'units-'));
    t.teardown(() => rmSync(root, { recursive: true, force: true }));
    for (const dir of c.dirs ?? []) mkdirSync(join(root, dir), { recursive: true });
    for (const file of c.files ?? []) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), '[Unit]\n');
    }
    for (const [target, path] of c.links) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      symlinkSync(target, join(root, path));
    }
    const host = new Host(root, 'root');
    const { links, masked } = await enabledUnits(host);
    t.same(Object.fromEntries(links), c.expectLinks);
    t.same([...masked].sort(), c.expectMasked);
    t.equal((await enabledUnits(host)).links, links, 'memoised');
  });
}

// On a merged-/usr image /lib is a link to usr/lib, so /lib/systemd/system and
// /usr/lib/systemd/system are the same directory: read once, each vendor link is listed once.
t.test('merged /usr: each link is listed once', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'units-merged-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'usr/lib/systemd/system/multi-user.target.wants'), { recursive: true });
  symlinkSync('usr/lib', join(root, 'lib'));
  symlinkSync('../x.service', join(root, 'usr/lib/systemd/system/multi-user.target.wants/x.service'));
  const { links } = await enabledUnits(new Host(root, 'root'));
  t.ok(links.has('x.service'));
  t.same(links.get('x.service'), ['/usr/lib/systemd/system/multi-user.target.wants/x.service'], 'one link');
});
