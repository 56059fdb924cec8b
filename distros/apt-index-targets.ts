// Which Packages index belongs to which apt source, asked of apt itself: `apt-get indextargets
// --no-release-info` prints every index target of the configured sources (one-line and deb822,
// mirror+ and file: URIs, [arch=] options) with the name of its file in the lists directory and the
// sources entry it comes from ("/etc/apt/sources.list:5", "debian.sources:2": line or stanza),
// without reading any index. About 20 ms of CPU. Each source's Release file, read here, says
// whether it is a security archive.
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readlinkSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Host } from '../agent/host.js';
import { describeFailure } from '../agent/runner.js';

export interface IndexTarget {
  /** "FILE:N": the line (one-line format) or stanza (deb822) that configures it. */
  sourcesEntry: string;
  /** The suite as the sources entry names it ("bookworm-security", "./" for a flat repository). */
  dist: string;
  /** "main/binary-amd64/Packages", "Packages" (flat). */
  metaKey: string;
  identifier: string;
  targetOf: string;
  /** Path on this machine of the uncompressed index in the lists directory (it may be stored compressed). */
  filename: string;
  repoUri: string;
}

/** `apt-get indextargets` prints deb822 stanzas; the fields kept here are on one line each. */
export function parseIndexTargets(stdout: string): IndexTarget[] {
  const targets: IndexTarget[] = [];
  for (const stanza of stdout.split(/\n\s*\n/)) {
    const field = (name: string) => new RegExp(`^${name}: ?(.*)$`, 'm').exec(stanza)?.[1]?.trim() ?? '';
    const target: IndexTarget = {
      sourcesEntry: field('Sourcesentry'),
      dist: field('Release'),
      metaKey: field('MetaKey'),
      identifier: field('Identifier'),
      targetOf: field('Target-Of'),
      filename: field('Filename'),
      repoUri: field('Repo-URI'),
    };
    if (target.sourcesEntry && target.metaKey && target.filename) targets.push(target);
  }
  return targets;
}

/**
 * The binary package indexes (Packages of `deb` entries) of the sources apt sees with
 * `aptOptions`, their filenames in `lists`. indextargets opens apt's package cache, and rebuilds it
 * from every index (0.5 s of CPU for Debian's main) whenever the lists changed since it was
 * written; so apt is shown an empty lists directory and status file (the names do not depend on
 * the files) and writes no cache. The filenames returned are bare names: see inLists.
 */
export async function listPackagesTargets(
  host: Host,
  aptOptions: string[],
  scratch: string,
): Promise<{ ok: true; targets: IndexTarget[] } | { ok: false; reason: string; missing?: boolean }> {
  const empty = join(scratch, 'empty-lists');
  mkdirSync(join(empty, 'partial'), { recursive: true });
  writeFileSync(join(scratch, 'empty-status'), '');
  const blank = ['-o', `Dir::State::Lists=${empty}`, '-o', `Dir::State::status=${join(scratch, 'empty-status')}`, '-o', 'Dir::Cache::pkgcache=', '-o', 'Dir::Cache::srcpkgcache='];
  const run = await host.run('apt-get', [...aptOptions, ...blank, 'indextargets', '--no-release-info'], { timeoutMs: 60_000, env: { LC_ALL: 'C' } });
  if (run.spawnError) return { ok: false, reason: run.spawnError, missing: true };
  if (run.timedOut || run.code !== 0) return { ok: false, reason: `apt-get indextargets failed: ${describeFailure(run)}` };
  const targets = parseIndexTargets(run.stdout)
    .filter((t) => t.targetOf === 'deb' && t.identifier === 'Packages' && t.filename.startsWith(`${empty}/`))
    .map((t) => ({ ...t, filename: t.filename.slice(empty.length + 1) }));
  return { ok: true, targets };
}

/** Targets with their filenames in the lists directory `lists`. */
export function inLists(targets: readonly IndexTarget[], lists: string): IndexTarget[] {
  return targets.map((t) => ({ ...t, filename: join(lists, t.filename) }));
}

/** Live mode: the lists directory apt is configured with (Dir::State::Lists, /var/lib/apt/lists by default). */
export async function configuredListsDir(host: Host): Promise<string> {
  const run = await host.run('apt-config', ['shell', 'LISTS', 'Dir::State::Lists/d'], { timeoutMs: 30_000, env: { LC_ALL: 'C' } });
  const m = /^LISTS='([^']+)'$/m.exec(run.stdout);
  return m && run.code === 0 ? m[1].replace(/\/+$/, '') : '/var/lib/apt/lists';
}

