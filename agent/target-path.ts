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

/**
 * Returns the resolved path as components inside the target. With followLast false the last
 * component is kept as is (lstat semantics); every earlier one is resolved.
 */
export function resolveTargetParts(root: string, path: string, followLast: boolean): string[] {
  const pending = splitTargetPath(path);
  const resolved: string[] = [];
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
