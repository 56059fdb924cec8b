// Pending updates decided from the indexes themselves. A package has a pending SECURITY update when
// a security archive offers a newer version of the same package and architecture than the one
// installed, whatever other archive would supply the upgrade: with apt's simulation a newer
// version in -updates hides the security fix it contains (the Inst line names -updates only).
// OTHER pending updates are the installed packages a non-security archive offers newer, with
// apt's default policy: a NotAutomatic archive (experimental) is never a candidate, one that is
// also ButAutomaticUpgrades (backports) only for packages installed from it; held packages are
// left out. Pins in /etc/apt/preferences are not applied (the scan says so when there are any).
import type { Host } from '../agent/host.js';
import type { IndexTarget, ReleaseInfo } from './apt-index-targets.js';
import { offersOfIndex, type IndexOffers } from './apt-packages-index.js';
import { compareDebVersions } from './deb-version.js';
import type { InstalledDeb } from './dpkg-installed.js';
import type { PendingUpdate } from './updates.js';

/** The Packages indexes of one sources entry and suite, and its Release file when it has one. */
export interface SourceGroup {
  sourcesEntry: string;
  dist: string;
  targets: IndexTarget[];
  release: ReleaseInfo | null;
}

/** The offers of every index of the groups (a missing index offers nothing, as apt sees it). */
export async function groupOffers(host: Host, groups: readonly SourceGroup[], installed: ReadonlyMap<string, InstalledDeb>): Promise<{ group: SourceGroup; offers: IndexOffers }[]> {
  const versions = new Map([...installed].map(([key, deb]) => [key, deb.version]));
  const names = new Set([...installed.values()].map((deb) => deb.name));
  const result: { group: SourceGroup; offers: IndexOffers }[] = [];
  for (const group of groups) {
    for (const target of group.targets) {
      const offers = await offersOfIndex(host, target.filename, versions, names);
      if (offers !== null) result.push({ group, offers });
    }
  }
  return result;
}

export interface Pending {
  updates: PendingUpdate[];
  /** Other updates whose candidate is phased (Ubuntu): apt may hold them back on this machine. */
  phased: number;
}

type Offered = { group: SourceGroup; offers: IndexOffers };

function newestOver(entries: readonly Offered[], key: string, admit: (entry: Offered) => boolean) {
  let best: { version: string; phased?: number } | undefined;
  for (const entry of entries) {
    const offer = entry.offers.newest.get(key);
    if (offer && admit(entry) && (!best || compareDebVersions(offer.version, best.version) > 0)) best = offer;
  }
  return best;
}

export function pendingUpdates(installed: ReadonlyMap<string, InstalledDeb>, security: readonly Offered[], others: readonly Offered[]): Pending {
  const updates: PendingUpdate[] = [];
  let phased = 0;
  const archCount = new Map<string, number>();
  for (const deb of installed.values()) archCount.set(deb.name, (archCount.get(deb.name) ?? 0) + 1);
  for (const [key, deb] of installed) {
    // A package installed for several architectures is named with its architecture.
    const name = (archCount.get(deb.name) ?? 0) > 1 ? key : deb.name;
    const fix = newestOver(security, key, () => true);
    if (fix && compareDebVersions(fix.version, deb.version) > 0) {
      updates.push({ name, arch: deb.arch, installed: deb.version, candidate: fix.version, security: true, ...(deb.held ? { held: true } : {}) });
      continue;
    }
    if (deb.held) continue;
    const admit = ({ group, offers }: Offered) => !group.release?.notAutomatic || (group.release.butAutomaticUpgrades && offers.holdsInstalled.has(key));
    const candidate = newestOver(others, key, admit);
    if (candidate && compareDebVersions(candidate.version, deb.version) > 0) {
      updates.push({ name, arch: deb.arch, installed: deb.version, candidate: candidate.version, security: false });
      if (candidate.phased !== undefined) phased++;
    }
  }
  updates.sort((a, b) => a.name.localeCompare(b.name));
  return { updates, phased };
}
