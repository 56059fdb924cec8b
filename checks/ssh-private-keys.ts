// A private key in an image is a credential handed to every Droplet owner (and anyone who
// downloads a snapshot). Keys are recognised by content, whatever their name, and never shown.
import { posix } from 'node:path';
import { homeDirectories, ownerOf } from '../agent/facts/homes.js';
import { describePrivateKey } from '../agent/facts/ssh-keys.js';
import { couldNotCheck, problem } from '../agent/findings.js';
import { fileKind, type Host } from '../agent/host.js';
import type { CheckModule, Finding } from '../agent/types.js';
import { PHASE } from '../agent/cleanup/actions.js';
import { actionsFromFindings } from '../agent/cleanup/from-findings.js';

// Checked by ssh-authorized-keys.
const AUTHORIZED_KEYS = new Set(['authorized_keys', 'authorized_keys2']);
const KNOWN_HOSTS = new Set(['known_hosts', 'known_hosts.old']);
// Enough for any key; a larger file is not read further.
const HEAD_BYTES = 64 * 1024;

async function inspectSshFile(host: Host, path: string, owner: string): Promise<Finding | null> {
  const name = posix.basename(path);
  if (AUTHORIZED_KEYS.has(name)) return null;
  const stats = await host.lstat(path);
  if (!stats) return null;
  if (!stats.isFile()) {
    return problem('warn', 'stray-file', `${fileKind(stats)} in the .ssh directory of ${owner} (not followed)`, path);
  }
  if (stats.size === 0) {
    const looksLikeKey = /^id_/.test(name) && !name.endsWith('.pub');
    return looksLikeKey ? problem('warn', 'empty-key', `empty key file in the .ssh directory of ${owner}`, path) : problem('warn', 'stray-file', `empty file in the .ssh directory of ${owner}`, path);
  }
  const head = (await host.readText(path, { maxBytes: HEAD_BYTES, follow: false })) ?? '';
  const key = describePrivateKey(head);
  if (key) {
    const size = [key.bits, key.fingerprint].filter(Boolean).join(' ');
    const details = [size, key.encrypted ? 'passphrase-protected' : ''].filter(Boolean).join(', ');
    return problem('fail', 'private-key', `${key.format} ${key.type} private key of ${owner}${details ? ` (${details})` : ''}`, path);
  }
  if (KNOWN_HOSTS.has(name)) {
    const entries = head.split('\n').filter((line) => line.trim() && !line.startsWith('#')).length;
    return entries > 0 ? problem('warn', 'known-hosts', `known_hosts of ${owner} lists ${entries} host${entries === 1 ? '' : 's'}`, path) : null;
  }
  return problem('warn', 'stray-file', `stray file in the .ssh directory of ${owner} (${stats.size} bytes)`, path);
}

export const sshPrivateKeys: CheckModule = {
  id: 'ssh-private-keys',
  title: 'No SSH private keys',
  description: 'No private key (any name, any type) in any account\'s .ssh directory; known_hosts and other stray files warn.',
  explain: {
    looksAt: 'Every file in the .ssh directory of every account with a home directory in /etc/passwd. Private keys are recognised by their content (OpenSSH, PEM, PKCS#8, PuTTY, SSH.com formats), not by their name.',
    why: 'A private key in the image is copied to every Droplet and every snapshot: whoever gets one gets the key, and with it whatever the key opens (Git hosting, other servers).',
    manualFix: 'Delete the files named, and rotate any key that has been in an image already.',
    limits: 'Only .ssh directories are searched; keys stored elsewhere in a home are not found. Symbolic links are reported, not followed.',
  },
  remedy: 'delete the private keys and stray files named above (and rotate those keys)',
  severity: 'fail',
  fixable: true,
  appliesTo: () => true,
  async run(host) {
    const findings: Finding[] = [];
    for (const home of await homeDirectories(host)) {
      if (home.error) {
        findings.push(couldNotCheck(home.error));
        continue;
      }
      const owner = ownerOf(home);
      const sshDir = posix.join(home.path, '.ssh');
      try {
        const dirStats = await host.lstat(sshDir);
        if (!dirStats) continue;
        if (!dirStats.isDirectory()) {
          findings.push(problem('warn', 'stray-file', `.ssh of ${owner} is a ${fileKind(dirStats)} (not followed)`, sshDir));
          continue;
        }
        for (const name of (await host.list(sshDir)) ?? []) {
          const path = posix.join(sshDir, name);
          try {
            const finding = await inspectSshFile(host, path, owner);
            if (finding) findings.push(finding);
          } catch (err) {
            findings.push(couldNotCheck(err, path));
          }
        }
      } catch (err) {
        findings.push(couldNotCheck(err, sshDir));
      }
    }
    return { findings };
  },
  // Keys, empty key files and known_hosts go; of the other stray files only links and special
  // files do (a user's ssh config is kept: it is no secret and may be wanted).
  plan: async (host, report) => {
    const remove = (f: Finding) => ({ kind: 'remove-file' as const, path: f.path, phase: PHASE.ssh });
    const actions = actionsFromFindings(report, { 'private-key': remove, 'empty-key': remove, 'known-hosts': remove });
    for (const finding of report.findings.filter((f) => f.code === 'stray-file' && f.path)) {
      const stats = await host.lstat(finding.path as string).catch(() => null);
      const special = stats && !stats.isFile() && !stats.isDirectory();
      if (special || (stats?.isFile() && stats.size === 0)) actions.push({ check: report.id, ...remove(finding) });
    }
    return actions;
  },
};