/** apt's URItoFileName quoting of a path piece: special characters as %xx, then '/' as '_'. */
export function quoteListName(text: string): string {
  return text.replace(/[\\|{}[\]<>"^~_=!@#$%&*\x00-\x20\x7f-\uffff]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).replace(/\//g, '_');
}

/** The lists file names of a target's InRelease and Release: its filename with the meta key replaced. */
export function releaseFilesOf(target: IndexTarget): string[] {
  const key = quoteListName(target.metaKey);
  if (!target.filename.endsWith(key)) return [];
  const prefix = target.filename.slice(0, -key.length);
  return [`${prefix}InRelease`, `${prefix}Release`];
}

/** Suffixes apt gives an index it keeps compressed (Acquire::GzipIndexes, KeepCompressedAs). */
export const STORED_SUFFIXES = ['', '.lz4', '.zst', '.gz', '.xz', '.bz2', '.lzma'];

export interface ReleaseInfo {
  path: string;
  suite: string;
  codename: string;
  label: string;
  origin: string;
  notAutomatic: boolean;
  butAutomaticUpgrades: boolean;
  mtimeMs: number;
}

/**
 * A file of a lists directory (a path on this machine), at most maxBytes of it; null when absent.
 * apt's file: method keeps an uncompressed index as a symlink to the repository's own file, a
 * path inside the image: that is read through the host context (resolved inside the image),
 * never followed on this machine.
 */
export async function readListFile(host: Host, path: string, maxBytes: number): Promise<{ buf: Buffer; mtimeMs: number } | null> {
  const stats = lstatSync(path, { throwIfNoEntry: false });
  if (!stats) return null;
  if (stats.isSymbolicLink()) {
    const link = readlinkSync(path);
    if (!link.startsWith('/')) throw new Error(`${path} is a relative symbolic link`);
    // A scratch list of a --root refresh points at the image through its mount point.
    const inImage = host.mode === 'root' && link.startsWith(`${host.root}/`) ? link.slice(host.root.length) : link;
    const buf = await host.readBytes(inImage, { maxBytes });
    return buf === null ? null : { buf, mtimeMs: (await host.stat(inImage))?.mtimeMs ?? 0 };
  }
  if (!stats.isFile()) return null;
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const size = Math.min(fstatSync(fd).size, maxBytes);
    const buf = Buffer.allocUnsafe(size);
    let offset = 0;
    while (offset < size) {
      const n = readSync(fd, buf, offset, size - offset, offset);
      if (n === 0) break;
      offset += n;
    }
    return { buf: buf.subarray(0, offset), mtimeMs: stats.mtimeMs };
  } finally {
    closeSync(fd);
  }
}

/** The fields of a source's InRelease (or Release) that say what archive it is. */
export async function readRelease(host: Host, target: IndexTarget): Promise<ReleaseInfo | null> {
  for (const path of releaseFilesOf(target)) {
    const file = await readListFile(host, path, 64 * 1024);
    if (!file) continue;
    // The fields come before the checksum lists; an InRelease wraps them in a PGP signature.
    const text = file.buf.toString('latin1').split(/^(?:MD5Sum|SHA1|SHA256|SHA512):/m)[0];
    const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*?)\\s*$`, 'mi').exec(text)?.[1] ?? '';
    return {
      path,
      suite: field('Suite'),
      codename: field('Codename'),
      label: field('Label'),
      origin: field('Origin'),
      notAutomatic: /^yes$/i.test(field('NotAutomatic')),
      butAutomaticUpgrades: /^yes$/i.test(field('ButAutomaticUpgrades')),
      mtimeMs: file.mtimeMs,
    };
  }
  return null;
}

// Debian and Ubuntu name their security suites CODENAME-security; Debian 10 and older used
// CODENAME/updates on the security archive.
const SECURITY_SUITE = /(-security|\/updates)$/;

/** A security archive by the suite its sources entry names (known before any list is fetched). */
export const isSecuritySuite = (dist: string) => SECURITY_SUITE.test(dist);

/** A security archive by its Release file (a flat or renamed repository says so only there). */
export function isSecurityRelease(release: ReleaseInfo): boolean {
  return SECURITY_SUITE.test(release.suite) || SECURITY_SUITE.test(release.codename) || release.label === 'Debian-Security';
}
