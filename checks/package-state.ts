// Shared by the checks that ask "is this package installed, and which version?".
import semver from 'semver';
import type { Host } from '../agent/host.js';
import { packageDatabase } from '../distros/packages.js';
import type { InstalledPackage } from '../distros/dpkg-status.js';

export type PackageLookup = { known: true; installed: InstalledPackage | undefined } | { known: false; reason: string };

export async function lookupPackage(host: Host, name: string): Promise<PackageLookup> {
  const db = await packageDatabase(host);
  if (!db.available) return { known: false, reason: db.reason };
  return { known: true, installed: db.installed.get(name) };
}

/**
 * Upstream version of a distro version string: drops the epoch ("1:") and the packaging suffix,
 * so "23.4.4-0ubuntu0~22.04.1" and "23.4-7.el9_4.1" compare as 23.4.4 and 23.4.0.
 */
export function upstreamVersion(distroVersion: string): string | null {
  const withoutEpoch = distroVersion.replace(/^\d+:/, '');
  return semver.coerce(withoutEpoch)?.version ?? null;
}
