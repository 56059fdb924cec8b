// Clears password fields in /etc/shadow and friends the way vipw does: write a temporary file in
// the same directory, fsync it, give it the original's owner, group and mode, rename it over the
// original, fsync the directory. Killed at any point, the file is either the old or the new one.
import { closeSync, fchmodSync, fchownSync, fstatSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync, constants } from 'node:fs';
import { dirname, basename, join } from 'node:path';

/** Replaces the second field of NAME's line with "!"; returns false when nothing had to change. */
export function lockedContent(content: string, account: string): string | null {
  let changed = false;
  const lines = content.split('\n').map((line) => {
    if (!line.startsWith(`${account}:`)) return line;
    const fields = line.split(':');
    if (fields.length < 2 || fields[1] === '!' ) return line;
    // Keep the account locked and drop the hash: "!" (passwd gets "x" back when shadow holds it).
    fields[1] = fields[1] === 'x' ? 'x' : '!';
    changed = fields.join(':') !== line;
    return fields.join(':');
  });
  return changed ? lines.join('\n') : null;
}

export function replaceAtomically(hostPath: string, content: string): void {
  const original = openSync(hostPath, constants.O_RDONLY | constants.O_NOFOLLOW);
  const stats = fstatSync(original);
  closeSync(original);
  const temp = join(dirname(hostPath), `.${basename(hostPath)}.agent-${process.pid}`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    // A full disk gives a short write: a short file must never replace the accounts file.
    const bytes = Buffer.from(content, 'utf8');
    let written = 0;
    while (written < bytes.length) {
      const count = writeSync(fd, bytes, written, bytes.length - written);
      if (count <= 0) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
      written += count;
    }
    fchownSync(fd, stats.uid, stats.gid);
    fchmodSync(fd, stats.mode & 0o7777);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(temp);
    throw err;
  }
  closeSync(fd);
  renameSync(temp, hostPath);
  const dir = openSync(dirname(hostPath), constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

export function lockAccount(hostPath: string, account: string): boolean {
  const content = readFileSync(hostPath, 'utf8');
  const updated = lockedContent(content, account);
  if (updated === null) return false;
  replaceAtomically(hostPath, updated);
  return true;
}
