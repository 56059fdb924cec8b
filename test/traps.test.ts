// Hostile contents in a target: links out of the root, FIFOs, odd names, unreadable files.
// The agent must finish, report, never read what a link points at outside the target, and never
// turn "could not read" into "pass".
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSyntheticRoot } from '../fixtures/synthetic/make-root.js';
import { PROFILES } from '../fixtures/synthetic/profiles.js';
import { parseReport, runAgent, statusesOf } from './helpers/agent.js';
import { IS_ROOT, OTHER_USER, requires } from './helpers/requires.js';

const ubuntu = PROFILES.find((p) => p.name === 'ubuntu-24.04')!;

t.test('links, FIFOs and odd names', async (t) => {
  const dir = t.testdir();
  const { root } = await makeSyntheticRoot(join(dir, 'root'), ubuntu, []);
  const at = (path: string) => join(root, path);
  // Absolute links: inside the image they point at the image's own files, never the host's.
  symlinkSync('/etc/shadow', at('var/log/shadow.log'));
  mkdirSync(at('root/.ssh'), { mode: 0o700 });
  symlinkSync('/etc/shadow', at('root/.ssh/authorized_keys'));
  symlinkSync('/etc/shadow', at('root/.ssh/id_ed25519'));
  symlinkSync('../../../../../../../../etc/passwd', at('root/.bash_history'));
  execFileSync('mkfifo', [at('var/log/pipe.log'), at('home/app/.bash_history')]);
  mkdirSync(at('home/app/.ssh'));
  execFileSync('mkfifo', [at('home/app/.ssh/id_rsa')]);
  writeFileSync(at('var/log/evil\nname.log'), 'x'.repeat(100));
  writeFileSync(at('var/log/\u001b[31mred.log'), 'x'.repeat(100));
  // A link loop in /var/log and in a home.
  symlinkSync('loop-b', at('var/log/loop-a'));
  symlinkSync('loop-a', at('var/log/loop-b'));

  const json = runAgent(['check', '--root', root, '--format', 'json'], { timeoutMs: 30_000 });
  const report = parseReport(json.stdout);
  const findings = report.checks.flatMap((c) => c.findings.map((f) => ({ check: c.id, ...f })));
  const at2 = (path: string) => findings.filter((f) => f.path === path);
  t.same(at2('/var/log/shadow.log').map((f) => f.code), ['symlink'], 'a log-named link is reported as a link');
  // sshd follows an authorized_keys link (inside the image): /etc/shadow's lines are no keys.
  const keysLink = at2('/root/.ssh/authorized_keys');
  t.ok(keysLink.length > 0 && keysLink.every((f) => f.code === 'unparsable-line' && f.fixable), 'authorized_keys link judged by what sshd would read; the link is removed');
  t.same(at2('/root/.ssh/id_ed25519').map((f) => f.code), ['stray-special'], 'a key-named link to a non-key is a stray link');
  t.same(at2('/root/.bash_history').map((f) => f.code), ['not-a-file'], 'history link not followed');
  t.same(at2('/home/app/.bash_history').map((f) => f.code), ['not-a-file'], 'a FIFO history is reported, not opened');
  t.same(at2('/home/app/.ssh/id_rsa').map((f) => f.code), ['stray-special'], 'a FIFO key is reported, not opened');
  t.same(at2('/var/log/pipe.log'), [], 'a FIFO in /var/log is not a log');
  t.same(at2('/var/log/evil\nname.log').map((f) => f.code), ['log'], 'JSON keeps the exact name');
  // Nothing of the host's /etc/shadow or the image's is read into the report.
  // (Only root can read the host's; another user's agent cannot have read it either.)
  if (IS_ROOT) t.notOk(json.stdout.includes(readFileSync('/etc/shadow', 'utf8').split('\n')[0]), "no line of the host's /etc/shadow");

  const text = runAgent(['check', '--root', root]);
  t.match(text.stdout, '/var/log/evil\\nname.log', 'text output escapes a newline');
  t.match(text.stdout, '/var/log/\\x1b[31mred.log', 'and an escape sequence');
  t.notMatch(text.stdout, /\u001b/, 'no raw escape reaches the terminal');
  const junit = runAgent(['check', '--root', root, '--format', 'junit']);
  t.notMatch(junit.stdout, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/, 'JUnit carries no control characters');
});

t.test('--root as a user who cannot read a file: error, never pass', { skip: requires(OTHER_USER) }, async (t) => {
  const dir = t.testdir();
  chmodSync(dir, 0o755);
  const { root } = await makeSyntheticRoot(join(dir, 'root'), ubuntu, []);
  // Readable by others except what a real image protects: shadow (0640) and /root (0700).
  execFileSync('chmod', ['-R', 'o+rX', root]);
  chmodSync(join(root, 'etc/shadow'), 0o640);
  chmodSync(join(root, 'root'), 0o700);
  chmodSync(join(root, 'var/log'), 0o750);
  // The user must be able to reach the root: add o+x (never remove a bit) on the way up.
  for (let d = dir; d !== '/'; d = join(d, '..')) chmodSync(d, statSync(d).mode | 0o005);
  const run = runAgent(['check', '--root', root, '--format', 'json'], { uid: 65534 });
  const report = parseReport(run.stdout);
  const statuses = statusesOf(report);
  t.equal(statuses.passwords, 'error', 'unreadable /etc/shadow: passwords errors');
  t.equal(statuses['log-files'], 'error', 'unreadable /var/log: log-files errors');
  t.equal(statuses['shell-history'], 'error', 'unreadable /root: shell-history errors');
  t.equal(report.verdict, 'error');
  t.equal(run.code, 3, 'exit 3: could not complete, nothing failed');
});
