// Pending updates of an apt target, the entry point of the apt family's scan. apt says which
// index files belong to which source (apt-index-targets.ts); only the security archives are
// refreshed (apt-refresh.ts), into the image's lists in live mode and into a scratch directory in
// --root mode, so the image is not changed; the verdict then comes from the security indexes
// compared with /var/lib/dpkg/status, and the other pending updates from the lists on disk
// (apt-security-index.ts). Measured on a bookworm root against its mirror: a full apt-get update
// re-fetches every InRelease and rebuilds the cache from the 50 MB main index, and apt-get -s
// dist-upgrade solves for every package; this reads two indexes and the status file.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UnreadableError, type Host } from '../agent/host.js';
import { makeScratchDir } from '../agent/scratch.js';
import { configuredListsDir, inLists, isSecurityRelease, isSecuritySuite, listPackagesTargets, readRelease, type IndexTarget } from './apt-index-targets.js';
import { REFRESH_OPTIONS, runRefresh, writeRefreshSources, type EntryToRefresh } from './apt-refresh.js';
import { groupOffers, pendingUpdates, type SourceGroup } from './apt-security-index.js';
import { readImageSources, type SourcesFile } from './apt-sources.js';
import { parseInstalledDebs } from './dpkg-installed.js';
import type { ScanOptions, UpdateScan } from './updates.js';

const NO_APT = 'skip: apt-get is not installed on this machine';

/** How the host's apt is pointed at the target, and where each Sourcesentry's text is. */
interface AptView {
  /** Options for listing the image's own index targets. */
  imageOptions: string[];
  /** The image's lists directory (on this machine). */
  imageLists: Promise<string>;
  /** Where a refresh puts its lists. */
  refreshLists: Promise<string>;
  /** Options for refreshing the given entries. */
  refreshOptions(entries: readonly EntryToRefresh[]): string[];
  /** The sources file and line/stanza number of a Sourcesentry. */
  entry(sourcesEntry: string): Promise<{ file: SourcesFile; index: number } | null>;
}

function splitEntry(sourcesEntry: string): { path: string; index: number } | null {
  const m = /^(.*):(\d+)$/.exec(sourcesEntry);
  return m ? { path: m[1], index: Number(m[2]) } : null;
}

function liveView(host: Host, files: readonly SourcesFile[], scratch: string): AptView {
  // Asked of apt-config while indextargets runs.
  const lists = configuredListsDir(host);
  return {
    imageOptions: [],
    imageLists: lists,
    refreshLists: lists,
    refreshOptions: (entries) => [...writeRefreshSources(join(scratch, 'refresh'), entries, null), ...REFRESH_OPTIONS, '-o', `Dir::Log=${join(scratch, 'log')}`],
    async entry(sourcesEntry) {
      const at = splitEntry(sourcesEntry);
      if (!at) return null;
      const known = files.find((f) => f.path === at.path);
      if (known) return { file: known, index: at.index };
      // A sources file apt.conf names elsewhere (Dir::Etc::SourceParts): read where apt read it.
      const text = await host.readText(at.path);
      const format = at.path.endsWith('.sources') ? 'deb822' : 'one-line';
      return text === null ? null : { file: { name: at.path, path: at.path, text, format }, index: at.index };
    },
  };
}

/**
 * --root: this machine's apt with Dir= the image. The image's sources are copied (as read inside
 * the image, so no link leads out of it) to scratch for listing; a refresh gets them with file:
 * and Signed-By paths rebased, and scratch lists.
 */
