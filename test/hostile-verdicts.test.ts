// Verdicts hostile images used to get wrong, each on a fixture root (the problems table holds the
// keys and boot states: authorized-keys-past-4-mib, authorized-keys-link, ssh-directory-is-a-link,
// private-key-in-ssh-subdirectory, cloud-init-unit-*, ufw-removed-not-purged; test/core/defects
// the unreadable drop-ins). Here: unreadable firewall inputs, byte-exact account edits, bad input.
import t from 'tap';
import { CLEANUP_APPLY, OTHER_USER, requires } from './helpers/requires.js';
import { execFileSync } from 'node:child_process';
import { chmodSync, linkSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSyntheticRoot } from '../fixtures/synthetic/make-root.js';
import { PROFILES } from '../fixtures/synthetic/profiles.js';
import { addAccount, setPasswordField } from '../fixtures/synthetic/accounts.js';
import { writeFile } from '../fixtures/synthetic/tree.js';
import { parseCleanup, parseReport, runAgent, type CleanupReportJson } from './helpers/agent.js';

const ubuntu = PROFILES.find((p) => p.name === 'ubuntu-24.04')!;
const HASH = `$6$saltsalt$${'h'.repeat(86)}`;

t.test('unreadable firewall inputs make the firewall check error, never "no firewall"', { skip: requires(OTHER_USER) }, async (t) => {
  const dir = t.testdir();
  const { root } = await makeSyntheticRoot(join(dir, 'fifo'), ubuntu, []);
  execFileSync('rm', ['-f', join(root, 'etc/ufw/user.rules')]);
  execFileSync('mkfifo', [join(root, 'etc/ufw/user.rules')]);
  const firewall = parseReport(runAgent(['check', '--root', root, '--format', 'json', '--offline', '--only', 'firewall']).stdout).checks[0];
  t.equal(firewall.status, 'error', 'a FIFO user.rules: error');
  t.notOk(firewall.findings.some((f) => f.code === 'no-firewall'), 'no guess that there is no firewall');

  const { root: locked } = await makeSyntheticRoot(join(dir, 'locked'), ubuntu, []);
  chmodSync(join(locked, 'etc/systemd/system'), 0o700);
  const asNobody = parseReport(runAgent(['check', '--root', locked, '--format', 'json', '--offline', '--only', 'firewall'], { uid: 65534 }).stdout).checks[0];
  t.equal(asNobody.status, 'error', '/etc/systemd/system unreadable: error');
  t.ok(asNobody.findings.some((f) => f.code === 'unreadable' && f.path === '/etc/systemd/system'), 'names what it could not read');
});

t.test('locking root rewrites /etc/shadow byte for byte outside the edited field', { skip: requires(CLEANUP_APPLY) }, async (t) => {
  const dir = t.testdir();
  const { root } = await makeSyntheticRoot(join(dir, 'root'), ubuntu, []);
  setPasswordField(root, 'root', HASH);
  // A name that is not valid UTF-8, a CRLF line and a trailing line without a newline.
  const shadow = join(root, 'etc/shadow');
  const extra = Buffer.concat([Buffer.from('keep'), Buffer.from([0xe9]), Buffer.from('me:!:20000:0:99999:7:::\nodd:*:20000:0:99999:7:::\r\nlast:!:20000::::::')]);
  writeFileSync(shadow, Buffer.concat([readFileSync(shadow), extra]));
  const before = readFileSync(shadow);
  const run = runAgent(['cleanup', '--root', root, '--yes', '--format', 'json', '--offline', '--only', 'passwords']);
  t.equal(parseCleanup<CleanupReportJson>(run.stdout).actions.find((a) => a.kind === 'lock-account')?.status, 'done');
  const after = readFileSync(shadow);
  const lines = (buf: Buffer) => buf.toString('latin1').split('\n');
  const [old, now] = [lines(before), lines(after)];
  t.equal(now.length, old.length, 'same number of lines');
  old.forEach((line, i) => {
    if (line.startsWith('root:')) t.equal(now[i], line.replace(/^root:[^:]*:/, 'root:!:'), 'root: only its second field changed');
    else t.equal(now[i], line, `line ${i + 1} byte for byte`);
  });
});

t.test('a second uid-0 account is named, and is a finding of its own', async (t) => {
  const dir = t.testdir();
  const { root } = await makeSyntheticRoot(join(dir, 'root'), ubuntu, []);
  addAccount(root, { name: 'toor', uid: 0, home: '/root', createHome: false, password: HASH });
  const passwords = parseReport(runAgent(['check', '--root', root, '--format', 'json', '--offline', '--only', 'passwords']).stdout).checks[0];
  t.ok(passwords.findings.some((f) => f.code === 'password-hash' && /^account toor \(uid 0\) has a password hash$/.test(f.message)), 'the hash is toor\'s, not "root\'s"');
  t.ok(passwords.findings.some((f) => f.code === 'extra-uid0'), 'uid 0 under another name');
});

t.test('bidirectional and invisible characters in names are escaped in text output', async (t) => {
  const dir = t.testdir();
  const { root } = await makeSyntheticRoot(join(dir, 'root'), ubuntu, []);
  writeFile(root, '/var/log/app\u202egol.txt', 'x'.repeat(100));
  writeFile(root, '/var/log/zero\u200bwidth.log', 'x'.repeat(100));
  const text = runAgent(['check', '--root', root, '--offline', '--only', 'log-files', '--no-color']).stdout;
  t.notMatch(text, /[\u202e\u200b]/, 'no raw bidi or zero-width character');
  t.match(text, /app\\u202egol\.txt/);
  t.match(text, /zero\\u200bwidth\.log/);
});

t.test('a hard-linked /etc/machine-id is emptied and kept; its other name is untouched', { skip: requires(CLEANUP_APPLY) }, async (t) => {
  const dir = t.testdir();
  const { root } = await makeSyntheticRoot(join(dir, 'root'), ubuntu, []);
  writeFile(root, '/etc/machine-id', '0123456789abcdef0123456789abcdef\n');
  linkSync(join(root, 'etc/machine-id'), join(root, 'srv/machine-id.backup'));
  runAgent(['cleanup', '--root', root, '--yes', '--format', 'json', '--offline', '--only', 'machine-id']);
  t.equal(statSync(join(root, 'etc/machine-id')).size, 0, '/etc/machine-id is there, empty');
  t.equal(readFileSync(join(root, 'srv/machine-id.backup'), 'utf8'), '0123456789abcdef0123456789abcdef\n', 'the other name keeps its content');
});

t.test('bad input: one line, a documented exit code, no hang', async (t) => {
  const dir = t.testdir();
  execFileSync('mkfifo', [join(dir, 'fifo.ini')]);
  for (const [config, message] of [['/dev/zero', /not a regular file/], [join(dir, 'fifo.ini'), /not a regular file/]] as const) {
    const started = Date.now();
    const run = runAgent(['check', '--root', '/', '--config', config], { timeoutMs: 10_000 });
    t.equal(run.code, 2, `--config ${config}: exit 2`);
    t.match(run.stderr.split('\n')[0], message);
    t.ok(Date.now() - started < 5000, 'at once');
  }
  const timeout = runAgent(['check', '--timeout', '-1']);
  t.equal(timeout.code, 2);
  t.match(timeout.stderr, /^agent: --timeout -1: not a positive number of seconds\n/, 'the bad value is named');
  t.match(runAgent(['check', '--root']).stderr, /^agent: --root needs a value\n/);
});

