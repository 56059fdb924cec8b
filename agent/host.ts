// The host context: the one way checks see the target. Every path is a path inside the target
// image; it is resolved within the target root, only regular files are opened (a FIFO in ~/.ssh
// must not hang the agent), and shared facts are computed once per run through memo().
import { closeSync, constants, fstatSync, lstatSync, openSync, opendirSync, readdirSync, readSync, type Dir, type Dirent, type Stats } from 'node:fs';
import { join } from 'node:path';
import { PathLoopError, joinTargetPath, resolveTarget, resolveTargetParts, splitTargetPath, type DirectoryCache } from './target-path.js';
import { BoundedMap } from './bounded-map.js';
import { commandLocale } from './locale.js';
import { runCommand, type RunOptions, type RunResult } from './runner.js';
import { append } from './append.js';

export type TargetMode = 'live' | 'root';

/** A file exists but cannot be read as asked: the check that needed it reports `error`. */
export class UnreadableError extends Error {
  constructor(readonly targetPath: string, readonly reason: string) {
    super(`${targetPath}: ${reason}`);
  }
}

export interface ReadOptions {
  /**
   * The most this read may hold: a larger file is UnreadableError (a verdict on part of a file
   * would be a guess), unless `head` asks for its first maxBytes only.
   */
  maxBytes?: number;
  /** Read only the first maxBytes (a key's header, a script's #!): the rest is not needed. */
  head?: boolean;
  /** Follow a symlink in the last component (inside the target). Default true. */
  follow?: boolean;
}

export interface WalkEntry {
  path: string;
  /** lstat of the entry: symlinks are reported as symlinks, never followed. */
  stats: Stats;
}

/** What an entry is, as the directory listing says (no lstat per entry). */
export type EntryKind = 'file' | 'directory' | 'symlink' | 'other';

export interface KindEntry {
  path: string;
  kind: EntryKind;
}

export interface WalkError {
  path: string;
  error: string;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const lineChunk = Buffer.allocUnsafe(64 * 1024);
// One line held in memory at most; sshd itself has no such limit, so a longer one is an error, not a pass.
const MAX_LINE = 64 * 1024 * 1024;

const FS_REASONS = new Map<string, string>([
  ['EACCES', 'permission denied'],
  ['EPERM', 'operation not permitted'],
  ['ELOOP', 'symbolic link loop'],
  ['EISDIR', 'is a directory'],
  ['ENOTDIR', 'a parent is not a directory'],
  ['EIO', 'input/output error'],
  ['ENOENT', 'no such file'],
  ['ENAMETOOLONG', 'name too long'],
  ['EMFILE', 'too many open files'],
  ['ENFILE', 'too many open files'],
  ['ENOSPC', 'no space left on device'],
  ['EROFS', 'read-only file system'],
  ['EEXIST', 'already exists'],
  ['ENOTEMPTY', 'directory not empty'],
  ['EBUSY', 'busy'],
  ['ETXTBSY', 'text file busy'],
  ['EINVAL', 'invalid argument'],
  ['EFBIG', 'file too large'],
  ['EXDEV', 'on another file system'],
]);

/**
 * The reason of a file system error, without a path: node's message for an errno names the path
 * on this machine (/mnt/img/etc/...), which reports never show, so an unlisted code is given as is.
 */
export function describeFsError(err: unknown): string {
  // Its message already starts with the path, which UnreadableError adds again.
  if (err instanceof PathLoopError) return err.reason;
  const code = (err as NodeJS.ErrnoException)?.code;
  if (typeof code === 'string' && code !== '') return FS_REASONS.get(code) ?? code;
  if (err instanceof Error) return err.message.split('\n')[0];
  return String(err);
}

export function fileKind(stats: Stats): string {
  if (stats.isFile()) return 'regular file';
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink()) return 'symbolic link';
  if (stats.isFIFO()) return 'FIFO';
  if (stats.isSocket()) return 'socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'device node';
  return 'special file';
}

/** A part of a fact that could not be read: the check that used the fact becomes `error`. */
export interface Unread {
  path?: string;
  reason: string;
}

// What the caches below hold at most: every home of the scale target (10,000, each listed by three
// checks and resolved by six) at about 1 KB a home; past that the oldest go, so memory stays flat.
const CACHED_DIRECTORIES = 32_768;
const CACHED_LISTINGS = 16_384;

/** What every view of one target shares: computed facts, resolved directories and listings. */
interface SharedState {
  memos: Map<string, Promise<unknown>>;
  directories: DirectoryCache;
  /** Listings of small directories by their path on this machine: every home is listed by several checks. */
  listings: Map<string, Dirent[]>;
}

