// host.walkKinds: what each entry is from the listing, links never followed, pruned directories
// listed but not entered, a missing tree is empty, and an unreadable directory is an error entry.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Host, isWalkError, type KindEntry, type WalkError } from '../../agent/host.js';

async function collect(host: Host, tree: string, prune?: (path: string) => boolean): Promise<(KindEntry | WalkError)[]> {
  const entries: (KindEntry | WalkError)[] = [];
  for await (const entry of host.walkKinds(tree, prune)) entries.push(entry);
  return entries.sort((a, b) => a.path.localeCompare(b.path));
}

t.test('kinds, links and pruning', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'walk-kinds-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'srv/app/node_modules/pkg'), { recursive: true });
  mkdirSync(join(root, 'outside'), { recursive: true });
  writeFileSync(join(root, 'srv/app/.env'), 'A=1\n');
  writeFileSync(join(root, 'srv/app/node_modules/pkg/.env'), 'A=1\n');
  writeFileSync(join(root, 'outside/.env'), 'A=1\n');
  symlinkSync('/outside', join(root, 'srv/app/linked'));
  execFileSync('mkfifo', [join(root, 'srv/app/pipe')]);
  const host = new Host(root, 'root');
  t.same(await collect(host, '/srv', (path) => path.endsWith('/node_modules')), [
    { path: '/srv/app', kind: 'directory' },
    { path: '/srv/app/.env', kind: 'file' },
    { path: '/srv/app/linked', kind: 'symlink' },
    { path: '/srv/app/node_modules', kind: 'directory' },
    { path: '/srv/app/pipe', kind: 'other' },
  ]);
  t.same(await collect(host, '/missing'), [], 'a tree that does not exist is empty');
  const all = await collect(host, '/srv');
  t.ok(all.some((e) => e.path === '/srv/app/node_modules/pkg/.env'), 'without prune, everything');
  t.notOk(all.some(isWalkError), 'no errors');
});
