// A private key in an image is a credential handed to every Droplet owner (and anyone who
// downloads a snapshot). Keys are recognised by content, whatever their name, and never shown.
import { posix } from 'node:path';
import { findInHomes } from '../agent/facts/homes.js';
import { describePrivateKey } from '../agent/facts/ssh-keys.js';
import { couldNotCheck, problem } from '../agent/findings.js';
import { fileKind, isWalkError, type EntryKind, type Host } from '../agent/host.js';
import { fixes } from '../agent/cleanup/actions.js';
import { at } from '../agent/fix-inputs.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';

// Checked by ssh-authorized-keys.
const AUTHORIZED_KEYS = new Set(['authorized_keys', 'authorized_keys2']);
const KNOWN_HOSTS = new Set(['known_hosts', 'known_hosts.old']);
// Enough for any key's header; the rest of a larger file is not needed.
const HEAD_BYTES = 64 * 1024;

// A .ssh holding more is not a .ssh: say so rather than walk it for ever.
const MAX_ENTRIES = 10_000;

function describeKey(key: NonNullable<ReturnType<typeof describePrivateKey>>): string {
  const size = [key.bits, key.fingerprint].filter(Boolean).join(' ');
  const details = [size, key.encrypted ? 'passphrase-protected' : ''].filter(Boolean).join(', ');
  return `${key.format} ${key.type} private key${details ? ` (${details})` : ''}`;
}

/** A link in .ssh: ssh follows it, so a key at its target counts (the target is not removed). */
async function inspectLink(host: Host, path: string, owner: string): Promise<Finding> {
  const target = await host.stat(path);
  if (target?.isFile() && target.size > 0) {
    const key = describePrivateKey((await host.readText(path, { maxBytes: HEAD_BYTES, head: true })) ?? '');
    if (key) return problem('fail', 'private-key-link', `link to a ${describeKey(key)} of ${owner} at ${host.canonical(path)}`, path);
  }
  return problem('warn', 'stray-special', `symbolic link in the .ssh directory of ${owner}`, path);
}

/**
 * One entry of a .ssh, as its listing says it is: a file is opened as named (its size comes with
 * the open) and its head read, with no lstat first (four files in each of 10,000 homes).
 */
async function inspectSshEntry(host: Host, path: string, kind: EntryKind, owner: string): Promise<Finding | null> {
  const name = posix.basename(path);
  if (AUTHORIZED_KEYS.has(name)) return null;
  if (kind === 'symlink') return inspectLink(host, path, owner);
  if (kind !== 'file') {
    const stats = await host.lstat(path);
    return stats ? problem('warn', 'stray-special', `${fileKind(stats)} in the .ssh directory of ${owner}`, path) : null;
  }
  const read = await host.readIfWanted(path, (size) => size > 0, { maxBytes: HEAD_BYTES });
  if (!read) return null;
  if (read.size === 0) {
    const looksLikeKey = /^id_/.test(name) && !name.endsWith('.pub');
    return looksLikeKey ? problem('warn', 'empty-key', `empty key file in the .ssh directory of ${owner}`, path) : problem('warn', 'stray-special', `empty file in the .ssh directory of ${owner}`, path);
  }
  const head = read.bytes?.toString('utf8') ?? '';
  const key = describePrivateKey(head);
  if (key) return problem('fail', 'private-key', `${describeKey(key)} of ${owner}`, path);
  if (KNOWN_HOSTS.has(name)) {
    const entries = head.split('\n').filter((line) => line.trim() && !line.startsWith('#')).length;
    return entries > 0 ? problem('warn', 'known-hosts', `known_hosts of ${owner} lists ${entries} host${entries === 1 ? '' : 's'}`, path) : null;
  }
  return problem('warn', 'stray-file', `stray file in the .ssh directory of ${owner} (${read.size} bytes)`, path);
}

/** Every file under a home's .ssh, at any depth; a .ssh that is a link is followed inside the image. */
async function inspectSshDir(host: Host, home: string, owner: string): Promise<Finding[]> {
  const sshDir = posix.join(home, '.ssh');
  const stats = await host.lstat(sshDir);
  if (!stats) return [];
  if (!(await host.stat(sshDir))?.isDirectory()) {
    return [problem('warn', 'stray-special', `.ssh of ${owner} is a ${fileKind(stats)}${stats.isSymbolicLink() ? ' that does not lead to a directory' : ''}`, sshDir)];
  }
  const findings: Finding[] = [];
  let entries = 0;
  for await (const entry of host.walkKinds(sshDir)) {
    if (++entries > MAX_ENTRIES) {
      findings.push(couldNotCheck(`${sshDir}: more than ${MAX_ENTRIES} entries (not all looked at)`, sshDir));
      break;
    }
    if (isWalkError(entry)) {
      findings.push(couldNotCheck(`${entry.path}: ${entry.error}`, entry.path));
      continue;
    }
    if (entry.kind === 'directory') continue;
    try {
      const finding = await inspectSshEntry(host, entry.path, entry.kind, owner);
      if (finding) findings.push(finding);
    } catch (err) {
      findings.push(couldNotCheck(err, entry.path));
    }
  }
  return findings;
}

export const sshPrivateKeys = defineCheck({
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
  codes: {
    'private-key': (f) => [fixes.removeFile(at(f))],
    'empty-key': (f) => [fixes.removeFile(at(f))],
    'known-hosts': (f) => [fixes.removeFile(at(f))],
    // Links, FIFOs and empty files go; a user's ssh config is kept: it is no secret and may be wanted.
    'stray-special': (f) => [fixes.removeFile(at(f))],
    'stray-file': null,
    // The key lives where the link points, which may be an application's file: the vendor removes it.
    'private-key-link': null,
  },
  async run(host) {
    return { findings: await findInHomes(host, (home, owner) => inspectSshDir(host, home.path, owner)) };
  },
});
