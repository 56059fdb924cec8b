// agent/self.ts: the agent's own file is the candidate path with the inode (and device, or path) of
// the lowest mapping of /proc/self/maps; nothing else is believed. (The binary through its loader:
// test/portable-binary.test.ts.)
import t from 'tap';
import { linkSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentBinaryPath, lowestMappedFile, pickOwnFile } from '../../agent/self.js';

const work = mkdtempSync(join(tmpdir(), 'self-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

const MAPS = [
  '003f0000-003f2000 r-xp 06851000 fe:00 2326625                            /tmp/my agent (v2)',
  '00400000-00746000 r--p 00000000 fe:00 2326625                            /tmp/my agent (v2)',
  '5555613fb000-55556169f000 rw-p 00000000 00:00 0                          [heap]',
  '7f84bde73000-7f84bde99000 r--p 00000000 00:01 4711                       /memfd:libc.so.6 (deleted)',
].join('\n');

t.test('the lowest file-backed mapping, path with spaces kept', async (t) => {
  t.same(lowestMappedFile(MAPS), { major: 0xfe, minor: 0, inode: 2326625n, path: '/tmp/my agent (v2)' });
  t.same(lowestMappedFile(`${MAPS.split('\n')[2]}\n`), undefined, 'anonymous mappings only: none');
  t.same(lowestMappedFile('00400000-00746000 r--p 00000000 103:0a 17 /x'), { major: 0x103, minor: 0x0a, inode: 17n, path: '/x' });
});

function mappedAs(path: string, overrides: Partial<{ major: number; minor: number; inode: bigint; path: string }> = {}) {
  const stats = statSync(path, { bigint: true });
  const major = Number((stats.dev >> 8n) & 0xfffn);
  const minor = Number((stats.dev & 0xffn) | ((stats.dev >> 12n) & ~0xffn));
  return { major, minor, inode: stats.ino, path, ...overrides };
}

t.test('pickOwnFile believes only the mapped file', async (t) => {
  const agent = join(work, 'agent');
  const decoy = join(work, 'decoy');
  writeFileSync(agent, 'agent');
  writeFileSync(decoy, 'decoy');
  const hardLink = join(work, 'hard-link');
  linkSync(agent, hardLink);
  t.equal(pickOwnFile([decoy, agent], mappedAs(agent)), agent, 'the candidate with the inode, not the first');
  t.equal(pickOwnFile([decoy, join(work, 'missing')], mappedAs(agent)), undefined, 'none of them');
  t.equal(pickOwnFile([work], mappedAs(work)), undefined, 'a directory is never the agent');
  t.equal(pickOwnFile([hardLink], mappedAs(agent)), hardLink, 'a hard link is the same file');
  // btrfs subvolumes and overlayfs: the mapping names another device than stat; the path decides.
  const otherDevice = mappedAs(agent, { major: 999, minor: 7 });
  t.equal(pickOwnFile([agent], otherDevice), agent, 'another device but the same path');
  t.equal(pickOwnFile([hardLink], otherDevice), undefined, 'another device and another path');
  t.equal(pickOwnFile([agent], mappedAs(agent, { inode: 1n })), undefined, 'another inode');
});

t.test('in this process (node running the tests, no loader in between) it is the runtime', async (t) => {
  t.equal(agentBinaryPath(), realpathSync(process.execPath));
});
