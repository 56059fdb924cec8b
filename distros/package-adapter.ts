// One adapter per package-manager family, chosen once per target from its distribution (as goss
// picks its package backend at start). Checks ask the adapter; they never branch on the family.
import type { PackageStep } from '../agent/cleanup/actions.js';
import type { Host } from '../agent/host.js';
import semver from 'semver';
import { aptAdapter } from './apt-adapter.js';
import { detectDistro } from './detect.js';
import { dnfAdapter, yumAdapter } from './dnf-adapter.js';
import type { InstalledPackage } from './dpkg-status.js';
import type { PackageManager } from './releases.js';
import type { SourceTrust } from './source-trust.js';
import type { ScanOptions, UpdateScan } from './updates.js';

export type PackageDatabase = { available: true; installed: Map<string, InstalledPackage> } | { available: false; reason: string };

export interface PackageAdapter {
  manager: PackageManager;
  /** The installed packages, from the database the manager keeps. */
  readDatabase(host: Host): Promise<PackageDatabase>;
  /** Pending updates, classified security or not (refreshing first unless offline). */
  scanUpdates(host: Host, options: ScanOptions): Promise<UpdateScan>;
  /** What the refresh runs, for the message shown while it does. */
  refreshCommand: string;
  /** How the report says what the scan refreshed. */
  refreshedNote: string;
  /** What the user runs by hand to install the updates. */
  upgradeHint: string;
  /** The argv of a cleanup package step: non-interactive, the vendor's config files kept. */
  command(step: PackageStep, packages?: readonly string[]): string[];
  /** Where downloaded packages are kept, and what a downloaded package file is named like. */
  cacheDirs: readonly string[];
  packageFile: RegExp;
  /** The ruleset nftables.service loads at boot in this family. */
  nftablesConfig: string;
  /** Where a vendor's message of the day goes in this family (for the finding's message). */
  motdPlaces: string;
  /** What the sources configuration says about their trust (verification off, unsigned, unreachable). */
  repositoryTrust(host: Host): Promise<SourceTrust>;
}

const ADAPTERS: Record<PackageManager, PackageAdapter> = { apt: aptAdapter, dnf: dnfAdapter, yum: yumAdapter };

export async function packageAdapter(host: Host): Promise<PackageAdapter> {
  return ADAPTERS[(await detectDistro(host)).packageManager];
}

/** The installed packages; a database that cannot be read makes every check that asked `error`. */
function packageDatabase(host: Host): Promise<PackageDatabase> {
  return host.fact('packages', async (unread) => {
    const db = await (await packageAdapter(host)).readDatabase(host);
    if (!db.available) unread(undefined, `the package database: ${db.reason}`);
    return db;
  });
}

export type PackageLookup = { known: true; installed: InstalledPackage | undefined } | { known: false; reason: string };

/** Is this package installed, and which version? */
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