export interface HostSettings {
  /** Do not refresh package metadata: use what is on disk. */
  offline: boolean;
  /** Tells the user that something slow is running (the CLI shows it on a terminal only). */
  notify?: (message: string) => void;
  /** Set when the target is an image file attached with --image (its disk size is known). */
  image?: { file: string; format: string; virtualSize: number };
}

export class Host {
  /** What the facts this view used could not read (the engine makes each an error finding). */
  readonly unread: Unread[] = [];

  constructor(
    /** Absolute path on this machine of the target's `/`. */
    readonly root: string,
    readonly mode: TargetMode,
    readonly settings: HostSettings = { offline: false },
    private readonly runOptions: Partial<RunOptions> = {},
    private readonly shared: SharedState = { memos: new Map(), directories: new BoundedMap(CACHED_DIRECTORIES), listings: new BoundedMap(CACHED_LISTINGS) },
  ) {}

  private get memos(): Map<string, Promise<unknown>> {
    return this.shared.memos;
  }

  private get directories(): DirectoryCache {
    return this.shared.directories;
  }

  /** A view for one check: the same target and facts, its own record of what could not be read. */
  forCheck(): Host {
    return new Host(this.root, this.mode, this.settings, this.runOptions, this.shared);
  }

  /** Path on this machine for a path inside the target. */
  hostPath(targetPath: string, follow = true): string {
    return join(this.root, ...resolveTargetParts(this.root, targetPath, follow, this.directories));
  }

  /** The target path after resolving symlinks inside the target. */
  canonical(targetPath: string): string {
    return joinTargetPath(resolveTargetParts(this.root, targetPath, true, this.directories));
  }

