// Debian and Ubuntu: dpkg's database, apt's lists and commands.
import type { PackageStep } from '../agent/cleanup/actions.js';
import { aptSourceTrust } from './apt-source-trust.js';
import { scanAptUpdates } from './apt-updates.js';
import { readDpkgDatabase } from './dpkg-database.js';
import type { PackageAdapter } from './package-adapter.js';

// Non-interactive, and existing configuration files are kept (the vendor's changes win).
const COMMANDS: Record<PackageStep, readonly string[]> = {
  purge: ['apt-get', '-y', 'purge'],
  refresh: ['apt-get', 'update'],
  upgrade: ['apt-get', '-y', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', 'dist-upgrade'],
  autoremove: ['apt-get', '-y', 'autoremove', '--purge'],
  clean: ['apt-get', 'clean'],
};

export const aptAdapter: PackageAdapter = {
  manager: 'apt',
  readDatabase: readDpkgDatabase,
  scanUpdates: scanAptUpdates,
  refreshCommand: 'apt-get update of the security archives',
  refreshedNote: 'security lists refreshed',
  upgradeHint: 'apt-get update && apt-get -y dist-upgrade',
  command: (step, packages = []) => [...COMMANDS[step], ...packages],
  cacheDirs: ['/var/cache/apt/archives'],
  packageFile: /\.deb$/,
  nftablesConfig: '/etc/nftables.conf',
  motdPlaces: '/etc/update-motd.d or /etc/motd',
  repositoryTrust: aptSourceTrust,
};
