// Host: the one way checks see the target. Fixtures are built in a fresh temp root per test.
import t, { type Test } from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Host, UnreadableError, describeFsError, fileKind, isWalkError, type WalkEntry, type WalkError } from '../../agent/host.js';
import { OTHER_USER, requires } from '../helpers/requires.js';

function tempRoot(t: Test, files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'host-test-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  return undefined;
}

t.test('readText / readBytes', async (t) => {
  const root = tempRoot(t, {
    'etc/shadow': 'root:$6$target$hash:1::::::\n',
    'etc/hostname': 'hello world\n',
    'home/alice/.ssh/.keep': '',
  });
  symlinkSync('/etc/shadow', join(root, 'home/alice/.ssh/authorized_keys'));
  symlinkSync('loop2', join(root, 'loop1'));
  symlinkSync('loop1', join(root, 'loop2'));
  execFileSync('mkfifo', [join(root, 'home/alice/.ssh/fifo')]);
  const host = new Host(root, 'root');

  const READS: ReadonlyArray<{ title: string; path: string; options?: { maxBytes?: number; follow?: boolean; head?: boolean }; expect: string | null }> = [
    { title: 'a regular file', path: '/etc/hostname', expect: 'hello world\n' },
    { title: 'missing file is null', path: '/etc/nope', expect: null },
    { title: 'missing parent is null', path: '/nope/nope/file', expect: null },
    { title: 'a parent that is a file is null', path: '/etc/hostname/x', expect: null },
    { title: 'head with maxBytes reads a prefix', path: '/etc/hostname', options: { maxBytes: 5, head: true }, expect: 'hello' },
    { title: 'head with maxBytes 0 reads nothing', path: '/etc/hostname', options: { maxBytes: 0, head: true }, expect: '' },
    { title: 'maxBytes larger than the file', path: '/etc/hostname', options: { maxBytes: 1000 }, expect: 'hello world\n' },
    { title: 'follow false on a regular file', path: '/etc/hostname', options: { follow: false }, expect: 'hello world\n' },
    { title: 'an absolute link reads the target root file, never the host one', path: '/home/alice/.ssh/authorized_keys', expect: 'root:$6$target$hash:1::::::\n' },
  ];
  for (const c of READS) t.equal(await host.readText(c.path, c.options), c.expect, c.title);
  const bytes = await host.readBytes('/etc/hostname', { maxBytes: 3, head: true });
  t.ok(Buffer.isBuffer(bytes), 'readBytes gives a Buffer');
  t.equal(bytes?.toString(), 'hel');

  const UNREADABLE: ReadonlyArray<{ title: string; path: string; options?: { follow?: boolean; maxBytes?: number }; reason: RegExp }> = [
    // A verdict on part of a file would be a guess: past the limit the read is refused, not cut.
    { title: 'a file larger than maxBytes (without head)', path: '/etc/hostname', options: { maxBytes: 5 }, reason: /is larger than 5 bytes \(not read\)/ },
    { title: 'a FIFO (must not hang)', path: '/home/alice/.ssh/fifo', reason: /is a FIFO, not a regular file/ },
    { title: 'a directory', path: '/etc', reason: /is a directory, not a regular file/ },
    { title: 'a symlink with follow false', path: '/home/alice/.ssh/authorized_keys', options: { follow: false }, reason: /symbolic link \(not followed\)/ },
    { title: 'a symlink loop', path: '/loop1', reason: /too many levels of symbolic links/ },
  ];
  for (const c of UNREADABLE) {
    const started = Date.now();
    const err = await rejection(host.readText(c.path, c.options));
    t.ok(err instanceof UnreadableError, `${c.title}: UnreadableError`);
    t.equal((err as UnreadableError).targetPath, c.path, `${c.title}: targetPath`);
    t.match((err as UnreadableError).reason, c.reason, `${c.title}: reason`);
    t.equal((err as Error).message.split(c.path).length, 2, `${c.title}: the message names the path once`);
    t.ok(Date.now() - started < 2000, `${c.title}: returns at once`);
  }
});

