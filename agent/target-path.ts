// Resolves a path of the target image to a path on this machine, the way the image's own kernel
// would inside a chroot: absolute symlinks restart at the target root and `..` never climbs above
// it, so a link in a mounted image can never lead the agent to the host's /etc/shadow.
import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';

const MAX_LINKS = 40; // the kernel's own limit (ELOOP)

const LOOP_REASON = 'too many levels of symbolic links';

export class PathLoopError extends Error {
  /** The message without the path, for wrappers that name the path themselves. */
  readonly reason = LOOP_REASON;

  constructor(readonly targetPath: string) {
    super(`${targetPath}: ${LOOP_REASON}`);
  }
}

export function splitTargetPath(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

export function joinTargetPath(parts: readonly string[]): string {
  return '/' + parts.join('/');
}

/** A path resolved inside the target, with the lstat of what it names when resolving it had to look
 * (its last component followed and found); a caller that wants the stat need not ask again. */
export interface Resolution {
  parts: string[];
  stats?: Stats;
}

/** Resolved directories of one target, by their path as given: a run looks at the same directories
 * (/home/x, /home/x/.ssh, /var/log/...) over and over, from several checks; each is resolved and
 * stat'ed once (10,000 homes were each stat'ed nine times). */
export type DirectoryCache = Map<string, Resolution>;

/**
 * Returns the resolved path as components inside the target. With followLast false the last
 * component is kept as is (lstat semantics); every earlier one is resolved.
 */
export function resolveTargetParts(root: string, path: string, followLast: boolean, cache?: DirectoryCache): string[] {
  return resolveTarget(root, path, followLast, cache).parts;
}

/** resolveTargetParts, with the lstat of the result when resolving it looked at it. */
export function resolveTarget(root: string, path: string, followLast: boolean, cache?: DirectoryCache): Resolution {
  const all = splitTargetPath(path);
  if (!cache || all.length === 0 || all[all.length - 1] === '..') return resolveFrom(root, [], all, followLast, path);
  const key = joinTargetPath(all);
  if (followLast) {
    const known = cache.get(key);
    if (known) return { parts: [...known.parts], stats: known.stats };
  }
  let resolution: Resolution;
  if (all.length === 1) resolution = resolveFrom(root, [], all, followLast, path);
  else {
    const parentKey = joinTargetPath(all.slice(0, -1));
    let parent = cache.get(parentKey);
    if (!parent) {
      parent = resolveTarget(root, parentKey, true, cache);
      cache.set(parentKey, parent);
    }
    resolution = resolveFrom(root, [...parent.parts], [all[all.length - 1]], followLast, path);
  }
  if (followLast && resolution.stats?.isDirectory()) cache.set(key, { parts: [...resolution.parts], stats: resolution.stats });
  return resolution;
}

function resolveFrom(root: string, resolved: string[], pending: string[], followLast: boolean, path: string): Resolution {
  let links = 0;
  let stats: Stats | undefined;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    stats = undefined;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    if (pending.length === 0 && !followLast) {
      resolved.push(part);
      break;
    }
    const onHost = join(root, ...resolved, part);
    try {
      stats = lstatSync(onHost);
    } catch {
      // A missing component: the rest cannot be links, keep it literally so callers see ENOENT.
      resolved.push(part, ...pending.filter((p) => p !== '..'));
      break;
    }
    if (!stats.isSymbolicLink()) {
      resolved.push(part);
      continue;
    }
    stats = undefined;
    if (++links > MAX_LINKS) throw new PathLoopError(path);
    const target = readlinkSync(onHost);
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...splitTargetPath(target));
  }
  // Set only when the last component resolved was looked at and is no link: it describes the result.
  return stats ? { parts: resolved, stats } : { parts: resolved };
}