function rootView(host: Host, files: readonly SourcesFile[], scratch: string): AptView {
  const image = join(scratch, 'image');
  mkdirSync(join(image, 'sources.list.d'), { recursive: true });
  const where = new Map<string, SourcesFile>();
  for (const file of files) {
    const path = file.path === '/etc/apt/sources.list' ? join(image, 'sources.list') : join(image, 'sources.list.d', file.name);
    writeFileSync(path, file.text);
    where.set(path, file);
  }
  const base = [
    '-o', `Dir=${host.root}`,
    '-o', `Dir::State::status=${host.hostPath('/var/lib/dpkg/status')}`,
    '-o', `Dir::Cache=${join(scratch, 'cache')}`,
    '-o', `Dir::Log=${join(scratch, 'log')}`,
    '-o', 'Debug::NoLocking=1',
    '-o', 'APT::Sandbox::User=root',
  ];
  return {
    imageOptions: [...base, '-o', `Dir::Etc::SourceList=${join(image, 'sources.list')}`, '-o', `Dir::Etc::SourceParts=${join(image, 'sources.list.d')}`],
    imageLists: Promise.resolve(host.hostPath('/var/lib/apt/lists')),
    refreshLists: Promise.resolve(join(scratch, 'lists')),
    refreshOptions(entries) {
      const lists = join(scratch, 'lists');
      mkdirSync(join(lists, 'partial'), { recursive: true });
      mkdirSync(join(scratch, 'cache', 'archives', 'partial'), { recursive: true });
      return [...base, '-o', `Dir::State::Lists=${lists}`, ...writeRefreshSources(join(scratch, 'refresh'), entries, host.root), ...REFRESH_OPTIONS];
    },
    async entry(sourcesEntry) {
      const at = splitEntry(sourcesEntry);
      const file = at && where.get(at.path);
      return at && file ? { file, index: at.index } : null;
    },
  };
}

/** Targets grouped by sources entry and suite, each group with its Release file when present. */
async function groupTargets(host: Host, targets: readonly IndexTarget[]): Promise<SourceGroup[]> {
  const groups = new Map<string, SourceGroup>();
  for (const target of targets) {
    const key = `${target.sourcesEntry}\n${target.dist}`;
    let group = groups.get(key);
    if (!group) {
      group = { sourcesEntry: target.sourcesEntry, dist: target.dist, targets: [], release: await readRelease(host, target) };
      groups.set(key, group);
    }
    group.targets.push(target);
  }
  return [...groups.values()];
}

const isSecurityGroup = (g: SourceGroup) => isSecuritySuite(g.dist) || (g.release !== null && isSecurityRelease(g.release));
const selection = (groups: readonly SourceGroup[]) => groups.flatMap((g) => g.targets.map((t) => `${t.dist} ${t.metaKey}`)).sort().join('\n');

function age(ms: number): string {
  const hours = Math.max(0, ms) / 3_600_000;
  if (hours < 1) return 'less than an hour';
  if (hours < 48) return `${Math.floor(hours)} hour${Math.floor(hours) === 1 ? '' : 's'}`;
  return `${Math.floor(hours / 24)} days`;
}

/**
 * What the count of other updates rests on, for the finding: the lists' age, phased candidates,
 * pins. The age is that of the newest of their Release files: apt rewrites one only when the
 * archive changed (a main archive between point releases never does), so the newest says when a
 * refresh last brought something new, and the oldest would say little.
 */
async function othersBasis(host: Host, others: readonly SourceGroup[], phased: number): Promise<string | undefined> {
  const times = others.flatMap((g) => (g.release ? [g.release.mtimeMs] : []));
  if (times.length === 0) return undefined;
  const parts = [`per the other archives' lists on disk, not refreshed (the newest changed ${age(Date.now() - Math.max(...times))} ago)`];
  if (phased > 0) parts.push(`${phased} of them phased: apt may hold them back on this machine`);
  const pins = (await host.lstat('/etc/apt/preferences')) !== null || ((await host.list('/etc/apt/preferences.d')) ?? []).length > 0;
  if (pins) parts.push('apt pins (/etc/apt/preferences) not applied');
  return parts.join('; ');
}