function probe(command: string, args: string[]): string | false {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return r.status === 0 ? false : `${command} is not allowed here: ${(r.stderr || r.error?.message || '').trim()}`;
}
const probeDir = mkdtempSync(join(tmpdir(), 'host-probe-'));
const cannotMknod = requires({ root: 'mknod of a device node' }) || probe('mknod', [join(probeDir, 'zero'), 'c', '1', '5']);
rmSync(probeDir, { recursive: true, force: true });
const cannotDropToNobody = requires(OTHER_USER) || probe('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', 'true']);

t.test('a socket is unreadable, not read', async (t) => {
  const root = tempRoot(t, { 'dev/.keep': '' });
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(join(root, 'dev/sock'), resolve));
  t.teardown(() => server.close());
  const host = new Host(root, 'root');
  const sockErr = await rejection(host.readText('/dev/sock'));
  t.ok(sockErr instanceof UnreadableError, 'socket');
});

t.test('a device node is unreadable, not read', { skip: cannotMknod }, async (t) => {
  const root = tempRoot(t, { 'dev/.keep': '' });
  execFileSync('mknod', [join(root, 'dev/zero'), 'c', '1', '5']);
  const host = new Host(root, 'root');
  const devErr = await rejection(host.readText('/dev/zero'));
  t.ok(devErr instanceof UnreadableError, 'device node');
  t.match((devErr as UnreadableError).reason, /device node, not a regular file/);
});

t.test('stat and lstat', async (t) => {
  const root = tempRoot(t, { 'etc/shadow': 'x' });
  symlinkSync('/etc/shadow', join(root, 'link'));
  const host = new Host(root, 'root');
  t.equal(await host.stat('/missing'), null);
  t.equal(await host.lstat('/etc/shadow/x'), null, 'ENOTDIR is null');
  t.ok((await host.lstat('/link'))?.isSymbolicLink(), 'lstat keeps the link');
  t.ok((await host.stat('/link'))?.isFile(), 'stat follows it inside the target');
  t.equal((await host.stat('/link'))?.size, 1, 'the target root file, not the host one');
});

t.test('resolved directories and listings are shared by the views of one run', async (t) => {
  const root = tempRoot(t, { 'home/alice/.bashrc': 'a\n', 'srv/real/f': 'r\n' });
  symlinkSync('/srv/real', join(root, 'home/bob'));
  symlinkSync('.bashrc', join(root, 'home/alice/rc'));
  const first = new Host(root, 'root');
  const second = first.forCheck();
  t.ok((await first.stat('/home/alice'))?.isDirectory(), 'a directory, resolved once');
  t.ok((await second.lstat('/home/alice'))?.isDirectory(), 'lstat of the same path from the cache: the same directory');
  t.ok((await first.stat('/home/bob'))?.isDirectory(), 'stat follows the link to a directory');
  t.ok((await second.lstat('/home/bob'))?.isSymbolicLink(), 'lstat of the link after its target was cached: still the link');
  t.same(await second.list('/home/bob'), ['f'], 'the link lists its target');
  t.equal(await first.readText('/home/alice/rc'), 'a\n', 'a link in the last component is followed inside the root');
  t.same(await first.list('/home/alice'), ['.bashrc', 'rc']);
  writeFileSync(join(root, 'home/alice/later'), '');
  t.same(await second.list('/home/alice'), ['.bashrc', 'rc'], 'a listing is made once per run (a check run does not change the target)');
  const fresh = new Host(root, 'root');
  t.same(await fresh.list('/home/alice'), ['.bashrc', 'later', 'rc'], 'a new Host lists again (cleanup re-checks with one)');
  const walked: string[] = [];
  for await (const entry of fresh.forCheck().walkKinds('/home')) if (!isWalkError(entry)) walked.push(`${entry.path}:${entry.kind}`);
  t.same(walked.sort(), ['/home/alice/.bashrc:file', '/home/alice/later:file', '/home/alice/rc:symlink', '/home/alice:directory', '/home/bob:symlink'].sort(), 'a walk uses the same listings');
});

