// sshd_config as sshd reads it: Include (globs, lexical order, depth limit), Match blocks,
// Keyword=value, quoted arguments, first value wins.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Host } from '../../agent/host.js';
import { allSettings, firstSetting, readSshdConfig, splitConfigWords, type SshdConfig } from '../../agent/facts/sshd-config.js';

/** The configuration, and what it could not read as "path: reason" lines (from the host's record). */
async function configOf(files: Record<string, string>, links: Array<[string, string]> = []): Promise<SshdConfig & { errors: string[] }> {
  const root = mkdtempSync(join(tmpdir(), 'sshd-config-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc/ssh'), { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  for (const [target, path] of links) symlinkSync(target, join(root, path));
  const host = new Host(root, 'root');
  const config = await readSshdConfig(host);
  return { ...config, errors: host.unread.map((u) => `${u.path}: ${u.reason}`) };
}

/** keyword args@file:line, with a leading ? for conditional settings. */
function brief(config: SshdConfig): string[] {
  return config.settings.map((s) => `${s.conditional ? '?' : ''}${s.keyword} ${s.args.join('|')}@${s.file}:${s.line}`);
}

const MAIN = '/etc/ssh/sshd_config';

interface Case {
  title: string;
  files: Record<string, string>;
  links?: Array<[string, string]>;
  settings: string[];
  errors?: RegExp[];
  first?: Record<string, string | undefined>;
}

const CASES: Case[] = [
  {
    title: 'keywords are lower-cased; comments and blanks ignored; first value wins',
    files: { [MAIN]: '# comment\n\n  PermitRootLogin no\nPasswordAuthentication yes\npermitrootlogin yes\n' },
    settings: [`permitrootlogin no@${MAIN}:3`, `passwordauthentication yes@${MAIN}:4`, `permitrootlogin yes@${MAIN}:5`],
    first: { permitrootlogin: 'no', passwordauthentication: 'yes', port: undefined },
  },
  {
    title: 'Keyword=value and Keyword = value forms',
    files: { [MAIN]: 'PermitRootLogin=no\nPort = 2222\nX11Forwarding\t=\tyes\nUseDNS\tno\n' },
    settings: [`permitrootlogin no@${MAIN}:1`, `port 2222@${MAIN}:2`, `x11forwarding yes@${MAIN}:3`, `usedns no@${MAIN}:4`],
  },
  {
    title: 'quoted arguments keep their spaces',
    files: { [MAIN]: 'AuthorizedKeysFile ".ssh/my keys" .ssh/authorized_keys\nBanner "/etc/issue net"\n' },
    settings: [`authorizedkeysfile .ssh/my keys|.ssh/authorized_keys@${MAIN}:1`, `banner /etc/issue net@${MAIN}:2`],
  },
  {
    title: 'a keyword without value',
    files: { [MAIN]: 'Subsystem\n' },
    settings: [`subsystem @${MAIN}:1`],
  },
  {
    title: 'Match makes later lines conditional; Match all resets',
    files: {
      [MAIN]: 'PermitRootLogin prohibit-password\nMatch User bob\n  PermitRootLogin yes\n  PasswordAuthentication yes\nMatch all\nPasswordAuthentication no\nMatch Address 10.0.0.0/8\nX11Forwarding yes\nMATCH ALL\nX11Forwarding no\n',
    },
    settings: [
      `permitrootlogin prohibit-password@${MAIN}:1`,
      `?permitrootlogin yes@${MAIN}:3`,
      `?passwordauthentication yes@${MAIN}:4`,
      `passwordauthentication no@${MAIN}:6`,
      `?x11forwarding yes@${MAIN}:8`,
      `x11forwarding no@${MAIN}:10`,
    ],
    first: { permitrootlogin: 'prohibit-password', passwordauthentication: 'no', x11forwarding: 'no' },
  },
  {
    title: 'Match=User form is a Match too',
    files: { [MAIN]: 'Match=User bob\nPermitRootLogin yes\n' },
    settings: [`?permitrootlogin yes@${MAIN}:2`],
    first: { permitrootlogin: undefined },
  },
  {
    title: 'Include with a glob relative to /etc/ssh, in lexical order, at the point of inclusion',
    files: {
      [MAIN]: 'Include sshd_config.d/*.conf\nPasswordAuthentication yes\n',
      '/etc/ssh/sshd_config.d/50-cloud-init.conf': 'PasswordAuthentication no\n',
      '/etc/ssh/sshd_config.d/10-first.conf': 'PermitRootLogin no\n',
      '/etc/ssh/sshd_config.d/99-last.conf': 'PermitRootLogin yes\n',
      '/etc/ssh/sshd_config.d/README': 'PermitRootLogin readme\n',
      '/etc/ssh/sshd_config.d/20-x.conf.bak': 'PermitRootLogin bak\n',
    },
    settings: [
      'permitrootlogin no@/etc/ssh/sshd_config.d/10-first.conf:1',
      'passwordauthentication no@/etc/ssh/sshd_config.d/50-cloud-init.conf:1',
      'permitrootlogin yes@/etc/ssh/sshd_config.d/99-last.conf:1',
      `passwordauthentication yes@${MAIN}:2`,
    ],
    first: { permitrootlogin: 'no', passwordauthentication: 'no' },
  },
  {
    title: 'Include with absolute paths, several patterns, ? wildcard and a plain file',
    files: {
      [MAIN]: 'Include /opt/ssh/a?.conf /opt/other.conf\nInclude missing.conf /nowhere/*.conf\n',
      '/opt/ssh/a1.conf': 'Port 1\n',
      '/opt/ssh/a2.conf': 'Port 2\n',
      '/opt/ssh/a10.conf': 'Port 10\n',
      '/opt/other.conf': 'Port 3\n',
    },
    settings: ['port 1@/opt/ssh/a1.conf:1', 'port 2@/opt/ssh/a2.conf:1', 'port 3@/opt/other.conf:1'],
    errors: [],
  },
  {
    title: 'glob characters that are regex syntax are literal',
    files: {
      [MAIN]: 'Include sshd_config.d/a+b.(x)*\n',
      '/etc/ssh/sshd_config.d/a+b.(x)1': 'Port 1\n',
      '/etc/ssh/sshd_config.d/aab.x1': 'Port 2\n',
    },
    settings: ['port 1@/etc/ssh/sshd_config.d/a+b.(x)1:1'],
  },
  {
    title: 'Include inside a Match block is conditional',
    files: {
      [MAIN]: 'Match User bob\nInclude bob.conf\nMatch all\nPort 22\n',
      '/etc/ssh/bob.conf': 'PermitRootLogin yes\n',
    },
    settings: ['?permitrootlogin yes@/etc/ssh/bob.conf:1', `port 22@${MAIN}:4`],
  },
  {
    title: 'a Match left open in an included file carries on after the Include, as in sshd',
    files: {
      [MAIN]: 'Include sshd_config.d/*.conf\nPermitRootLogin yes\n',
      '/etc/ssh/sshd_config.d/a.conf': 'Match User bob\nX11Forwarding yes\n',
    },
    settings: ['?x11forwarding yes@/etc/ssh/sshd_config.d/a.conf:2', `?permitrootlogin yes@${MAIN}:2`],
    first: { permitrootlogin: undefined },
  },
  {
    title: 'a file that includes itself is not read again: an error, as sshd refuses it',
    files: { [MAIN]: 'Include sshd_config\nPort 22\n' },
    settings: [`port 22@${MAIN}:2`],
    errors: [/^\/etc\/ssh\/sshd_config: Include loop at \/etc\/ssh\/sshd_config$/],
  },
  {
    title: 'an Include loop through another file is an error; the rest is read',
    files: { [MAIN]: 'Include a.conf\nPort 22\n', '/etc/ssh/a.conf': 'Include sshd_config\nPermitRootLogin no\n' },
    settings: ['permitrootlogin no@/etc/ssh/a.conf:2', `port 22@${MAIN}:2`],
    errors: [/^\/etc\/ssh\/a\.conf: Include loop at \/etc\/ssh\/sshd_config$/],
  },
  {
    title: 'the same drop-in included twice, not from itself, is read twice',
    files: { [MAIN]: 'Include a.conf\nInclude a.conf\n', '/etc/ssh/a.conf': 'Port 1\n' },
    settings: ['port 1@/etc/ssh/a.conf:1', 'port 1@/etc/ssh/a.conf:1'],
    errors: [],
  },
  {
    title: 'a chain of distinct files stops at the depth limit with an error',
    files: Object.fromEntries([
      [MAIN, 'Include c/1.conf\nPort 22\n'],
      ...Array.from({ length: 20 }, (_, i) => [`/etc/ssh/c/${i + 1}.conf`, `Include c/${i + 2}.conf\n`]),
    ]),
    settings: [`port 22@${MAIN}:2`],
    errors: [/^\/etc\/ssh\/c\/16\.conf: Include nested too deeply$/],
  },
  {
    title: 'CRLF lines, and a CR, U+2028 or U+2029 inside a line, are blanks',
    files: { [MAIN]: 'Port 22\r\nAuthorizedKeysFile a\rb\nBanner\u2029none\nX11Forwarding=\u2028yes\n' },
    settings: [`port 22@${MAIN}:1`, `authorizedkeysfile a|b@${MAIN}:2`, `banner none@${MAIN}:3`, `x11forwarding yes@${MAIN}:4`],
  },
  {
    title: 'an included directory is an error, the rest is read',
    files: { [MAIN]: 'Include sshd_config.d/*\nPort 22\n', '/etc/ssh/sshd_config.d/sub/x': '' },
    settings: [`port 22@${MAIN}:2`],
    errors: [/sshd_config\.d\/sub: is a directory/],
  },
  {
    title: 'sshd_config as a link to a file elsewhere in the target',
    files: { '/usr/share/ssh/sshd_config': 'Port 2022\n' },
    links: [['/usr/share/ssh/sshd_config', 'etc/ssh/sshd_config']],
    settings: [`port 2022@${MAIN}:1`],
  },
];

for (const c of CASES) {
  t.test(c.title, async (t) => {
    const config = await configOf(c.files, c.links);
    t.equal(config.mainFile, MAIN);
    t.same(brief(config), c.settings);
    if (c.errors) {
      t.equal(config.errors.length, c.errors.length, `errors: ${config.errors.join('; ')}`);
      c.errors.forEach((pattern, i) => t.match(config.errors[i], pattern));
    } else t.same(config.errors, []);
    for (const [keyword, value] of Object.entries(c.first ?? {})) t.equal(firstSetting(config, keyword)?.args[0], value, `firstSetting ${keyword}`);
  });
}

t.test('no sshd_config', async (t) => {
  const config = await configOf({});
  t.same(config, { mainFile: null, settings: [], complete: true, errors: [] });
});

t.test('allSettings includes the conditional ones', async (t) => {
  const config = await configOf({ [MAIN]: 'AuthorizedKeysFile a\nMatch User x\nAuthorizedKeysFile b c\n' });
  t.same(allSettings(config, 'authorizedkeysfile').map((s) => s.args), [['a'], ['b', 'c']]);
  t.same(firstSetting(config, 'authorizedkeysfile')?.args, ['a']);
});

// glob(3) never lets * match a leading dot, so an editor's .50-x.conf.swp-like dotfile is not
// read: sshd skips it too.
t.test('a * glob does not match dotfiles, as in glob(3)', async (t) => {
  const config = await configOf({
    [MAIN]: 'Include sshd_config.d/*.conf\n',
    '/etc/ssh/sshd_config.d/.hidden.conf': 'PermitRootLogin yes\n',
    '/etc/ssh/sshd_config.d/10-a.conf': 'PermitRootLogin no\n',
  });
  t.same(brief(config), ['permitrootlogin no@/etc/ssh/sshd_config.d/10-a.conf:1'], 'only 10-a.conf');
});

const WORDS: ReadonlyArray<[string, string[]]> = [
  ['a b  c', ['a', 'b', 'c']],
  ['"a b" c', ['a b', 'c']],
  ['""', ['']],
  ['"x y"z', ['x y', 'z']],
  ['', []],
];
for (const [text, words] of WORDS) t.test(`splitConfigWords(${JSON.stringify(text)})`, async (t) => t.same(splitConfigWords(text), words));
