// The small regular files of the trees where applications and their configuration live (/etc,
// /opt, /srv, /var/www, /usr/local, /home, /root), walked once per tree and shared by the checks
// that look for secrets made at build time (build-secrets, tls-keys).
import { posix } from 'node:path';
import { isWalkError, type Host } from '../host.js';

export interface TreeFile {
  path: string;
  size: number;
}

/** Files larger than this are no configuration file, key or .env: they are not listed. */
export const MAX_TREE_FILE = 1024 * 1024;
/** A tree with more entries is not looked at whole: the check that asked says so (error). */
export const MAX_TREE_ENTRIES = 500_000;

// Not entered: a package manager's trees hold the packages' own test keys and sample .env files
// (published with the package, not made at build time), Git's objects hold nothing readable, and
// .ssh directories belong to ssh-private-keys.
const PRUNED = new Set(['.ssh', '.git', 'node_modules', 'site-packages', 'dist-packages', '__pycache__']);

export function isPrunedDirectory(path: string): boolean {
  return PRUNED.has(posix.basename(path));
}

/**
 * Every regular file of at most MAX_TREE_FILE bytes under `tree` (symbolic links are never
 * followed), or an empty list when the tree does not exist. What cannot be listed is recorded as
 * unread, so a check that uses the tree becomes `error` rather than pass.
 */
export function treeFiles(host: Host, tree: string): Promise<TreeFile[]> {
  return host.fact(`tree-files:${tree}`, async (unread) => {
    const files: TreeFile[] = [];
    let entries = 0;
    for await (const entry of host.walk(tree, isPrunedDirectory)) {
      if (++entries > MAX_TREE_ENTRIES) {
        unread(tree, `more than ${MAX_TREE_ENTRIES} entries (not all looked at)`);
        break;
      }
      if (isWalkError(entry)) {
        unread(entry.path, entry.error);
        continue;
      }
      if (entry.stats.isFile() && entry.stats.size <= MAX_TREE_FILE) files.push({ path: entry.path, size: entry.stats.size });
    }
    return files;
  });
}

/** The files of several trees; a tree that is a link into another one is walked once. */
export async function filesOfTrees(host: Host, trees: readonly string[]): Promise<TreeFile[]> {
  const starts: string[] = [];
  for (const tree of trees) {
    const start = host.canonical(tree);
    if (!starts.some((known) => start === known || start.startsWith(`${known}/`) || known === '/')) starts.push(start);
  }
  const lists = await Promise.all(starts.map((start) => treeFiles(host, start)));
  return lists.flat();
}
