// Clears password fields in /etc/shadow and friends the way vipw does: write a temporary file in
// the same directory, fsync it, give it the original's owner, group and mode, rename it over the
// original, fsync the directory. Killed at any point, the file is either the old or the new one.
// The file is edited as bytes: every line but the edited field stays byte for byte (a name that
// is not valid UTF-8 must not come back with U+FFFD in it).
import { closeSync, fchmodSync, fchownSync, fstatSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync, constants } from 'node:fs';
import { dirname, basename, join } from 'node:path';

const NEWLINE = 0x0a;
const COLON = 0x3a;
const LOCKED = Buffer.from('!');

/**
 * The file with the second field of NAME's lines replaced by "!" (locked, no hash), or null when
 * nothing had to change. NAME is compared as the parsers decode it, so whatever name they reported
 * is the one found here.
 */
export function lockedContent(content: Buffer, account: string): Buffer | null {
  const parts: Buffer[] = [];
  let changed = false;
  let start = 0;
  while (start <= content.length) {
    let end = content.indexOf(NEWLINE, start);
    if (end < 0) end = content.length;
    const line = content.subarray(start, end);
    const first = line.indexOf(COLON);
    const second = first < 0 ? -1 : line.indexOf(COLON, first + 1);
    const fieldEnd = second < 0 ? line.length : second;
    const field = first < 0 ? null : line.subarray(first + 1, fieldEnd);
    // "x" in /etc/passwd points to shadow: nothing to clear there.
    if (field && line.subarray(0, first).toString('utf8') === account && !field.equals(LOCKED) && field.toString('latin1') !== 'x') {
      parts.push(line.subarray(0, first + 1), LOCKED, line.subarray(fieldEnd));
      changed = true;
    } else {
      parts.push(line);
    }
    if (end < content.length) parts.push(content.subarray(end, end + 1));
    start = end + 1;
  }
  return changed ? Buffer.concat(parts) : null;
}

export function replaceAtomically(hostPath: string, content: Buffer): void {
  const original = openSync(hostPath, constants.O_RDONLY | constants.O_NOFOLLOW);
  const stats = fstatSync(original);
  closeSync(original);
  const temp = join(dirname(hostPath), `.${basename(hostPath)}.agent-${process.pid}`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    // A full disk gives a short write: a short file must never replace the accounts file.
    let written = 0;
    while (written < content.length) {
      const count = writeSync(fd, content, written, content.length - written);
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
  const updated = lockedContent(readFileSync(hostPath), account);
  if (updated === null) return false;
  replaceAtomically(hostPath, updated);
  return true;
}
