// Where the running agent's own file is: the tmp-dirs check does not count it as a leftover, cleanup
// never removes it (unless --remove-self), and --remove-self removes exactly it. The one place that
// knows.
//
// dist/agent starts its runtime through the loader it carries (build/launcher/launcher.c), so
// process.execPath and /proc/self/exe name that loader (a memfd), not the file; the launcher passes
// the file's real path as argv[0] instead. A path is only believed when it is a regular file with
// the inode of the program this process maps at its lowest address (the non-PIE runtime, or the
// launcher block just below it, both from the agent's file): a hand-made argv[0] (`exec -a`, or
// `ld.so --argv0 OTHER agent`) cannot point cleanup at another file.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

interface MappedFile {
  major: number;
  minor: number;
  inode: bigint;
  path: string;
}

/** The lowest file-backed mapping in /proc/self/maps, or undefined when it cannot be read. */
export function lowestMappedFile(maps: string): MappedFile | undefined {
  for (const line of maps.split('\n')) {
    // start-end perms offset major:minor inode path
    const match = /^[0-9a-f]+-[0-9a-f]+ \S+ [0-9a-f]+ ([0-9a-f]+):([0-9a-f]+) (\d+)\s+(.*)$/.exec(line);
    if (!match || match[3] === '0') continue;
    return { major: parseInt(match[1], 16), minor: parseInt(match[2], 16), inode: BigInt(match[3]), path: match[4] };
  }
  return undefined;
}

// glibc's encoding of st_dev (sys/sysmacros.h).
const majorOf = (dev: bigint) => Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
const minorOf = (dev: bigint) => Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));

/**
 * The candidate that is the mapped program: same inode, and the same device or, where the two
 * differ by design (btrfs subvolumes, overlayfs report another device than stat), the same path.
 */
export function pickOwnFile(candidates: readonly string[], mapped: MappedFile): string | undefined {
  for (const candidate of candidates) {
    try {
      const path = realpathSync(candidate);
      const stats = statSync(path, { bigint: true });
      if (!stats.isFile() || stats.ino !== mapped.inode) continue;
      if ((majorOf(stats.dev) === mapped.major && minorOf(stats.dev) === mapped.minor) || path === mapped.path) return path;
    } catch {
      // not there, or not reachable from here
    }
  }
  return undefined;
}

function locate(): string | undefined {
  let maps: string;
  try {
    maps = readFileSync('/proc/self/maps', 'utf8');
  } catch {
    // No /proc: the launcher cannot have run (it needs /proc), so this is the plain runtime.
    try {
      return realpathSync(process.execPath);
    } catch {
      return undefined;
    }
  }
  const mapped = lowestMappedFile(maps);
  // argv[0] resolves against the directory the agent started in; it never changes directory. The
  // path the kernel shows for the mapping comes last: it is not reachable from every namespace.
  return mapped && pickOwnFile([resolve(process.argv0), process.execPath, mapped.path], mapped);
}

let located: { path: string | undefined } | undefined;

export function agentBinaryPath(): string | undefined {
  located ??= { path: locate() };
  return located.path;
}
