// Hostile roots, beyond test/traps.test.ts: links to /etc/shadow (absolute, host-relative, to
// devices), hard links, FIFOs, sockets and device nodes where files are expected, names with
// newlines, control characters and invalid UTF-8, a sparse 10 GB log, 200,000 entries in /var/log,
// unreadable directories, an immutable file and a read-only /var/log under cleanup. Everything must
// finish, report, and change nothing outside the plan.
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, rmSync, existsSync, linkSync, mkdirSync, openSync, readFileSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseShadow } from '../../agent/facts/accounts.js';
import { makeSyntheticRoot } from '../../fixtures/synthetic/make-root.js';
import { PROFILES } from '../../fixtures/synthetic/profiles.js';
import { AGENT, parseCleanup, parseReport, runAgent, statusesOf, TEST_TODAY } from '../helpers/agent.js';
import { OTHER_USER, requires, requiresMountNamespace } from '../helpers/requires.js';

const ubuntu = PROFILES.find((p) => p.name === 'ubuntu-24.04')!;
const skipNamespace = requiresMountNamespace();
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

type CleanupJson = { actions: { check: string; kind: string; path?: string; status: string; reason?: string }[]; after: { checks: { id: string; status: string }[] } };

function socketAt(path: string): void {
  // bind() takes at most 107 bytes of path: bind the base name from inside the directory.
  execFileSync('python3', ['-c', 'import os,socket,sys; os.chdir(os.path.dirname(sys.argv[1])); socket.socket(socket.AF_UNIX).bind(os.path.basename(sys.argv[1]))', path]);
}

