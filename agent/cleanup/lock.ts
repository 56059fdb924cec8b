// One cleanup per target at a time. The lock lives on the machine running the agent (in /run),
// never inside the image, and names the pid that holds it so a stale one can be taken over.
import { closeSync, constants, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class LockedError extends Error {}

function lockPath(root: string): string {
  const dir = existsSync('/run/lock') ? '/run/lock' : tmpdir();
  return join(dir, `marketplace-agent-${createHash('sha256').update(root).digest('hex').slice(0, 16)}.lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock or throws LockedError; returns the release function. */
export function acquireLock(root: string): () => void {
  const path = lockPath(root);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isFinite(holder) && alive(holder)) throw new LockedError(`another cleanup (pid ${holder}) is running on this target; wait for it to finish`);
      unlinkSync(path); // stale: its holder is gone
    }
  }
  throw new LockedError('could not take the cleanup lock');
}
