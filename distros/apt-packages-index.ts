// Reading apt's Packages indexes from the lists directory: the newest version each one offers of
// the installed packages. A Debian main index is about 50 MB and 63,000 stanzas; it is scanned
// as bytes, in chunks (Buffer.indexOf is memchr-fast), and only the stanzas of installed packages
// are decoded: about 40 ms here. apt stores an index uncompressed unless Acquire::GzipIndexes asks
// otherwise; gzip and zstd are decompressed here, xz, lz4, bzip2 and lzma by apt's own
// `apt-helper cat-file`.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as zlib from 'node:zlib';
import type { Host } from '../agent/host.js';
import { describeFailure } from '../agent/runner.js';
import { readListFile, STORED_SUFFIXES } from './apt-index-targets.js';
import { compareDebVersions } from './deb-version.js';
import { debKey } from './dpkg-installed.js';

const MAX_INDEX_BYTES = 1024 * 1024 * 1024;

export interface Offer {
  version: string;
  /** Phased-Update-Percentage of that version (Ubuntu); absent when it is not phased. */
  phased?: number;
}

export interface IndexOffers {
  /** Newest version per name:arch, of the packages asked about. */
  newest: Map<string, Offer>;
  /** name:arch of the asked packages whose INSTALLED version this index holds. */
  holdsInstalled: Set<string>;
}

// zstdDecompressSync came in Node 22.15 / 23.8; the agent's runtime has it.
const zstd = (zlib as unknown as { zstdDecompressSync?: (buf: Buffer) => Buffer }).zstdDecompressSync;

/**
 * The index of `filename` (the uncompressed name apt reports) as stored: plain, or with one of
 * apt's compression suffixes. Null when no variant exists (apt keeps no file for an empty index).
 */
export async function readPackagesIndex(host: Host, filename: string): Promise<Buffer | null> {
  for (const suffix of STORED_SUFFIXES) {
    const path = filename + suffix;
    const buf = (await readListFile(host, path, MAX_INDEX_BYTES))?.buf;
    if (!buf) continue;
    if (suffix === '') return buf;
    if (suffix === '.gz') return gunzipSync(buf, { maxOutputLength: MAX_INDEX_BYTES });
    if (suffix === '.zst' && zstd) return zstd(buf);
    const run = await host.run('/usr/lib/apt/apt-helper', ['cat-file', path], { timeoutMs: 120_000, maxBytes: MAX_INDEX_BYTES });
    if (run.code !== 0 || run.timedOut || run.spawnError) throw new Error(`cannot decompress ${path}: ${describeFailure(run)}`);
    return Buffer.from(run.stdout, 'latin1');
  }
  return null;
}

const NL2 = Buffer.from('\n\n');
const FIELD = (name: string) => Buffer.from(`\n${name}: `);
const PACKAGE = FIELD('Package');
const VERSION = FIELD('Version');
const ARCH = FIELD('Architecture');
const PHASED = FIELD('Phased-Update-Percentage');

/** The value of a field of the stanza [start, end) (its first line, or after a '\n'), or null. */
function fieldIn(buf: Buffer, needle: Buffer, start: number, end: number): string | null {
  // needle is "\nName: ": on the stanza's first line it has no '\n' before it. The search stays
  // inside the stanza (a view, not a copy): an absent field must not scan the rest of the file.
  const stanza = buf.subarray(start, end);
  const first = stanza.compare(needle, 1, needle.length, 0, Math.min(needle.length - 1, stanza.length)) === 0;
  const at = first ? -1 : stanza.indexOf(needle);
  if (!first && at < 0) return null;
  const from = at + needle.length;
  let to = stanza.indexOf(10, from);
  if (to < 0) to = stanza.length;
  return stanza.toString('latin1', from, to).trim();
}

const PACKAGE_FIRST = Buffer.from('Package: ');