t.test('links, hard links, devices, FIFOs, sockets and odd names', { skip: requires({ root: 'mknod of device nodes' }) }, async (t) => {
  const dir = t.testdir();
  const { root } = await makeSyntheticRoot(join(dir, 'root'), ubuntu, []);
  const at = (p: string) => join(root, p);
  mkdirSync(at('dev'), { recursive: true });
  execFileSync('mknod', [at('dev/zero'), 'c', '1', '5']);
  execFileSync('mknod', [at('dev/random'), 'c', '1', '8']);
  mkdirSync(at('root/.ssh'), { mode: 0o700 });
  mkdirSync(at('home/app/.ssh'), { mode: 0o700 });
  // Links to the image's /etc/shadow, the host's, and devices.
  symlinkSync('/etc/shadow', at('var/log/shadow.log'));
  symlinkSync('../../../../../../../../etc/shadow', at('var/log/host-shadow.log'));
  symlinkSync('/dev/zero', at('var/log/zero.log'));
  symlinkSync('/dev/random', at('root/.ssh/id_rsa'));
  symlinkSync('../../../../../../etc/shadow', at('home/app/.ssh/authorized_keys'));
  symlinkSync('/etc/shadow', at('tmp/shadow-link'));
  symlinkSync('/etc/shadow', at('home/ghost'));
  writeFileSync(at('etc/passwd'), readFileSync(at('etc/passwd'), 'utf8') + 'ghost:x:1500:1500::/home/ghost:/bin/bash\n');
  // Loops.
  symlinkSync('loop-b', at('var/log/loop-a'));
  symlinkSync('loop-a', at('var/log/loop-b'));
  symlinkSync('.', at('var/log/self'));
  // Devices, FIFOs and sockets where files are expected.
  execFileSync('mknod', [at('root/.ssh/authorized_keys'), 'c', '1', '5']);
  execFileSync('mkfifo', [at('home/app/.bash_history')]);
  rmSync(at('etc/machine-id'), { force: true });
  execFileSync('mkfifo', [at('etc/machine-id')]);
  execFileSync('mknod', [at('var/log/kmsg'), 'c', '1', '11']);
  socketAt(at('var/log/app.sock'));
  socketAt(at('tmp/.X11-sock'));
  // Names: newline, escape, DEL, and invalid UTF-8 bytes.
  writeFileSync(at('var/log/evil\nname.log'), 'x'.repeat(100));
  writeFileSync(at('var/log/bell\u0007\u007f.log'), 'x'.repeat(100));
  writeFileSync(Buffer.concat([Buffer.from(at('var/log/')), Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0x2e, 0x6c, 0x6f, 0x67])]), 'x'.repeat(100));
  const hostShadow = sha('/etc/shadow');
  const imageShadow = sha(at('etc/shadow'));

  const started = Date.now();
  const json = runAgent(['check', '--root', root, '--format', 'json', '--offline'], { timeoutMs: 30_000 });
  t.ok(Date.now() - started < 20_000, 'finishes');
  const report = parseReport(json.stdout);
  const findings = report.checks.flatMap((c) => c.findings.map((f) => ({ check: c.id, ...f })));
  const codesAt = (path: string) => findings.filter((f) => f.path === path).map((f) => `${f.check}:${f.code}`);
  t.same(codesAt('/var/log/shadow.log'), ['log-files:symlink']);
  t.same(codesAt('/var/log/host-shadow.log'), ['log-files:symlink']);
  t.same(codesAt('/var/log/zero.log'), ['log-files:symlink']);
  t.same(codesAt('/var/log/kmsg'), [], 'a device in /var/log is not a log');
  t.same(codesAt('/var/log/app.sock'), [], 'a socket in /var/log is not a log');
  t.same(codesAt('/root/.ssh/authorized_keys'), ['ssh-authorized-keys:not-a-file'], 'a char device authorized_keys is reported, not read');
  // sshd follows the link; resolved inside the image it is the image's /etc/shadow, read as keys
  // (none is one), never the host's.
  const shadowLines = readFileSync(join(root, 'etc/shadow'), 'utf8').split('\n').filter((line) => line.trim() !== '').length;
  t.same(codesAt('/home/app/.ssh/authorized_keys'), Array(shadowLines).fill('ssh-authorized-keys:unparsable-line'), 'a link climbing out of the image resolves inside it');
  t.same(codesAt('/home/app/.bash_history'), ['shell-history:not-a-file'], 'a FIFO history is reported, not opened');
  t.not(statusesOf(report)['machine-id'], 'pass', `a FIFO machine-id is not a pass (${statusesOf(report)['machine-id']})`);
  t.same(codesAt('/etc/machine-id'), ['machine-id:not-a-file'], 'a FIFO machine-id is reported, not read');
  t.same(codesAt('/var/log/evil\nname.log'), ['log-files:log'], 'JSON keeps a newline exact');
  t.same(codesAt('/var/log/bell\u0007\u007f.log'), ['log-files:log'], 'and control characters');
  // Invalid UTF-8 cannot be kept exact in a JS string: it arrives as U+FFFD.
  const bad = findings.filter((f) => f.path?.startsWith('/var/log/bad'));
  t.equal(bad.length, 1, 'the invalid UTF-8 name is reported once');
  t.comment(`invalid UTF-8 name in JSON: ${JSON.stringify(bad[0]?.path)}`);
  t.notOk(json.stdout.includes(readFileSync('/etc/shadow', 'utf8').split('\n')[0]), 'nothing of the host shadow');

  const text = runAgent(['check', '--root', root, '--offline', '--no-color']);
  t.match(text.stdout, '/var/log/evil\\nname.log', 'text escapes a newline');
  t.notMatch(text.stdout, /[\u0000-\u0008\u000b-\u001f\u007f]/, 'no raw control character in text');
  const junit = runAgent(['check', '--root', root, '--offline', '--format', 'junit']);
  t.notMatch(junit.stdout, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/, 'none in JUnit');

  const cleanup = runAgent(['cleanup', '--root', root, '--yes', '--format', 'json', '--offline'], { timeoutMs: 60_000 });
  const out = parseCleanup<CleanupJson>(cleanup.stdout);
  t.ok(out.actions.length > 0, `cleanup ran ${out.actions.length} actions, exit ${cleanup.code}`);
  t.equal(sha('/etc/shadow'), hostShadow, 'the host /etc/shadow is untouched');
  t.equal(sha(at('etc/shadow')), imageShadow, "the image's /etc/shadow is untouched (no hash to lock, links removed as links)");
  t.ok(statSync(at('dev/zero')).isCharacterDevice() && statSync(at('dev/random')).isCharacterDevice(), 'device nodes stay');
  t.ok(!existsSync(at('root/.ssh/authorized_keys')) || statSync(at('root/.ssh/authorized_keys')).isCharacterDevice(), 'a device authorized_keys is removed as a node, never written');
});

