// A snapshot of a tree (type, mode, owner, size, content hash, link target per path) to prove what
// a run changed and what it did not.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export type Snapshot = Map<string, string>;

export function snapshotTree(root: string): Snapshot {
  const snapshot: Snapshot = new Map();
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const relPath = `${rel}/${name}`;
      const stats = lstatSync(path);
      let detail = `${stats.mode.toString(8)} ${stats.uid}:${stats.gid}`;
      if (stats.isSymbolicLink()) detail += ` -> ${readlinkSync(path)}`;
      else if (stats.isFile()) detail += ` ${stats.size} ${createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16)}`;
      snapshot.set(relPath, detail);
      if (stats.isDirectory()) walk(path, relPath);
    }
  };
  walk(root, '');
  return snapshot;
}

/** Paths added, removed or changed between two snapshots. */
export function changedPaths(before: Snapshot, after: Snapshot): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((path) => before.get(path) !== after.get(path)).sort();
}