t.test('list', async (t) => {
  const root = tempRoot(t, { 'etc/b': '', 'etc/a': '', 'etc/c/d': '', 'etc/file': '' });
  symlinkSync('/etc', join(root, 'etc-link'));
  const host = new Host(root, 'root');
  const LISTS: ReadonlyArray<[string, string[] | null]> = [
    ['/etc', ['a', 'b', 'c', 'file']],
    ['/etc-link', ['a', 'b', 'c', 'file']],
    ['/etc/c', ['d']],
    ['/missing', null],
    ['/etc/file', null],
  ];
  for (const [path, expected] of LISTS) t.same(await host.list(path), expected, path);
});

t.test('listEntries and readIfWanted', async (t) => {
  const root = tempRoot(t, { '/h/.bashrc': 'x\n', '/h/big': 'y'.repeat(100), '/h/d/f': 'z' });
  symlinkSync('/h/.bashrc', join(root, 'h/link'));
  const host = new Host(root, 'root');
  const entries = (await host.listEntries('/h'))!.map((e) => `${e.name}:${e.isFile() ? 'file' : e.isDirectory() ? 'dir' : e.isSymbolicLink() ? 'link' : '?'}`).sort();
  t.same(entries, ['.bashrc:file', 'big:file', 'd:dir', 'link:link'], 'types from the listing');
  t.equal(await host.listEntries('/missing'), null, 'a missing directory is null');
  const small = await host.readIfWanted('/h/.bashrc', (size) => size < 50);
  t.same([small?.size, small?.bytes?.toString()], [2, 'x\n'], 'read when wanted');
  const big = await host.readIfWanted('/h/big', (size) => size < 50);
  t.same([big?.size, big?.bytes], [100, null], 'sized, not read, when not wanted');
  t.equal(await host.readIfWanted('/h/none', () => true), null, 'a missing file is null');
  t.ok((await rejection(host.readIfWanted('/h/link', () => true))) instanceof UnreadableError, 'a link is not followed');
  t.ok((await rejection(host.readIfWanted('/h/d', () => true))) instanceof UnreadableError, 'a directory is not a file');
});

t.test('walk does not enter a pruned directory', async (t) => {
  const root = tempRoot(t, { '/w/a/f': '1', '/w/skip/g': '2', '/w/skip/deep/h': '3' });
  const host = new Host(root, 'root');
  const paths: string[] = [];
  for await (const entry of host.walk('/w', (path) => path.endsWith('/skip'))) paths.push(entry.path);
  t.same(paths.sort(), ['/w/a', '/w/a/f', '/w/skip'], 'the pruned directory is listed, not entered');
});

