// The EL family: the rpm database; dnf from EL 8 and on Fedora, yum up to EL 7.
import type { PackageStep } from '../agent/cleanup/actions.js';
import { dnfSourceTrust } from './dnf-source-trust.js';
import { scanDnfUpdates } from './dnf-updates.js';
import type { PackageAdapter } from './package-adapter.js';
import { readRpmDatabase } from './rpm-database.js';

function rpmAdapter(manager: 'dnf' | 'yum'): PackageAdapter {
  const commands: Record<PackageStep, readonly string[]> = {
    purge: [manager, '-y', 'remove'],
    refresh: [manager, 'makecache'],
    upgrade: manager === 'dnf' ? ['dnf', '-y', 'upgrade'] : ['yum', '-y', 'update'],
    autoremove: [manager, '-y', 'autoremove'],
    clean: [manager, 'clean', 'all'],
  };
  return {
    manager,
    readDatabase: readRpmDatabase,
    scanUpdates: (host, options) => scanDnfUpdates(host, manager, options),
    refreshCommand: `${manager} makecache`,
    refreshedNote: 'lists refreshed',
    upgradeHint: manager === 'dnf' ? 'dnf -y upgrade --security (or dnf -y upgrade)' : 'yum -y update --security (or yum -y update)',
    command: (step, packages = []) => [...commands[step], ...packages],
    cacheDirs: ['/var/cache/dnf', '/var/cache/yum'],
    packageFile: /\.rpm$/,
    nftablesConfig: '/etc/sysconfig/nftables.conf',
    motdPlaces: '/etc/motd',
    repositoryTrust: (host) => dnfSourceTrust(host, manager),
  };
}

export const dnfAdapter = rpmAdapter('dnf');
export const yumAdapter = rpmAdapter('yum');
