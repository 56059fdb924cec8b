// The Marketplace only accepts releases it lists, and only while they still get free security updates.
import { problem } from '../agent/findings.js';
import { defineCheck } from '../agent/check.js';
import { detectDistro } from '../distros/detect.js';
import type { Release } from '../distros/releases.js';

const WARN_MONTHS_BEFORE_END = 6;

/** "Today" can be pinned (AGENT_TODAY=YYYY-MM-DD) so a report can be reproduced later. */
export function today(): string {
  const pinned = process.env.AGENT_TODAY;
  return pinned && /^\d{4}-\d{2}-\d{2}$/.test(pinned) ? pinned : new Date().toISOString().slice(0, 10);
}

function monthsBefore(isoDate: string, months: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  const day = date.getUTCDate();
  // Move on the 1st, then clamp: May 31 minus 6 months is Nov 30, not "Nov 31" rolled into December.
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return date.toISOString().slice(0, 10);
}

function supportFinding(release: Release, day: string) {
  const end = release.endOfFreeSecurity;
  if (day > end) {
    return problem('fail', 'end-of-life', `${release.name} stopped getting free security updates on ${end}`);
  }
  if (day >= monthsBefore(end, WARN_MONTHS_BEFORE_END)) {
    return problem('warn', 'end-of-life-soon', `${release.name} stops getting free security updates on ${end}`);
  }
  if (release.freeExtendedFrom && day > release.freeExtendedFrom) {
    const channel = release.extendedName ?? 'an extended support channel';
    return problem('warn', 'extended-support', `${release.name} gets security updates only from ${channel} (until ${end})`);
  }
  return null;
}

export const osSupported = defineCheck({
  id: 'os-supported',
  title: 'Supported distribution release',
  description: 'The release is one the Marketplace accepts and still gets free security updates.',
  explain: {
    looksAt: '/etc/os-release (or lsb-release, redhat-release, centos-release, debian_version) against the agent\'s table of releases and their support dates.',
    why: 'DigitalOcean reviews reject releases outside their list, and an image whose release no longer gets security updates ships known vulnerabilities to every Droplet made from it.',
    manualFix: 'Rebuild the image on a current release (for example Ubuntu 24.04 LTS, Debian 12 or 13, Rocky or AlmaLinux 9).',
    limits: 'Ubuntu ESM and other paid channels are not counted: they need a subscription the Droplet owner may not have.',
  },
  remedy: 'rebuild the image on a supported release',
  severity: 'fail',
  codes: { 'unknown-release': null, 'not-accepted': null, 'end-of-life': null, 'end-of-life-soon': null, 'extended-support': null },
  async run(host) {
    const distro = await detectDistro(host);
    const release = distro.release;
    if (!release) {
      const finding = problem('fail', 'unknown-release', `${distro.name} is not a release the Marketplace accepts`, distro.source);
      return { summary: finding.message, findings: [finding] };
    }
    if (!release.marketplace) {
      const finding = problem('fail', 'not-accepted', `${release.name} is not a release the Marketplace accepts`, distro.source);
      return { summary: finding.message, findings: [finding] };
    }
    const finding = supportFinding(release, today());
    if (finding) return { summary: finding.message, findings: [finding] };
    return { summary: `${release.name} gets security updates until ${release.endOfFreeSecurity}`, findings: [] };
  },
});