t.test('walk', async (t) => {
  const root = tempRoot(t, {
    'var/log/syslog': 'x',
    'var/log/apt/history.log': 'x',
    'var/log/apt/deep/deeper/file': 'x',
    'var/log/journal/abc/system.journal': 'x',
    'etc/secret/file': 'x',
  });
  symlinkSync('/etc/secret', join(root, 'var/log/escape'));
  symlinkSync('../../etc', join(root, 'var/log/up'));
  symlinkSync('/var/log', join(root, 'logs'));
  const host = new Host(root, 'root');

  async function collect(path: string): Promise<Array<WalkEntry | WalkError>> {
    const entries: Array<WalkEntry | WalkError> = [];
    for await (const entry of host.walk(path)) entries.push(entry);
    return entries;
  }

  const entries = await collect('/var/log');
  const paths = entries.map((e) => e.path).sort();
  t.same(paths, [
    '/var/log/apt',
    '/var/log/apt/deep',
    '/var/log/apt/deep/deeper',
    '/var/log/apt/deep/deeper/file',
    '/var/log/apt/history.log',
    '/var/log/escape',
    '/var/log/journal',
    '/var/log/journal/abc',
    '/var/log/journal/abc/system.journal',
    '/var/log/syslog',
    '/var/log/up',
  ]);
  t.notOk(entries.some(isWalkError), 'no errors');
  const byPath = new Map(entries.map((e) => [e.path, e as WalkEntry]));
  t.ok(byPath.get('/var/log/escape')?.stats.isSymbolicLink(), 'links are reported as links');
  t.ok(byPath.get('/var/log/apt')?.stats.isDirectory());
  // Every entry comes after its parent directory.
  const order = entries.map((e) => e.path);
  for (const path of order) {
    const parent = path.slice(0, path.lastIndexOf('/'));
    if (parent !== '/var/log') t.ok(order.indexOf(parent) < order.indexOf(path), `${path} after ${parent}`);
  }

  t.same((await collect('/logs')).map((e) => e.path).sort(), paths, 'a start that is a link is resolved inside the target');
  t.same(await collect('/missing'), [], 'a missing start yields nothing');
  t.same(await collect('/var/log/syslog'), [], 'a file as start yields nothing');
  const all = (await collect('/')).map((e) => e.path);
  t.ok(all.includes('/var/log/syslog') && all.includes('/etc/secret/file'), 'walk from / gives /-prefixed paths');
  t.notOk(all.some((p) => p.startsWith('//')), 'no double slashes');

  // Streaming: stopping early is fine and does not read the whole tree first.
  let seen = 0;
  for await (const entry of host.walk('/var/log')) {
    t.ok(entry.path.startsWith('/var/log/'));
    if (++seen === 2) break;
  }
  t.equal(seen, 2);
});

t.test('walk yields an error for a directory it cannot read (as nobody)', { skip: cannotDropToNobody }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'host-walk-nobody-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  chmodSync(work, 0o755);
  const root = join(work, 'root');
  mkdirSync(join(root, 'var/log/private'), { recursive: true });
  mkdirSync(join(root, 'var/log/open'), { recursive: true });
  writeFileSync(join(root, 'var/log/private/secret.log'), 'x');
  writeFileSync(join(root, 'var/log/open/ok.log'), 'x');
  writeFileSync(join(root, 'var/log/closed.log'), 'x');
  chmodSync(join(root, 'var/log/private'), 0o700);
  chmodSync(join(root, 'var/log/closed.log'), 0o600);
  await build({
    entryPoints: [new URL('../../agent/host.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: join(work, 'host.mjs'),
    logLevel: 'silent',
  });
  writeFileSync(
    join(work, 'walk.mjs'),
    `import { Host, UnreadableError } from './host.mjs';
const host = new Host(process.argv[2], 'root');
const entries = [];
for await (const e of host.walk('/var/log')) entries.push('error' in e ? { path: e.path, error: e.error } : { path: e.path });
let read;
try { read = await host.readText('/var/log/closed.log'); } catch (err) { read = { unreadable: err instanceof UnreadableError, reason: err.reason }; }
console.log(JSON.stringify({ entries, read }));
`,
  );
  const child = spawnSync('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', process.execPath, join(work, 'walk.mjs'), root], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  t.equal(child.status, 0, child.stderr);
  const { entries, read } = JSON.parse(child.stdout) as { entries: Array<{ path: string; error?: string }>; read: unknown };
  t.same(
    entries.filter((e) => e.error),
    [{ path: '/var/log/private', error: 'permission denied' }],
    'the unreadable directory is yielded as an error',
  );
  const paths = entries.filter((e) => !e.error).map((e) => e.path).sort();
  t.same(paths, ['/var/log/closed.log', '/var/log/open', '/var/log/open/ok.log', '/var/log/private'], 'the rest is still walked');
  t.same(read, { unreadable: true, reason: 'permission denied' }, 'an unreadable file is an UnreadableError');
});

t.test('memo computes once per key, concurrent callers share it', async (t) => {
  const host = new Host(tempRoot(t), 'root');
  let calls = 0;
  const compute = async () => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, 10));
    return { value: calls };
  };
  const [a, b] = await Promise.all([host.memo('k', compute), host.memo('k', compute)]);
  const c = await host.memo('k', compute);
  t.equal(calls, 1);
  t.equal(a, b, 'same object');
  t.equal(a, c);
  await host.memo('other', compute);
  t.equal(calls, 2, 'another key computes again');
  const other = new Host(tempRoot(t), 'root');
  await other.memo('k', compute);
  t.equal(calls, 3, 'memos are per host');
  let failures = 0;
  const failing = async () => {
    failures++;
    throw new Error('boom');
  };
  await t.rejects(host.memo('bad', failing), { message: 'boom' });
  await t.rejects(host.memo('bad', failing), { message: 'boom' });
  t.equal(failures, 1, 'a failure is remembered too');
});

