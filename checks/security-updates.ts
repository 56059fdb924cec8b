// The check vendors fail most: pending security updates. The security metadata is refreshed first
// (a refresh that fails is an error, never a pass: stale lists hide updates); apt compares the
// security archives' indexes with the installed versions (distros/apt-updates.ts), dnf/yum ask
// check-update --security.
import { problem } from '../agent/findings.js';
import { fixes } from '../agent/cleanup/actions.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';
import { packageAdapter } from '../distros/package-adapter.js';

const UPGRADE = [fixes.packages('refresh'), fixes.packages('upgrade'), fixes.packages('autoremove')];

export const securityUpdates = defineCheck({
  id: 'security-updates',
  title: 'No pending security updates',
  description: 'After refreshing the package lists, no security update is pending (other pending updates warn).',
  explain: {
    looksAt: 'apt: `apt-get update`, then every Inst line of `apt-get -s dist-upgrade` (held-back kernels count); an update is a security update when an archive offering it is a *-security suite. dnf/yum: `check-update --security` and `check-update`. In --root mode the host\'s package manager works on the image\'s sources and a scratch copy of its lists (apt) or a throwaway cache (dnf --installroot), so the image is not changed.',
    why: 'DigitalOcean\'s review rejects images with pending security updates: every Droplet made from the image would start out vulnerable. A refresh that fails is reported as an error, because stale lists would hide updates.',
    manualFix: 'Run the upgrade (apt-get update && apt-get -y dist-upgrade, or dnf -y upgrade), reboot if a new kernel came, and check again.',
    limits: '--offline uses the lists on disk as they are (the report says so). Ubuntu ESM updates need a subscription and are not counted.',
  },
  remedy: 'upgrade the packages (apt-get -y dist-upgrade / dnf -y upgrade) and check again',
  severity: 'fail',
  codes: {
    // The scan refreshed only what its verdict needs: the upgrade refreshes every list first, then
    // autoremoves what it orphaned (package-cache cleans the downloads).
    'security-update': () => UPGRADE,
    'pending-updates': () => UPGRADE,
    'no-security-source': null,
  },
  async run(host) {
    const adapter = await packageAdapter(host);
    if (!host.settings.offline) host.settings.notify?.(`refreshing package lists (${adapter.refreshCommand}); this can take a minute`);
    const scan = await adapter.scanUpdates(host, { offline: host.settings.offline });
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
      findings.push(problem('warn', 'no-security-source', 'no configured package source is a security archive: the image would never get security fixes'));
    }
    const freshness = scan.refreshed ? adapter.refreshedNote : 'offline: lists on disk, not refreshed';
    const summary = security.length > 0
      ? `${security.length} security update${security.length === 1 ? '' : 's'} pending (${freshness}); run: ${adapter.upgradeHint}`
      : `no security update pending (${freshness})`;
    return { summary, findings };
  },
});