async function scan(host: Host, options: ScanOptions, scratch: string): Promise<UpdateScan> {
  const files = await readImageSources(host);
  const view = host.mode === 'root' ? rootView(host, files, scratch) : liveView(host, files, scratch);
  const listed = await listPackagesTargets(host, view.imageOptions, scratch);
  if (!listed.ok) return { ok: false, reason: listed.missing ? NO_APT : listed.reason };
  const groups = await groupTargets(host, inLists(listed.targets, await view.imageLists));
  if (groups.length === 0) return { ok: false, reason: 'no package lists: the image has no apt sources' };
  const status = await host.readText('/var/lib/dpkg/status', { maxBytes: 512 * 1024 * 1024 });
  if (status === null) return { ok: false, reason: 'the image has no /var/lib/dpkg/status: its installed packages are unknown' };
  const installed = parseInstalledDebs(status);

  if (options.offline) {
    if (groups.every((g) => g.release === null)) return { ok: false, reason: 'no package lists on disk to check offline (run without --offline)' };
    const security = groups.filter(isSecurityGroup);
    const unfetched = security.find((g) => g.release === null);
    if (unfetched) return { ok: false, reason: `no package lists on disk for the security archive ${unfetched.dist} (run without --offline)` };
    const others = groups.filter((g) => !isSecurityGroup(g));
    const pending = pendingUpdates(installed, await groupOffers(host, security, installed), await groupOffers(host, others, installed));
    const notes = ['offline: the package lists on disk were used without a refresh'];
    return { ok: true, updates: pending.updates, refreshed: false, notes, securitySource: security.length > 0, othersBasis: await othersBasis(host, others, pending.phased) };
  }

  // Security archives, and sources with no lists yet: only their Release file can tell.
  const toRefresh = groups.filter((g) => isSecurityGroup(g) || g.release === null);
  const kept = groups.filter((g) => !toRefresh.includes(g));
  const entries = new Map<string, EntryToRefresh>();
  for (const group of toRefresh) {
    const at = await view.entry(group.sourcesEntry);
    if (!at) return { ok: false, reason: `cannot find the sources entry ${group.sourcesEntry} that apt reported` };
    const entry = entries.get(group.sourcesEntry) ?? { ...at, dists: new Set<string>() };
    entry.dists.add(group.dist);
    entries.set(group.sourcesEntry, entry);
  }
  let refreshedGroups: SourceGroup[] = [];
  let keptOffers;
  if (entries.size > 0) {
    const refreshOptions = view.refreshOptions([...entries.values()]);
    const update = runRefresh(host, refreshOptions, options.refreshTimeoutMs);
    const relisted = listPackagesTargets(host, refreshOptions, scratch);
    // The kept lists are read while apt fetches (its own process).
    keptOffers = await groupOffers(host, kept, installed);
    const failure = await update;
    if (failure) return { ok: false, reason: failure };
    const after = await relisted;
    if (!after.ok) return { ok: false, reason: after.reason };
    // The refresh must have covered exactly the chosen sources, or its lists would not be the ones judged.
    refreshedGroups = await groupTargets(host, inLists(after.targets, await view.refreshLists));
    if (selection(refreshedGroups) !== selection(toRefresh)) return { ok: false, reason: 'the security sources written for the refresh are not the ones apt reported' };
    const lost = refreshedGroups.find((g) => g.release === null);
    if (lost) return { ok: false, reason: `apt-get update left no Release file for ${lost.dist}` };
  } else {
    keptOffers = await groupOffers(host, kept, installed);
  }
  const security = refreshedGroups.filter(isSecurityGroup);
  const newlyOther = refreshedGroups.filter((g) => !isSecurityGroup(g));
  const pending = pendingUpdates(installed, await groupOffers(host, security, installed), [...keptOffers, ...(await groupOffers(host, newlyOther, installed))]);
  return { ok: true, updates: pending.updates, refreshed: true, notes: [], securitySource: security.length > 0, othersBasis: await othersBasis(host, kept, pending.phased) };
}

export async function scanAptUpdates(host: Host, options: ScanOptions): Promise<UpdateScan> {
  // Live mode too: apt's own logs go to scratch, not /var/log.
  const scratch = makeScratchDir('apt');
  try {
    return await scan(host, options, scratch);
  } catch (err) {
    if (err instanceof UnreadableError) return { ok: false, reason: `${err.targetPath} ${err.reason}` };
    return { ok: false, reason: (err as Error).message.split('\n')[0] };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