t.test('hard links to /etc/shadow from /var/log and ~/.ssh', async (t) => {
  const dir = t.testdir();
  const { root } = await makeSyntheticRoot(join(dir, 'root'), ubuntu, []);
  const shadow = join(root, 'etc/shadow');
  mkdirSync(join(root, 'root/.ssh'), { mode: 0o700 });
  linkSync(shadow, join(root, 'var/log/shadow-copy.log'));
  linkSync(shadow, join(root, 'root/.ssh/id_backup'));
  const before = readFileSync(shadow, 'utf8');
  const names = [...parseShadow(before).keys()];
  const check = parseReport(runAgent(['check', '--root', root, '--format', 'json', '--offline']).stdout);
  t.ok(check.checks.length > 0, 'check reports');
  const out = parseCleanup<CleanupJson>(runAgent(['cleanup', '--root', root, '--yes', '--format', 'json', '--offline']).stdout);
  const onLink = out.actions.filter((a) => a.path === '/var/log/shadow-copy.log');
  t.comment(`actions on the hard link: ${JSON.stringify(onLink)}`);
  const after = readFileSync(shadow, 'utf8');
  t.same([...parseShadow(after).keys()], names, '/etc/shadow keeps every account');
  t.equal(after, before, '/etc/shadow is unchanged (it had no hash to lock)');
});

t.test('a sparse 10 GB log: reported by size without reading it, truncated quickly', async (t) => {
  const dir = t.testdir();
  const { root } = await makeSyntheticRoot(join(dir, 'root'), ubuntu, []);
  const big = join(root, 'var/log/huge.log');
  closeSync(openSync(big, 'w'));
  truncateSync(big, 10 * 1024 ** 3);
  let started = Date.now();
  const report = parseReport(runAgent(['check', '--root', root, '--format', 'json', '--offline', '--only', 'log-files'], { timeoutMs: 30_000 }).stdout);
  const checkMs = Date.now() - started;
  t.ok(checkMs < 5_000, `check took ${checkMs} ms`);
  const finding = report.checks[0].findings.find((f) => f.path === '/var/log/huge.log');
  t.equal(finding?.code, 'log');
  t.match(finding?.message ?? '', /10(\.0)? ?GiB|10737418240|GB/, `size in the message: ${finding?.message}`);
  started = Date.now();
  const out = parseCleanup<CleanupJson>(runAgent(['cleanup', '--root', root, '--yes', '--format', 'json', '--offline', '--only', 'log-files'], { timeoutMs: 30_000 }).stdout);
  t.ok(Date.now() - started < 5_000, `cleanup took ${Date.now() - started} ms`);
  t.equal(out.actions.find((a) => a.path === '/var/log/huge.log')?.status, 'done');
  t.equal(statSync(big).size, 0, 'truncated');
});

t.test('/var/log with 200,000 entries: check finishes in < 20 s', { skip: skipNamespace }, async (t) => {
  const dir = t.testdir();
  const { root } = await makeSyntheticRoot(join(dir, 'root'), ubuntu, []);
  const out = join(dir, 'out');
  // 200 directories of 1000 empty files (empty logs are not findings) on a tmpfs /var/log.
  const make = 'import os,sys\nr=sys.argv[1]\nfor d in range(200):\n  p=os.path.join(r,"many%03d"%d); os.mkdir(p)\n  for f in range(1000): open(os.path.join(p,"f%04d.log"%f),"w").close()';
  const r = spawnSync(
    'unshare',
    ['-m', '--propagation', 'private', 'sh', '-c',
      `mount -t tmpfs -o size=256m tmpfs ${root}/var/log && python3 -c '${make}' ${root}/var/log && s=$(date +%s%N) && AGENT_TODAY=${TEST_TODAY} ${AGENT} check --root ${root} --format json --offline --only log-files > ${out}; echo $(( ($(date +%s%N) - s) / 1000000 ))`],
    { encoding: 'utf8', timeout: 90_000 },
  );
  const ms = Number(r.stdout.trim());
  const report = parseReport(readFileSync(out, 'utf8'));
  t.equal(report.checks[0].status, 'pass', 'empty logs are not findings');
  t.ok(ms < 20_000, `check over 200,200 entries took ${ms} ms`);
});

