// The locale the commands the agent runs get (LC_ALL): C.UTF-8 where the machine running them has
// it (Debian, Ubuntu, EL 8+, Fedora), C elsewhere. CentOS 6 and 7 have no C.UTF-8: there every
// command would warn "Setting locale failed" on stderr (the line a failure report quotes) and perl,
// python and friends change behaviour. Either way messages stay untranslated and parseable.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type CommandLocale = 'C.UTF-8' | 'C';

// glibc normalises the codeset when it looks a locale up: C.UTF-8 is found as C.utf8 too.
const NAMES = ['C.utf8', 'C.UTF-8'];
const ARCHIVE_MAGIC = 0xde020109;
// The archive's string table holds only locale names: a few KiB even with every locale installed.
const MAX_NAMES_BYTES = 1024 * 1024;

/** The names in glibc's locale-archive (locarchive.h: a header of uint32 fields, then tables). */
function archivedLocales(path: string): string[] {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const header = Buffer.alloc(32);
    if (readSync(fd, header, 0, 32, 0) < 32 || header.readUInt32LE(0) !== ARCHIVE_MAGIC) return [];
    const offset = header.readUInt32LE(20);
    const used = Math.min(header.readUInt32LE(24), MAX_NAMES_BYTES);
    const names = Buffer.alloc(used);
    const read = readSync(fd, names, 0, used, offset);
    return names.toString('latin1', 0, read).split('\0').filter(Boolean);
  } catch {
    return [];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** C.UTF-8 when the system under `root` (this machine: `/`) has that locale, else C. */
export function commandLocale(root = '/'): CommandLocale {
  const dir = join(root, 'usr/lib/locale');
  for (const name of NAMES) {
    try {
      if (statSync(join(dir, name, 'LC_CTYPE')).isFile()) return 'C.UTF-8';
    } catch {
      // not installed as a directory
    }
  }
  const archived = archivedLocales(join(dir, 'locale-archive'));
  return NAMES.some((name) => archived.includes(name)) ? 'C.UTF-8' : 'C';
}
