// Pending updates of an apt target: refresh the lists (apt-get update), then simulate the upgrade
// (dist-upgrade, so held-back kernels count) and read every Inst line. In --root mode the host's
// apt works on a copy of the image's lists in a temporary directory, so the image is not changed.
import { copyFileSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Host } from '../agent/host.js';
import { describeFailure } from '../agent/runner.js';
import { makeScratchDir } from '../agent/scratch.js';
import { isSecurityArchive, parseInstLines, updateFailure } from './apt-output.js';
import { aptListPrefix, rewrittenSources } from './apt-sources.js';
import type { ScanOptions, UpdateScan } from './updates.js';

const SIMULATE_TIMEOUT_MS = 120_000;
const DEFAULT_REFRESH_TIMEOUT_MS = 180_000;
const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' };

/**
 * Starts from the image's own lists, so --offline sees what the image has. apt names a list after
 * its source's URI, and file: sources are read at ROOT/path from here: rename their lists to match.
 */
function copyImageLists(host: Host, lists: string, filePaths: readonly string[]): void {
  let names: string[];
  try {
    names = readdirSync(host.hostPath('/var/lib/apt/lists'));
  } catch {
    return; // no lists in the image: a refresh will fetch them, --offline will find none
  }
  const renames = filePaths.map((path) => [`${aptListPrefix(path)}_`, `${aptListPrefix(posix.join(host.root, path))}_`]);
  for (const name of names) {
    const source = host.hostPath(posix.join('/var/lib/apt/lists', name));
    if (name === 'partial' || name === 'lock' || !lstatSync(source).isFile()) continue;
    const rename = renames.find(([from]) => name.startsWith(from));
    copyFileSync(source, join(lists, rename ? rename[1] + name.slice(rename[0].length) : name));
  }
}

/** apt options that point the host's apt at the image, with scratch state in `scratch`. */
async function rootOptions(host: Host, scratch: string): Promise<string[]> {
  const lists = join(scratch, 'lists');
  mkdirSync(join(lists, 'partial'), { recursive: true });
  mkdirSync(join(scratch, 'cache', 'archives', 'partial'), { recursive: true });
  mkdirSync(join(scratch, 'sources.list.d'), { recursive: true });
  const { sourceList, parts, filePaths } = await rewrittenSources(host);
  copyImageLists(host, lists, filePaths);
  writeFileSync(join(scratch, 'sources.list'), sourceList);
  for (const part of parts) writeFileSync(join(scratch, 'sources.list.d', part.name), part.content);
  return [
    '-o', `Dir=${host.root}`,
    '-o', `Dir::State::status=${host.hostPath('/var/lib/dpkg/status')}`,
    '-o', `Dir::State::Lists=${lists}`,
    '-o', `Dir::Cache=${join(scratch, 'cache')}`,
    '-o', `Dir::Etc::SourceList=${join(scratch, 'sources.list')}`,
    '-o', `Dir::Etc::SourceParts=${join(scratch, 'sources.list.d')}`,
    '-o', `Dir::Log=${join(scratch, 'log')}`,
    '-o', 'Debug::NoLocking=1',
    '-o', 'APT::Sandbox::User=root',
  ];
}

interface ListsState {
  /** Release files: one per source apt could read (its Packages index may be empty). */
  releases: number;
  securitySource: boolean;
}

/** What the lists directory holds: Packages indexes, and whether a Release names a security suite. */
function inspectLists(dir: string): ListsState {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return { releases: 0, securitySource: false };
  }
  const releaseFiles = names.filter((name) => /_(In)?Release$/.test(name));
  const securitySource = releaseFiles.some((name) => {
    const head = readFileSync(join(dir, name), 'latin1').slice(0, 4096);
    return /^Suite:\s*\S+-security\s*$/m.test(head) || /^Label:\s*Debian-Security\s*$/m.test(head);
  });
  return { releases: releaseFiles.length, securitySource };
}

export async function scanAptUpdates(host: Host, options: ScanOptions): Promise<UpdateScan> {
  // Live mode too: apt's own logs of the simulation (eipp.log.xz) go to scratch, not /var/log.
  const scratch = makeScratchDir('apt');
  try {
    const target = host.mode === 'root' ? await rootOptions(host, scratch) : ['-o', `Dir::Log=${join(scratch, 'log')}`];
    const common = ['-q', '-o', 'Acquire::Languages=none', ...target];
    const notes: string[] = [];
    if (!options.offline) {
      const update = await host.run('apt-get', [...common, 'update'], { timeoutMs: options.refreshTimeoutMs ?? DEFAULT_REFRESH_TIMEOUT_MS, env: APT_ENV });
      if (update.spawnError) return { ok: false, reason: 'skip: apt-get is not installed on this machine' };
      if (update.timedOut || update.code !== 0) return { ok: false, reason: `apt-get update failed: ${updateFailure(update.stdout + '\n' + update.stderr) ?? describeFailure(update)}` };
      const failure = updateFailure(update.stdout + '\n' + update.stderr);
      if (failure) return { ok: false, reason: `apt-get update could not refresh every source: ${failure}` };
    } else {
      notes.push('offline: the package lists on disk were used without a refresh');
    }
    const lists = inspectLists(host.mode === 'root' ? join(scratch, 'lists') : host.hostPath('/var/lib/apt/lists'));
    if (lists.releases === 0) {
      return { ok: false, reason: options.offline ? 'no package lists on disk to check offline (run without --offline)' : 'no package lists: the image has no apt sources' };
    }
    const simulate = await host.run('apt-get', [...common, '-s', '-o', 'Debug::NoLocking=1', 'dist-upgrade'], { timeoutMs: SIMULATE_TIMEOUT_MS, env: APT_ENV });
    if (simulate.spawnError) return { ok: false, reason: 'skip: apt-get is not installed on this machine' };
    if (simulate.timedOut || simulate.code !== 0) return { ok: false, reason: `apt-get -s dist-upgrade failed: ${describeFailure(simulate)}` };
    const updates = parseInstLines(simulate.stdout).map((line) => ({
      name: line.name,
      arch: line.arch,
      installed: line.installed,
      candidate: line.candidate,
      security: line.archives.some(isSecurityArchive),
    }));
    return { ok: true, updates, refreshed: !options.offline, notes, securitySource: lists.securitySource };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
