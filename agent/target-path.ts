// Resolves a path of the target image to a path on this machine, the way the image's own kernel
// would inside a chroot: absolute symlinks restart at the target root and `..` never climbs above
// it, so a link in a mounted image can never lead the agent to the host's /etc/shadow.
import { lstatSync, readlinkSync } from 'node:fs';
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

/** Resolved directories of one target, by their path as given: a run looks at the same
 * directories (/home/x/.ssh, /var/log/...) over and over; each is resolved once. */
export type DirectoryCache = Map<string, string[]>;

/**
 * Returns the resolved path as components inside the target. With followLast false the last
 * component is kept as is (lstat semantics); every earlier one is resolved.
 */
export function resolveTargetParts(root: string, path: string, followLast: boolean, cache?: DirectoryCache): string[] {
  const all = splitTargetPath(path);
  if (cache && all.length > 1 && all[all.length - 1] !== '..') {
    const parentKey = joinTargetPath(all.slice(0, -1));
    let parent = cache.get(parentKey);
    if (!parent) {
      parent = resolveTargetParts(root, parentKey, true, cache);
      cache.set(parentKey, parent);
    }
    return resolveFrom(root, [...parent], [all[all.length - 1]], followLast, path);
  }
  return resolveFrom(root, [], all, followLast, path);
}

function resolveFrom(root: string, resolved: string[], pending: string[], followLast: boolean, path: string): string[] {
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    if (pending.length === 0 && !followLast) {
      resolved.push(part);
      break;
    }
    const onHost = join(root, ...resolved, part);
    let isLink = false;
    try {
      isLink = lstatSync(onHost).isSymbolicLink();
    } catch {
      // A missing component: the rest cannot be links, keep it literally so callers see ENOENT.
      resolved.push(part, ...pending.filter((p) => p !== '..'));
      break;
    }
    if (!isLink) {
      resolved.push(part);
      continue;
    }
    if (++links > MAX_LINKS) throw new PathLoopError(path);
    const target = readlinkSync(onHost);
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...splitTargetPath(target));
  }
  return resolved;
}