t.test('canonical and hostPath', async (t) => {
  const root = tempRoot(t, { 'usr/lib/os-release': 'ID=x\n' });
  mkdirSync(join(root, 'etc'));
  symlinkSync('../usr/lib/os-release', join(root, 'etc/os-release'));
  symlinkSync('/usr', join(root, 'u'));
  const host = new Host(root, 'root');
  const CANONICAL: ReadonlyArray<[string, string]> = [
    ['/etc/os-release', '/usr/lib/os-release'],
    ['/u/lib/../lib/os-release', '/usr/lib/os-release'],
    ['/../../etc', '/etc'],
    ['/', '/'],
    ['/missing/x', '/missing/x'],
  ];
  for (const [path, expected] of CANONICAL) t.equal(host.canonical(path), expected, path);
  t.equal(host.hostPath('/etc/os-release'), join(root, 'usr/lib/os-release'));
  t.equal(host.hostPath('/etc/os-release', false), join(root, 'etc/os-release'));
});

t.test('settings default to online', async (t) => {
  t.same(new Host(tempRoot(t), 'root').settings, { offline: false });
});

t.test('run passes the host run options through', async (t) => {
  const host = new Host(tempRoot(t), 'root', { offline: true }, { env: { HOST_TEST_VAR: 'from-host' } });
  const result = await host.run('sh', ['-c', 'echo "$HOST_TEST_VAR"']);
  t.equal(result.code, 0);
  t.equal(result.stdout, 'from-host\n');
  const overridden = await host.run('sh', ['-c', 'echo "$HOST_TEST_VAR"'], { env: { HOST_TEST_VAR: 'per-call' } });
  t.equal(overridden.stdout, 'per-call\n');
});

t.test('describeFsError and fileKind', async (t) => {
  const CODES: ReadonlyArray<[string, string]> = [
    ['EACCES', 'permission denied'],
    ['ELOOP', 'symbolic link loop'],
    ['ENOTDIR', 'a parent is not a directory'],
    ['ENOENT', 'no such file'],
    ['ENAMETOOLONG', 'name too long'],
    ['EMFILE', 'too many open files'],
    ['ENOSPC', 'no space left on device'],
    ['EROFS', 'read-only file system'],
    // Unlisted: the code alone, since node's message names the path on this machine.
    ['ESTALE', 'ESTALE'],
  ];
  for (const [code, text] of CODES) t.equal(describeFsError(Object.assign(new Error(`${code}: /mnt/img/etc/x`), { code })), text, code);
  t.equal(describeFsError(new Error('first line\nsecond line')), 'first line');
  t.equal(describeFsError('plain'), 'plain');
  const root = tempRoot(t, { f: '' });
  const host = new Host(root, 'root');
  t.equal(fileKind((await host.lstat('/f'))!), 'regular file');
  t.equal(fileKind((await host.lstat('/'))!), 'directory');
});
