// The regular files of the trees where applications and their configuration live (/etc,
// /opt, /srv, /var/www, /usr/local, /home, /root), walked once per tree and shared by the checks
// that look for secrets made at build time (build-secrets, tls-keys).
import { posix } from 'node:path';
import { isWalkError, type Host } from '../host.js';

/** Larger files are no configuration file, key or .env: the checks do not read them. */
export const MAX_TREE_FILE = 1024 * 1024;
/** A tree with more entries is not looked at whole: the check that asked says so (error). */
export const MAX_TREE_ENTRIES = 500_000;

// Not entered: a package manager's trees (npm, pip, Composer and Go's vendor) hold the packages'
// own test keys and sample .env files (published with the package, not made at build time), Git's
// objects hold nothing readable, and .ssh directories belong to ssh-private-keys.
const PRUNED = new Set(['.ssh', '.git', 'node_modules', 'site-packages', 'dist-packages', 'vendor', '__pycache__']);

export function isPrunedDirectory(path: string): boolean {
  return PRUNED.has(posix.basename(path));
}

/**
 * The path of every regular file under `tree` (symbolic links are never followed), or an empty list
 * when the tree does not exist. The listing says what each entry is: no file is opened or
 * stat'ed here. What cannot be listed is recorded as unread, so a check that uses the tree becomes
 * `error` rather than pass.
 */
export function treeFiles(host: Host, tree: string): Promise<string[]> {
  return host.fact(`tree-files:${tree}`, async (unread) => {
    const files: string[] = [];
    let entries = 0;
    for await (const entry of host.walkKinds(tree, isPrunedDirectory)) {
      if (++entries > MAX_TREE_ENTRIES) {
        unread(tree, `more than ${MAX_TREE_ENTRIES} entries (not all looked at)`);
        break;
      }
      if (isWalkError(entry)) {
        unread(entry.path, entry.error);
        continue;
      }
      if (entry.kind === 'file') files.push(entry.path);
    }
    return files;
  });
}

export interface TreesListing {
  /** The trees walked, resolved inside the target (a tree that is a link into another is walked once). */
  walked: string[];
  files: string[];
}

/** The regular files of several trees. */
export async function filesOfTrees(host: Host, trees: readonly string[]): Promise<TreesListing> {
  const walked: string[] = [];
  for (const tree of trees) {
    const start = host.canonical(tree);
    if (!walked.some((known) => isUnder(start, known))) walked.push(start);
  }
  const lists = await Promise.all(walked.map((start) => treeFiles(host, start)));
  return { walked, files: lists.flat() };
}

export function isUnder(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(`${dir}/`);
}

/** Whether the walk of `walked` listed the files directly in `dir` (it is inside and not pruned). */
export function listedBy(listing: TreesListing, dir: string): boolean {
  const tree = listing.walked.find((start) => isUnder(dir, start));
  if (tree === undefined) return false;
  return !dir.slice(tree.length).split('/').some((part) => PRUNED.has(part));
}