/** Package is the first field of every stanza apt and dak write; checked by bytes, no view made. */
function packageName(buf: Buffer, start: number, end: number): string | null {
  if (end - start < PACKAGE_FIRST.length || buf.compare(PACKAGE_FIRST, 0, PACKAGE_FIRST.length, start, start + PACKAGE_FIRST.length) !== 0) {
    return fieldIn(buf, PACKAGE, start, end);
  }
  const from = start + PACKAGE_FIRST.length;
  let to = buf.indexOf(10, from);
  if (to < 0 || to > end) to = end;
  return buf.toString('latin1', from, to).trim();
}

/** Adds the offers of the stanzas in index[0, length) to `into`. */
function scanStanzas(index: Buffer, length: number, installed: ReadonlyMap<string, string>, names: ReadonlySet<string>, into: IndexOffers): void {
  let start = 0;
  while (start < length) {
    // Stanzas are separated by a blank line; extra blank lines are skipped.
    while (start < length && index[start] === 10) start++;
    if (start >= length) break;
    let end = index.indexOf(NL2, start);
    if (end < 0 || end > length) end = length;
    const name = packageName(index, start, end);
    if (name !== null && names.has(name)) {
      const version = fieldIn(index, VERSION, start, end);
      const arch = fieldIn(index, ARCH, start, end);
      const key = arch ? debKey(name, arch) : '';
      const current = installed.get(key);
      if (version && current !== undefined) {
        if (current === version || compareDebVersions(current, version) === 0) into.holdsInstalled.add(key);
        const best = into.newest.get(key);
        if (!best || compareDebVersions(version, best.version) > 0) {
          const phased = fieldIn(index, PHASED, start, end);
          into.newest.set(key, phased !== null && Number(phased) < 100 ? { version, phased: Number(phased) } : { version });
        }
      }
    }
    start = end + 2;
  }
}

/**
 * The newest version the index offers of each installed package (by name and architecture), and
 * whether it holds the installed version itself. `installed` maps name:arch to the installed version.
 */
export function offersOf(index: Buffer, installed: ReadonlyMap<string, string>, names: ReadonlySet<string>): IndexOffers {
  const offers: IndexOffers = { newest: new Map(), holdsInstalled: new Set() };
  scanStanzas(index, index.length, installed, names, offers);
  return offers;
}

const CHUNK = 4 * 1024 * 1024;

/**
 * A plain index file read in chunks into one buffer, each chunk's whole stanzas scanned: reading
 * 50 MB into a fresh buffer cost more than the scan (page faults on first touch), and the peak
 * memory is a chunk, not the index.
 */
function offersOfPlainFile(path: string, installed: ReadonlyMap<string, string>, names: ReadonlySet<string>): IndexOffers {
  const offers: IndexOffers = { newest: new Map(), holdsInstalled: new Set() };
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`${path} is not a regular file`);
    let buf = Buffer.allocUnsafe(CHUNK);
    let held = 0; // bytes of an unfinished stanza carried over from the last chunk
    for (;;) {
      if (held === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]); // a stanza longer than the buffer
      const n = readSync(fd, buf, held, buf.length - held, null);
      const length = held + n;
      if (n === 0) {
        scanStanzas(buf, length, installed, names, offers);
        return offers;
      }
      const cut = buf.lastIndexOf(NL2, length - 2);
      if (cut < 0) {
        held = length;
        continue;
      }
      scanStanzas(buf, cut, installed, names, offers);
      held = buf.copy(buf, 0, cut + 2, length);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The offers of the index apt names `filename` (uncompressed), stored plain or compressed; null
 * when apt keeps no file for it (an empty or unfetched index).
 */
export async function offersOfIndex(host: Host, filename: string, installed: ReadonlyMap<string, string>, names: ReadonlySet<string>): Promise<IndexOffers | null> {
  if (lstatSync(filename, { throwIfNoEntry: false })?.isFile()) return offersOfPlainFile(filename, installed, names);
  const index = await readPackagesIndex(host, filename);
  return index === null ? null : offersOf(index, installed, names);
}