  /** Computes a shared fact once per run (passwd, os-release, the package database...). */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let value = this.memos.get(key) as Promise<T> | undefined;
    if (!value) {
      value = compute();
      this.memos.set(key, value);
    }
    return value;
  }

  /**
   * A shared fact that may be read only in part: compute records what it could not read through
   * `unread`, and every check that uses the fact gets those records (and so becomes `error`).
   */
  async fact<T>(key: string, compute: (unread: (path: string | undefined, reason: unknown) => void) => Promise<T>): Promise<T> {
    const { value, unread } = await this.memo(`fact:${key}`, async () => {
      const missed: Unread[] = [];
      const value = await compute((path, reason) => missed.push(toUnread(path, reason)));
      return { value, unread: missed };
    });
    for (const entry of unread) if (!this.unread.some((known) => known.path === entry.path && known.reason === entry.reason)) this.unread.push(entry);
    return value;
  }

  async lstat(targetPath: string): Promise<Stats | null> {
    return this.statAt(targetPath, false);
  }

  async stat(targetPath: string): Promise<Stats | null> {
    return this.statAt(targetPath, true);
  }

  // Synchronous, without an exception for a missing file: most lookups (16 history names in each
  // of 10,000 homes) find nothing, and an Error per miss was the cost.
  private async statAt(targetPath: string, follow: boolean): Promise<Stats | null> {
    try {
      return this.statOf(targetPath, follow);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw new UnreadableError(targetPath, describeFsError(err));
    }
  }

  /** Opens a path resolved inside the target without following its last component: null when it
   * does not exist, 'link' when the last component is a symbolic link. */
  private openResolved(targetPath: string, followLast: boolean): number | null | 'link' {
    let onHost: string;
    try {
      onHost = this.hostPath(targetPath, followLast);
    } catch (err) {
      throw new UnreadableError(targetPath, describeFsError(err));
    }
    // Synchronous system calls: thousands of small files (every .ssh of 10,000 homes) read through
    // the thread pool left the agent mostly waiting (BENCHMARKS.md); each call here is short.
    try {
      // O_NONBLOCK so that opening a FIFO never waits for a writer; O_NOFOLLOW because the path
      // is resolved inside the target and a link must not lead out of it.
      return openSync(onHost, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      if (code === 'ELOOP') return 'link';
      throw new UnreadableError(targetPath, describeFsError(err));
    }
  }

  /** The stat of a path, reusing the lstat its resolution made or cached (a home is looked at by many checks). */
  private statOf(targetPath: string, follow: boolean): Stats | null {
    if (follow) {
      const { parts, stats } = resolveTarget(this.root, targetPath, true, this.directories);
      return stats ?? lstatSync(join(this.root, ...parts), { throwIfNoEntry: false }) ?? null;
    }
    // A directory resolved before under this very path (no link in its last component) is what lstat would say.
    const known = this.knownDirectory(joinTargetPath(splitTargetPath(targetPath)));
    if (known) return known;
    return lstatSync(this.hostPath(targetPath, false), { throwIfNoEntry: false }) ?? null;
  }

  /**
   * Reads a regular file as UTF-8. Null when it does not exist; UnreadableError when it exists
   * but is not a regular file or cannot be read.
   */
  async readText(targetPath: string, options: ReadOptions = {}): Promise<string | null> {
    const buf = await this.readBytes(targetPath, options);
    return buf === null ? null : buf.toString('utf8');
  }

  /**
   * Opens a regular file of the target for reading: null when it does not exist; UnreadableError
   * when it is not a regular file or cannot be opened. The caller closes the descriptor.
   */
  private openRegular(targetPath: string, follow: boolean): { fd: number; size: number } | null {
    // Most files are no link: opened as named first (O_NOFOLLOW), and resolved further only when
    // the open says the last component is a link (no lstat before every read of 10,000 homes).
    let fd = this.openResolved(targetPath, false);
    if (fd === 'link') {
      if (!follow) throw new UnreadableError(targetPath, 'is a symbolic link (not followed)');
      fd = this.openResolved(targetPath, true);
      if (fd === 'link') throw new UnreadableError(targetPath, 'is a symbolic link (not followed)');
    }
    if (fd === null) return null;
    try {
      const stats = fstatSync(fd);
      if (!stats.isFile()) throw new UnreadableError(targetPath, `is a ${fileKind(stats)}, not a regular file`);
      return { fd, size: stats.size };
    } catch (err) {
      closeSync(fd);
      if (err instanceof UnreadableError) throw err;
      throw new UnreadableError(targetPath, describeFsError(err));
    }
  }

  /**
   * Opens a regular file without following a link and reads it (whole, or its first `maxBytes`)
   * only when `wanted` accepts its size (the stat comes with the open: no lstat first). Null when
   * it does not exist; bytes null when it was not read.
   */
  async readIfWanted(targetPath: string, wanted: (size: number) => boolean, options: { maxBytes?: number } = {}): Promise<{ size: number; bytes: Buffer | null } | null> {
    const file = this.openRegular(targetPath, false);
    if (file === null) return null;
    try {
      if (!wanted(file.size)) return { size: file.size, bytes: null };
      const size = Math.min(file.size, options.maxBytes ?? file.size);
      const buf = Buffer.alloc(size);
      let offset = 0;
      while (offset < size) {
        const bytesRead = readSync(file.fd, buf, offset, size - offset, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
      }
      return { size: file.size, bytes: buf.subarray(0, offset) };
    } catch (err) {
      throw new UnreadableError(targetPath, describeFsError(err));
    } finally {
      closeSync(file.fd);
    }
  }

  async readBytes(targetPath: string, options: ReadOptions = {}): Promise<Buffer | null> {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const file = this.openRegular(targetPath, options.follow ?? true);
    if (file === null) return null;
    try {
      if (file.size > maxBytes && !options.head) throw new UnreadableError(targetPath, `is larger than ${sizeLimit(maxBytes)} (not read)`);
      const size = Math.min(file.size, maxBytes);
      const buf = Buffer.alloc(size);
      let offset = 0;
      while (offset < size) {
        const bytesRead = readSync(file.fd, buf, offset, size - offset, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
      }
      return buf.subarray(0, offset);
    } catch (err) {
      if (err instanceof UnreadableError) throw err;
      throw new UnreadableError(targetPath, describeFsError(err));
    } finally {
      closeSync(file.fd);
    }
  }

  /**
   * Streams a file line by line (without the newline), so a file of any size is judged whole in
   * bounded memory (sshd reads all of an authorized_keys). False when it does not exist.
   */
  async readLines(targetPath: string, visit: (line: string, number: number) => void, options: { follow?: boolean } = {}): Promise<boolean> {
    const file = this.openRegular(targetPath, options.follow ?? true);
    if (file === null) return false;
    // One buffer for every file: the loop never awaits, so no other read can use it meanwhile
    // (a fresh 1 MiB buffer per authorized_keys made 10,000 homes 3x slower).
    const chunk = lineChunk;
    // The start of a line that runs past the chunk, kept in parts: joined once, at its newline.
    let parts: Buffer[] = [];
    let partsLength = 0;
    let number = 0;
    try {
      for (;;) {
        const count = readSync(file.fd, chunk, 0, chunk.length, null);
        if (count === 0) {
          if (partsLength > 0) visit(Buffer.concat(parts).toString('utf8'), ++number);
          return true;
        }
        let data = chunk.subarray(0, count);
        let newline: number;
        while ((newline = data.indexOf(0x0a)) >= 0) {
          const head = data.subarray(0, newline);
          visit((partsLength > 0 ? Buffer.concat([...parts, head]) : head).toString('utf8'), ++number);
          parts = [];
          partsLength = 0;
          data = data.subarray(newline + 1);
        }
        if (data.length > 0) {
          parts.push(Buffer.from(data));
          partsLength += data.length;
        }
        if (partsLength > MAX_LINE) throw new UnreadableError(targetPath, `has a line longer than ${sizeLimit(MAX_LINE)} (not read)`);
      }
    } catch (err) {
      if (err instanceof UnreadableError) throw err;
      throw new UnreadableError(targetPath, describeFsError(err));
    } finally {
      closeSync(file.fd);
    }
  }

  /** Names in a directory, or null when it does not exist. */
  async list(targetPath: string): Promise<string[] | null> {
    const entries = await this.listEntries(targetPath);
    return entries === null ? null : entries.map((entry) => entry.name).sort();
  }

  /**
   * Entries of a directory with their type as the directory records it (no stat per entry: a home
   * of 10,000 is looked at for a few names), or null when it does not exist.
   */
  async listEntries(targetPath: string): Promise<readonly Dirent[] | null> {
    try {
      const hostDir = this.hostPath(targetPath, true);
      return this.shared.listings.get(hostDir) ?? this.keepListing(hostDir, readdirSync(hostDir, { withFileTypes: true }));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw new UnreadableError(targetPath, describeFsError(err));
    }
  }

  /** Keeps the listing of a directory for the other checks; a large one is not kept (its size is the reader's). */
  private keepListing(hostDir: string, entries: Dirent[]): Dirent[] {
    if (entries.length <= KEPT_LISTING_ENTRIES) this.shared.listings.set(hostDir, entries);
    return entries;
  }

  /** A walked directory's entries: the kept listing, or read at once when small (and kept), else streamed. */
  private direntsOf(hostDir: string, size: number): Iterable<Dirent> {
    const kept = this.shared.listings.get(hostDir);
    if (kept) return kept;
    if (size > 0 && size <= SMALL_DIRECTORY_BYTES) return this.keepListing(hostDir, readdirSync(hostDir, { withFileTypes: true }));
    return streamDirents(opendirSync(hostDir));
  }

  /**
   * Walks a directory tree depth-first without following symlinks, streaming entries so a
   * directory of a million files never sits in memory. Unreadable directories are yielded as errors.
   * A directory for which `prune` says true is yielded but not entered.
   */
  async *walk(targetPath: string, prune?: (path: string) => boolean): AsyncGenerator<WalkEntry | WalkError> {
    const start = this.canonical(targetPath);
    const stack: { path: string; size: number }[] = [{ path: start, size: this.directorySize(start) }];
    while (stack.length > 0) {
      const { path: dirPath, size } = stack.pop() as { path: string; size: number };
      let names: Iterable<string>;
      try {
        names = entryNames(join(this.root, dirPath), size);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (dirPath === start && (code === 'ENOENT' || code === 'ENOTDIR')) return;
        yield { path: dirPath, error: describeFsError(err) };
        continue;
      }
      const subdirs: { path: string; size: number }[] = [];
      try {
        for (const name of names) {
          const path = dirPath === '/' ? `/${name}` : `${dirPath}/${name}`;
          let stats: Stats;
          try {
            // Synchronous on purpose: one thread-pool round trip per entry made walking 100,000
            // log files mostly waiting (see BENCHMARKS.md).
            stats = lstatSync(join(this.root, path));
          } catch (err) {
            yield { path, error: describeFsError(err) };
            continue;
          }
          if (stats.isDirectory() && !prune?.(path)) subdirs.push({ path, size: stats.size });
          yield { path, stats };
        }
      } catch (err) {
        yield { path: dirPath, error: describeFsError(err) };
      }
      append(stack, subdirs.reverse());
    }
  }

  /**
   * Walks a tree like walk(), but says only what each entry is, from the listing itself (d_type):
   * no lstat per entry, for scans that look at a few names among many files (10,000 homes). A
   * directory for which `prune` is true is yielded but not entered.
   */
  async *walkKinds(targetPath: string, prune?: (path: string) => boolean): AsyncGenerator<KindEntry | WalkError> {
    const start = this.canonical(targetPath);
    const stack: string[] = [start];
    while (stack.length > 0) {
      const dirPath = stack.pop() as string;
      let entries: Iterable<Dirent>;
      try {
        const hostDir = join(this.root, dirPath);
        entries = this.direntsOf(hostDir, this.directorySize(dirPath));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (dirPath === start && (code === 'ENOENT' || code === 'ENOTDIR')) return;
        yield { path: dirPath, error: describeFsError(err) };
        continue;
      }
      const subdirs: string[] = [];
      try {
        for (const dirent of entries) {
          const path = dirPath === '/' ? `/${dirent.name}` : `${dirPath}/${dirent.name}`;
          let kind = kindOfDirent(dirent);
          if (kind === null) {
            // The file system does not say (DT_UNKNOWN): ask it.
            try {
              kind = kindOfStats(lstatSync(join(this.root, path)));
            } catch (err) {
              yield { path, error: describeFsError(err) };
              continue;
            }
          }
          if (kind === 'directory' && !prune?.(path)) subdirs.push(path);
          yield { path, kind };
        }
      } catch (err) {
        yield { path: dirPath, error: describeFsError(err) };
      }
      append(stack, subdirs.reverse());
    }
  }

  /**
   * The size of a directory met by a walk (its path resolved, no link in it): from the cache when
   * another check resolved it, else one lstat, kept for the checks that look at it next. 0 (so it
   * is streamed) when it cannot be had here: listing it says why.
   */
  private directorySize(path: string): number {
    const known = this.knownDirectory(path);
    if (known) return known.size;
    try {
      const stats = lstatSync(join(this.root, path));
      if (stats.isDirectory()) this.directories.set(path, { parts: splitTargetPath(path), stats });
      return stats.size;
    } catch {
      return 0;
    }
  }

  /** The lstat of a directory resolved before under exactly this path (no link in it), if any. */
  private knownDirectory(path: string): Stats | undefined {
    const known = this.directories.get(path);
    return known?.stats && joinTargetPath(known.parts) === path ? known.stats : undefined;
  }

  /** Runs a command on this machine through the one runner (timeouts, captured output). */
  run(command: string, args: readonly string[], options: Partial<RunOptions> = {}): Promise<RunResult> {
    return runCommand(command, args, { locale: thisMachineLocale(), ...this.runOptions, ...options });
  }
}

// A directory whose own size says it is small is listed in one call: opening a Dir stream costs more
// than listing a few dozen names (10,000 .ssh directories at scale). File systems give directories a
// size that grows with their entries (ext4 and xfs blocks, btrfs name bytes, tmpfs 20 bytes an entry);
// a size of 0 (procfs, some FUSE) says nothing, so such a directory is streamed like a large one.
const SMALL_DIRECTORY_BYTES = 32 * 1024;
// Listings kept for other checks hold at most this many entries each (a home, a .ssh, /etc), so a run
// over 10,000 homes keeps a few MB.
const KEPT_LISTING_ENTRIES = 1024;

/** The names in a directory: listed at once when it is known to be small, else streamed a batch at a time. */
function entryNames(hostDir: string, size: number): Iterable<string> {
  if (size > 0 && size <= SMALL_DIRECTORY_BYTES) return readdirSync(hostDir);
  return streamNames(opendirSync(hostDir));
}

function* streamDirents(dir: Dir): Generator<Dirent> {
  try {
    for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) yield entry;
  } finally {
    dir.closeSync();
  }
}

/** What a listed entry is, or null when the file system did not record it (DT_UNKNOWN): only a stat says. */
export function kindOfDirent(dirent: Dirent): EntryKind | null {
  if (dirent.isFile()) return 'file';
  if (dirent.isDirectory()) return 'directory';
  if (dirent.isSymbolicLink()) return 'symlink';
  if (dirent.isFIFO() || dirent.isSocket() || dirent.isCharacterDevice() || dirent.isBlockDevice()) return 'other';
  return null;
}

function kindOfStats(stats: Stats): EntryKind {
  return stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : stats.isSymbolicLink() ? 'symlink' : 'other';
}

function* streamNames(dir: Dir): Generator<string> {
  try {
    for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) yield entry.name;
  } finally {
    dir.closeSync();
  }
}

function sizeLimit(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}

function toUnread(path: string | undefined, reason: unknown): Unread {
  if (reason instanceof UnreadableError) return { path: path ?? reason.targetPath, reason: reason.reason };
  const text = typeof reason === 'string' ? reason : describeFsError(reason);
  return { ...(path === undefined ? {} : { path }), reason: text };
}

// Commands always run on this machine (in --root mode too: dnf --installroot), so its locales count,
// not the target's; looked up once per process.
let machineLocale: string | undefined;
function thisMachineLocale(): string {
  machineLocale ??= commandLocale('/');
  return machineLocale;
}

export function isWalkError(entry: WalkEntry | KindEntry | WalkError): entry is WalkError {
  return 'error' in entry;
}
