// The check vendors fail most: pending security updates. The lists are refreshed first (a refresh
// that fails is an error, never a pass: stale lists hide updates), then the upgrade is simulated
// and every pending package is classified by the archive that offers it.
import { problem } from '../agent/findings.js';
import { fixes } from '../agent/cleanup/actions.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';
import { packageAdapter } from '../distros/package-adapter.js';

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
    // Upgrade, then autoremove what the upgrade orphaned (package-cache cleans the downloads).
    'security-update': () => [fixes.packages('upgrade'), fixes.packages('autoremove')],
    'pending-updates': () => [fixes.packages('upgrade'), fixes.packages('autoremove')],
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
      problem('fail', 'security-update', `${update.name} ${update.installed ?? '(new)'} -> ${update.candidate}${update.advisory ? ` (${update.advisory})` : ''}`),
    );
    if (others > 0) findings.push(problem('warn', 'pending-updates', `${others} other update${others === 1 ? '' : 's'} pending`));
    if (scan.securitySource === false) {
      findings.push(problem('warn', 'no-security-source', 'no configured package source is a security archive: the image would never get security fixes'));
    }
    const freshness = scan.refreshed ? 'lists refreshed' : 'offline: lists on disk, not refreshed';
    const summary = security.length > 0
      ? `${security.length} security update${security.length === 1 ? '' : 's'} pending (${freshness}); run: ${adapter.upgradeHint}`
      : `no security update pending (${freshness})`;
    return { summary, findings };
  },
});
