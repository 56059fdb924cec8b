// resolveTargetParts resolves a path of the target the way a chroot would: absolute links restart
// at the target root, `..` never climbs above it, loops throw. Real symlinks in a temp root.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PathLoopError, joinTargetPath, resolveTargetParts, splitTargetPath } from '../../agent/target-path.js';

function makeRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'target-path-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc/ssh'), { recursive: true });
  mkdirSync(join(root, 'usr/lib'), { recursive: true });
  mkdirSync(join(root, 'home/alice/.ssh'), { recursive: true });
  mkdirSync(join(root, 'a/b/c/d'), { recursive: true });
  writeFileSync(join(root, 'etc/shadow'), 'root:*:1::::::\n');
  writeFileSync(join(root, 'usr/lib/os-release'), 'ID=ubuntu\n');
  // Absolute links: must restart at the target root, never at the host's /.
  symlinkSync('/etc/shadow', join(root, 'home/alice/.ssh/authorized_keys'));
  symlinkSync('/etc', join(root, 'etc-abs'));
  // Relative links with more `..` than there are levels: clamp at the root.
  symlinkSync('../../../../etc', join(root, 'home/alice/up'));
  symlinkSync('../../../../../../../../etc/shadow', join(root, 'a/b/c/d/deep'));
  symlinkSync('../usr/lib/os-release', join(root, 'etc/os-release'));
  // Chains: link -> link -> file.
  symlinkSync('/etc-abs/shadow', join(root, 'chain1'));
  symlinkSync('chain1', join(root, 'chain2'));
  // Loops.
  symlinkSync('loop-b', join(root, 'loop-a'));
  symlinkSync('loop-a', join(root, 'loop-b'));
  symlinkSync('self', join(root, 'self'));
  symlinkSync('/dir-loop/x', join(root, 'dir-loop'));
  // A link to a directory, used in the middle of a path.
  symlinkSync('a/b', join(root, 'ab'));
  // Dangling link.
  symlinkSync('/nowhere/file', join(root, 'dangling'));
  return root;
}

const root = makeRoot();

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

const CASES: ReadonlyArray<{ title: string; path: string; followLast: boolean; expect: string }> = [
  { title: 'plain file', path: '/etc/shadow', followLast: true, expect: '/etc/shadow' },
  { title: 'relative input is taken from the root', path: 'etc/shadow', followLast: true, expect: '/etc/shadow' },
  { title: 'empty and dot components dropped', path: '//etc/./ssh//', followLast: true, expect: '/etc/ssh' },
  { title: 'root itself', path: '/', followLast: true, expect: '/' },
  { title: '.. above root stays at root', path: '/../../../etc/shadow', followLast: true, expect: '/etc/shadow' },
  { title: '.. in the middle', path: '/a/b/../b/c', followLast: true, expect: '/a/b/c' },
  { title: 'absolute link to /etc/shadow restarts at the target root', path: '/home/alice/.ssh/authorized_keys', followLast: true, expect: '/etc/shadow' },
  { title: 'followLast false keeps the last link', path: '/home/alice/.ssh/authorized_keys', followLast: false, expect: '/home/alice/.ssh/authorized_keys' },
  { title: 'absolute link as a directory component', path: '/etc-abs/shadow', followLast: false, expect: '/etc/shadow' },
  { title: '../../../../etc chain clamps at the root', path: '/home/alice/up/shadow', followLast: true, expect: '/etc/shadow' },
  { title: 'deep ../ chain to etc/shadow', path: '/a/b/c/d/deep', followLast: true, expect: '/etc/shadow' },
  { title: 'os-release -> ../usr/lib/os-release', path: '/etc/os-release', followLast: true, expect: '/usr/lib/os-release' },
  { title: 'chain of links', path: '/chain2', followLast: true, expect: '/etc/shadow' },
  { title: 'chain, last kept', path: '/chain2', followLast: false, expect: '/chain2' },
  { title: 'link to a directory in the middle', path: '/ab/c/d', followLast: true, expect: '/a/b/c/d' },
  { title: '.. after a link goes up from the link target', path: '/ab/..', followLast: true, expect: '/a' },
  { title: 'missing component kept literally', path: '/etc/missing/file', followLast: true, expect: '/etc/missing/file' },
  { title: 'dangling absolute link resolves inside the root', path: '/dangling', followLast: true, expect: '/nowhere/file' },
  { title: 'trailing .. with followLast false', path: '/a/b/..', followLast: false, expect: '/a' },
  { title: 'a loop is fine when the last link is not followed', path: '/loop-a', followLast: false, expect: '/loop-a' },
];

for (const c of CASES) {
  t.test(c.title, async (t) => {
    const parts = resolveTargetParts(root, c.path, c.followLast);
    t.equal(joinTargetPath(parts), c.expect);
    t.notOk(parts.includes('..'), 'no .. left in the result');
  });
}

const LOOPS: ReadonlyArray<{ title: string; path: string }> = [
  { title: 'two links pointing at each other', path: '/loop-a' },
  { title: 'a link to itself', path: '/self' },
  { title: 'a loop in the middle of a path', path: '/loop-b/etc/shadow' },
  { title: 'a link that grows forever', path: '/dir-loop' },
];

for (const c of LOOPS) {
  t.test(`loop: ${c.title}`, async (t) => {
    const err = thrown(() => resolveTargetParts(root, c.path, true));
    t.ok(err instanceof PathLoopError, 'throws PathLoopError');
    t.equal((err as PathLoopError).targetPath, c.path);
    t.match((err as Error).message, /too many levels of symbolic links/);
  });
}

t.test('a chain of exactly 40 links resolves, 41 throws', async (t) => {
  const r = mkdtempSync(join(tmpdir(), 'target-path-chain-'));
  t.teardown(() => rmSync(r, { recursive: true, force: true }));
  writeFileSync(join(r, 'end'), '');
  symlinkSync('end', join(r, 'l1'));
  for (let i = 2; i <= 41; i++) symlinkSync(`l${i - 1}`, join(r, `l${i}`));
  t.same(resolveTargetParts(r, '/l40', true), ['end']);
  t.ok(thrown(() => resolveTargetParts(r, '/l41', true)) instanceof PathLoopError);
});

const SPLITS: ReadonlyArray<[string, string[]]> = [
  ['/', []],
  ['', []],
  ['/a//b/./c/', ['a', 'b', 'c']],
  ['a/../b', ['a', '..', 'b']],
];
for (const [input, expected] of SPLITS) {
  t.test(`splitTargetPath(${JSON.stringify(input)})`, async (t) => {
    t.same(splitTargetPath(input), expected);
    t.equal(joinTargetPath(expected), '/' + expected.join('/'));
  });
}