t.test('unreadable directories as uid 65534: error, never pass; exit 3', { skip: requires(OTHER_USER) }, async (t) => {
  const dir = t.testdir();
  chmodSync(dir, 0o755);
  const { root } = await makeSyntheticRoot(join(dir, 'root'), ubuntu, []);
  execFileSync('chmod', ['-R', 'o+rX', root]);
  for (let d = dir; d !== '/'; d = join(d, '..')) chmodSync(d, statSync(d).mode | 0o005);
  mkdirSync(join(root, 'home/app/.ssh'), { recursive: true });
  chmodSync(join(root, 'home/app/.ssh'), 0o700);
  chmodSync(join(root, 'etc/ssh/sshd_config.d'), 0o700);
  chmodSync(join(root, 'var/tmp'), 0o700);
  const run = runAgent(['check', '--root', root, '--format', 'json', '--offline', '--skip', 'security-updates'], { uid: 65534 });
  const statuses = statusesOf(parseReport(run.stdout));
  t.equal(statuses['ssh-authorized-keys'], 'error', 'unreadable ~/.ssh');
  t.equal(statuses['openssh-server'], 'error', 'unreadable sshd_config.d');
  t.equal(statuses['tmp-dirs'], 'error', 'unreadable /var/tmp');
  t.equal(run.code, 3);
});

t.test('an immutable file under cleanup: failed with a reason, exit non-zero', { skip: requires({ root: 'chattr +i', commands: ['chattr'] }) }, async (t) => {
  const dir = t.testdir();
  const { root } = await makeSyntheticRoot(join(dir, 'root'), ubuntu, []);
  const log = join(root, 'var/log/locked.log');
  writeFileSync(log, 'x'.repeat(100));
  writeFileSync(join(root, 'var/log/other.log'), 'x'.repeat(100));
  if (spawnSync('chattr', ['+i', log]).status !== 0) {
    t.pass('skipped: chattr +i does not work on this filesystem');
    return;
  }
  let run;
  try {
    run = runAgent(['cleanup', '--root', root, '--yes', '--format', 'json', '--offline', '--only', 'log-files']);
  } finally {
    spawnSync('chattr', ['-i', log]); // before the fixture directory is removed
  }
  const out = parseCleanup<CleanupJson>(run.stdout);
  const locked = out.actions.find((a) => a.path === '/var/log/locked.log');
  t.equal(locked?.status, 'failed');
  t.match(locked?.reason ?? '', /not permitted|permission/);
  t.equal(out.actions.find((a) => a.path === '/var/log/other.log')?.status, 'done', 'the others are done');
  t.not(run.code, 0, `exit ${run.code}`);
});

t.test('a read-only /var/log under cleanup: its actions fail, the others are done', { skip: skipNamespace }, async (t) => {
  const dir = t.testdir();
  const { root } = await makeSyntheticRoot(join(dir, 'root'), ubuntu, []);
  writeFileSync(join(root, 'var/log/app.log'), 'x'.repeat(100));
  writeFileSync(join(root, 'var/tmp/leftover'), 'x');
  const out = join(dir, 'out.json');
  const r = spawnSync(
    'unshare',
    ['-m', '--propagation', 'private', 'sh', '-c', `mount --bind ${root}/var/log ${root}/var/log && mount -o remount,bind,ro ${root}/var/log && AGENT_TODAY=${TEST_TODAY} ${AGENT} cleanup --root ${root} --yes --format json --offline > ${out}; echo $?`],
    { encoding: 'utf8', timeout: 60_000 },
  );
  const code = Number(r.stdout.trim());
  const result = parseCleanup<CleanupJson>(readFileSync(out, 'utf8'));
  const log = result.actions.find((a) => a.path === '/var/log/app.log');
  t.equal(log?.status, 'failed', `read-only log: ${log?.reason}`);
  t.equal(result.actions.find((a) => a.path === '/var/tmp/leftover')?.status, 'done', 'the others are done');
  t.not(code, 0, `exit ${code}`);
  t.equal(readFileSync(join(root, 'var/log/app.log'), 'utf8').length, 100, 'the log is untouched');
});
