// What the build Droplet's own life left behind, as virt-sysprep's random-seed, dhcp-client-state
// and mail-spool operations remove it: a random seed every Droplet would start from, the leases
// of the build network, mail delivered to the build machine. User crontabs are the vendor's to
// judge, so they are reported only. Nothing is ever followed: a link or special file is skipped.
import { posix } from 'node:path';
import type { Stats } from 'node:fs';
import { couldNotCheck, humanSize, problem } from '../agent/findings.js';
import type { Host } from '../agent/host.js';
import { fixes } from '../agent/cleanup/actions.js';
import { at } from '../agent/fix-inputs.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';

// systemd's seed, and the one of the old urandom init script (Debian before systemd).
const RANDOM_SEEDS = ['/var/lib/systemd/random-seed', '/var/lib/urandom/random-seed'];

interface LeaseDir {
  dir: string;
  /** Which names in it are a DHCP client's leases. */
  lease: RegExp;
}

// ISC dhclient on Debian (/var/lib/dhcp/dhclient.eth0.leases) and EL 7 (/var/lib/dhclient/*);
// NetworkManager's dhclient and internal client (dhclient-UUID-eth0.lease, internal-UUID-eth0.lease).
// dhcpd.leases in /var/lib/dhcp is the DHCP server's database (the daemon needs it): not a leftover.
const LEASE_DIRS: readonly LeaseDir[] = [
  { dir: '/var/lib/dhcp', lease: /^(?!dhcpd6?\.leases)[^/]*\.leases$/ },
  { dir: '/var/lib/dhclient', lease: /^[^/]+$/ },
  { dir: '/var/lib/NetworkManager', lease: /\.lease$/ },
];

// Debian links /var/spool/mail to ../mail: each real directory is read once.
const MAIL_SPOOLS = ['/var/mail', '/var/spool/mail'];

// Debian keeps users' crontabs in crontabs/, the EL family directly in /var/spool/cron.
const CRONTAB_DIRS = ['/var/spool/cron/crontabs', '/var/spool/cron'];

/** The regular files directly in dir whose names match, or [] when dir is not a directory. */
async function regularFilesIn(host: Host, dir: string, found: Finding[], matches: (name: string) => boolean = () => true): Promise<{ path: string; stats: Stats }[]> {
  const files: { path: string; stats: Stats }[] = [];
  try {
    if (!(await host.lstat(dir))?.isDirectory()) return files;
    for (const name of (await host.list(dir)) ?? []) {
      if (!matches(name)) continue;
      const path = posix.join(dir, name);
      try {
        const stats = await host.lstat(path);
        // Links and special files are never removed nor truncated through.
        if (stats?.isFile()) files.push({ path, stats });
      } catch (err) {
        found.push(couldNotCheck(err, path));
      }
    }
  } catch (err) {
    found.push(couldNotCheck(err, dir));
  }
  return files;
}

async function randomSeeds(host: Host, found: Finding[]): Promise<void> {
  for (const path of RANDOM_SEEDS) {
    try {
      const stats = await host.lstat(path);
      if (stats?.isFile()) found.push(problem('warn', 'random-seed', 'random seed of the build machine: every Droplet would start from it', path));
    } catch (err) {
      found.push(couldNotCheck(err, path));
    }
  }
}

async function dhcpLeases(host: Host, found: Finding[]): Promise<void> {
  for (const { dir, lease } of LEASE_DIRS) {
    for (const { path } of await regularFilesIn(host, dir, found, (name) => lease.test(name))) {
      found.push(problem('warn', 'dhcp-lease', 'DHCP lease of the build network', path));
    }
  }
}

async function mailSpools(host: Host, found: Finding[]): Promise<void> {
  const seen = new Set<string>();
  for (const spool of MAIL_SPOOLS) {
    let real: string;
    try {
      real = host.canonical(spool);
    } catch (err) {
      found.push(couldNotCheck(err, spool));
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    for (const { path, stats } of await regularFilesIn(host, real, found)) {
      if (stats.size > 0) found.push(problem('warn', 'mail-spool', `mailbox of ${posix.basename(path)} holds ${humanSize(stats.size)} delivered on the build machine`, path));
    }
  }
}

async function crontabs(host: Host, found: Finding[]): Promise<void> {
  for (const dir of CRONTAB_DIRS) {
    for (const { path, stats } of await regularFilesIn(host, dir, found)) {
      if (stats.size > 0) found.push(problem('warn', 'crontab', `crontab of ${posix.basename(path)}: every Droplet runs it`, path));
    }
  }
}

export const instanceLeftovers = defineCheck({
  id: 'instance-leftovers',
  title: 'No state of the build Droplet',
  description: 'Random seeds, DHCP leases and non-empty mailboxes of the build machine warn; user crontabs are reported.',
  explain: {
    looksAt: `${RANDOM_SEEDS.join(', ')}; DHCP client leases in ${LEASE_DIRS.map((d) => d.dir).join(', ')}; mailboxes in ${MAIL_SPOOLS.join(' and ')}; crontabs in ${CRONTAB_DIRS.join(' and ')}. Sizes only: no file is read.`,
    why: 'Every Droplet made from the image would start from the same random seed, remember leases of a network it is not on, and show mail addressed to the build machine; virt-sysprep removes them for the same reasons.',
    manualFix: 'rm -f /var/lib/systemd/random-seed /var/lib/urandom/random-seed /var/lib/dhcp/dhclient*.leases /var/lib/dhclient/* /var/lib/NetworkManager/*.lease; truncate -s 0 the mailboxes in /var/mail; remove crontabs (crontab -r -u USER) unless every Droplet must run them.',
    limits: 'Only regular files count: symbolic links and special files are skipped, never followed. The DHCP server\'s dhcpd.leases is its own database and is left alone. Crontabs are reported, never removed: they may be the product\'s own. On a running machine systemd saves a new seed when it shuts down and the DHCP client renews its lease: clean a live build last, or the mounted disk with --root or --image.',
  },
  remedy: 'remove the random seeds and leases, empty the mailboxes; remove crontabs that only the build needed',
  severity: 'warn',
  codes: {
    'random-seed': (f) => [fixes.removeFile(at(f))],
    'dhcp-lease': (f) => [fixes.removeFile(at(f))],
    // Truncated, not removed: the mailbox keeps its owner and mode (mail delivery expects them).
    'mail-spool': (f) => [fixes.truncate(at(f))],
    crontab: null,
  },
  async run(host) {
    const findings: Finding[] = [];
    await randomSeeds(host, findings);
    await dhcpLeases(host, findings);
    await mailSpools(host, findings);
    await crontabs(host, findings);
    const count = findings.filter((f) => f.status === 'warn').length;
    return { summary: count === 0 ? 'nothing of the build machine left' : `${count} leftover${count === 1 ? '' : 's'} of the build machine`, findings };
  },
});
