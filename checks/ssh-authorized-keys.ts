// An authorized key in the image lets its owner into every Droplet made from it. Keys are named
// by type and SHA256 fingerprint (as `ssh-keygen -lf` prints them), never shown.
import { authorizedKeysFiles } from '../agent/facts/authorized-keys-files.js';
import { parseAuthorizedKeysLine } from '../agent/facts/ssh-keys.js';
import { couldNotCheck, problem } from '../agent/findings.js';
import { fileKind, type Host } from '../agent/host.js';
import { fixes } from '../agent/cleanup/actions.js';
import { at } from '../agent/fix-inputs.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';
import { append } from '../agent/append.js';

/**
 * The keys sshd would accept from one file. A link is followed inside the image, as sshd follows
 * it (the fix removes the link, never its target); the file is read whole, however large.
 */
async function inspectKeysFile(host: Host, path: string, owner: string): Promise<Finding[]> {
  const stats = await host.lstat(path);
  if (!stats) return [];
  const link = stats.isSymbolicLink() ? host.canonical(path) : undefined;
  const target = link === undefined ? stats : await host.stat(path);
  if (!target?.isFile()) {
    const what = link === undefined ? `a ${fileKind(stats)}` : `a symbolic link to ${link}${target ? `, a ${fileKind(target)}` : ', which does not exist'}`;
    return [problem('warn', 'not-a-file', `authorized keys file of ${owner} is ${what}`, path)];
  }
  const through = link === undefined ? '' : ` (through a link to ${link})`;
  const findings: Finding[] = [];
  await host.readLines(path, (text, number) => {
    const line = parseAuthorizedKeysLine(text, number);
    if (line?.kind === 'key') {
      const { type, bits, fingerprint } = line.key;
      // Options (command=, from=...) restrict the key but it still ships and still opens a session.
      const restricted = line.hasOptions ? ' (restricted by options)' : '';
      findings.push(problem('fail', 'authorized-key', `line ${number}: ${bits ?? '?'} ${fingerprint} (${type}) lets its holder log in as ${owner}${restricted}${through}`, path));
    } else if (line) {
      findings.push(problem('warn', 'unparsable-line', `line ${number} of the authorized keys of ${owner} is not a key sshd can use${through}`, path));
    }
  });
  return findings;
}

export const sshAuthorizedKeys = defineCheck({
  id: 'ssh-authorized-keys',
  title: 'No authorized SSH keys',
  description: 'No account (root, regular or system) has an authorized_keys file with a key in it.',
  explain: {
    looksAt: 'The authorized_keys files of every account with a home directory in /etc/passwd (wherever that home is), at the default paths and at every AuthorizedKeysFile path of sshd_config and its Include files.',
    why: 'A key left in the image (often the builder\'s own, or Packer\'s temporary key) gives its holder a login on every Droplet made from it. The Droplet owner\'s keys are added by cloud-init at first boot.',
    manualFix: 'Remove the files named (rm -f /root/.ssh/authorized_keys and the others), or empty them.',
    limits: 'AuthorizedKeysCommand (keys served by a program) is not inspected. A symbolic link is followed inside the image, as sshd follows it; cleanup removes the link, not its target.',
  },
  remedy: 'remove the authorized_keys files named above',
  severity: 'fail',
  codes: {
    // The whole file goes (cloud-init writes the Droplet owner's keys at first boot).
    'authorized-key': (f) => [fixes.removeFile(at(f))],
    'unparsable-line': (f) => [fixes.removeFile(at(f))],
    'not-a-file': (f) => [fixes.removeFile(at(f))],
  },
  async run(host) {
    const findings: Finding[] = [];
    for (const { path, users } of await authorizedKeysFiles(host)) {
      try {
        append(findings, await inspectKeysFile(host, path, users.join(', ')));
      } catch (err) {
        findings.push(couldNotCheck(err, path));
      }
    }
    return { findings };
  },
});
