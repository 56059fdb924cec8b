// The check vendors fail most: pending security updates. The security metadata is refreshed first
// (a refresh that fails is an error, never a pass: stale lists hide updates); apt compares the
// security archives' indexes with the installed versions (distros/apt-updates.ts), dnf/yum ask
// check-update --security.
import { problem } from '../agent/findings.js';
import type { Host } from '../agent/host.js';
import type { CheckModule, Finding } from '../agent/types.js';
import { PHASE, type Action } from '../agent/cleanup/actions.js';
import { scanAptUpdates } from '../distros/apt-updates.js';
import { detectDistro } from '../distros/detect.js';
import { scanDnfUpdates } from '../distros/dnf-updates.js';
import type { PackageManager } from '../distros/releases.js';
import type { ScanOptions, UpdateScan } from '../distros/updates.js';

const SCANNERS: Record<PackageManager, (host: Host, options: ScanOptions) => Promise<UpdateScan>> = {
  apt: scanAptUpdates,
  dnf: (host, options) => scanDnfUpdates(host, 'dnf', options),
  yum: (host, options) => scanDnfUpdates(host, 'yum', options),
};

const REFRESH_COMMAND: Record<PackageManager, string> = { apt: 'apt-get update of the security archives', dnf: 'dnf makecache', yum: 'yum makecache' };
const REFRESHED: Record<PackageManager, string> = { apt: 'security lists refreshed', dnf: 'lists refreshed', yum: 'lists refreshed' };
// The scan refreshes only what the verdict needs; the upgrade needs every list fresh.
const FULL_REFRESH: Partial<Record<PackageManager, string[]>> = { apt: ['apt-get', 'update'] };
const UPGRADE_COMMAND: Record<PackageManager, string> = {
  apt: 'apt-get update && apt-get -y dist-upgrade',
  dnf: 'dnf -y upgrade --security (or dnf -y upgrade)',
  yum: 'yum -y update --security (or yum -y update)',
};

// Non-interactive, and existing configuration files are kept (the vendor's changes win).
const UPGRADE: Record<PackageManager, string[]> = {
  apt: ['apt-get', '-y', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', 'dist-upgrade'],
  dnf: ['dnf', '-y', 'upgrade'],
  yum: ['yum', '-y', 'update'],
};
const AUTOREMOVE: Record<PackageManager, string[]> = {
  apt: ['apt-get', '-y', 'autoremove', '--purge'],
  dnf: ['dnf', '-y', 'autoremove'],
  yum: ['yum', '-y', 'autoremove'],
};
export const CLEAN_COMMAND: Record<PackageManager, string[]> = {
  apt: ['apt-get', 'clean'],
  dnf: ['dnf', 'clean', 'all'],
  yum: ['yum', 'clean', 'all'],
};

export const securityUpdates: CheckModule = {
  id: 'security-updates',
  title: 'No pending security updates',
  description: 'After refreshing the package lists, no security update is pending (other pending updates warn).',
  explain: {
    looksAt: 'apt: `apt-get update` of the security archives only (sources whose suite is *-security, or whose Release says so), then every installed package (/var/lib/dpkg/status) older than the version of the same package and architecture in a security archive\'s Packages index: that is a pending security update, even when -updates offers a newer version. Other pending updates come from the other archives\' lists on disk, not refreshed (the finding says how old they are). dnf/yum: `check-update --security` and `check-update`. In --root mode the host\'s package manager works on the image\'s sources, with scratch lists for the refresh (apt) or a throwaway cache (dnf --installroot), so the image is not changed.',
    why: 'DigitalOcean\'s review rejects images with pending security updates: every Droplet made from the image would start out vulnerable. A refresh that fails is reported as an error, because stale lists would hide updates.',
    manualFix: 'Run the upgrade (apt-get update && apt-get -y dist-upgrade, or dnf -y upgrade), reboot if a new kernel came, and check again.',
    limits: '--offline uses the lists on disk as they are (the report says so). Ubuntu ESM updates count only when the image has the ESM sources (an attached Pro subscription). dnf/yum: the whole repository metadata is refreshed (dnf cannot fetch updateinfo alone), and dnf itself decides from updateinfo. apt: the count of other updates follows apt\'s default policy (NotAutomatic archives such as experimental never, backports only for packages installed from them, held packages not) but not pins in /etc/apt/preferences, and counts phased updates apt may hold back (the finding says when either applies); a held package with a security update is reported (cleanup\'s upgrade leaves it until the hold is removed).',
  },
  remedy: 'upgrade the packages (apt-get -y dist-upgrade / dnf -y upgrade) and check again',
  severity: 'fail',
  fixable: true,
  appliesTo: () => true,
  async run(host) {
    const distro = await detectDistro(host);
    const manager = distro.packageManager;
    if (!host.settings.offline) host.settings.notify?.(`refreshing package lists (${REFRESH_COMMAND[manager]}); this can take a minute`);
    const scan = await SCANNERS[manager](host, { offline: host.settings.offline });
    if (!scan.ok) {
      if (scan.reason.startsWith('skip: ')) return { status: 'skip', summary: scan.reason.slice(6), findings: [] };
      return { status: 'error', summary: `could not check: ${scan.reason}`, findings: [] };
    }
    const security = scan.updates.filter((update) => update.security);
    const others = scan.updates.length - security.length;
    const findings: Finding[] = security.map((update) =>
      problem('fail', 'security-update', `${update.name} ${update.installed ?? '(new)'} -> ${update.candidate}${update.advisory ? ` (${update.advisory})` : ''}${update.held ? ' (held)' : ''}`),
    );
    if (others > 0) findings.push(problem('warn', 'pending-updates', `${others} other update${others === 1 ? '' : 's'} pending${scan.othersBasis ? ` (${scan.othersBasis})` : ''}`));
    if (scan.securitySource === false) {
      findings.push(problem('warn', 'no-security-source', 'no configured package source is a security archive: the image would never get security fixes', undefined, false));
    }
    const freshness = scan.refreshed ? REFRESHED[manager] : 'offline: lists on disk, not refreshed';
    const summary = security.length > 0
      ? `${security.length} security update${security.length === 1 ? '' : 's'} pending (${freshness}); run: ${UPGRADE_COMMAND[manager]}`
      : `no security update pending (${freshness})`;
    return { summary, findings };
  },
  // Upgrade, then autoremove what the upgrade orphaned, then clean the downloaded packages.
  plan: async (host, report) => {
    if (!report.findings.some((f) => f.code === 'security-update' || f.code === 'pending-updates')) return [];
    const manager = (await detectDistro(host)).packageManager;
    const step = (command: string[], offset: number, upgrade = false): Action => ({ check: report.id, kind: 'run', command, phase: PHASE.packages + offset, ...(upgrade ? { upgrade } : {}) });
    const refresh = FULL_REFRESH[manager];
    const first = refresh && !host.settings.offline ? [step(refresh, 0, true)] : [];
    return [...first, step(UPGRADE[manager], 0, true), step(AUTOREMOVE[manager], 1, true), step(CLEAN_COMMAND[manager], 5)];
  },
};
