// An authorized key in the image lets its owner into every Droplet made from it. Keys are named
// by type and SHA256 fingerprint (as `ssh-keygen -lf` prints them), never shown.
import { authorizedKeysFiles } from '../agent/facts/authorized-keys-files.js';
import { parseAuthorizedKeys } from '../agent/facts/ssh-keys.js';
import { couldNotCheck, problem } from '../agent/findings.js';
import { fileKind } from '../agent/host.js';
import type { CheckModule, Finding } from '../agent/types.js';
import { PHASE } from '../agent/cleanup/actions.js';
import { actionsFromFindings } from '../agent/cleanup/from-findings.js';

const MAX_KEYS_FILE = 4 * 1024 * 1024;

export const sshAuthorizedKeys: CheckModule = {
  id: 'ssh-authorized-keys',
  title: 'No authorized SSH keys',
  description: 'No account (root, regular or system) has an authorized_keys file with a key in it.',
  explain: {
    looksAt: 'The authorized_keys files of every account with a home directory in /etc/passwd (wherever that home is), at the default paths and at every AuthorizedKeysFile path of sshd_config and its Include files.',
    why: 'A key left in the image (often the builder\'s own, or Packer\'s temporary key) gives its holder a login on every Droplet made from it. The Droplet owner\'s keys are added by cloud-init at first boot.',
    manualFix: 'Remove the files named (rm -f /root/.ssh/authorized_keys and the others), or empty them.',
    limits: 'AuthorizedKeysCommand (keys served by a program) is not inspected. Symbolic links are reported, not followed.',
  },
  remedy: 'remove the authorized_keys files named above',
  severity: 'fail',
  fixable: true,
  appliesTo: () => true,
  async run(host) {
    const { files, errors } = await authorizedKeysFiles(host);
    const findings: Finding[] = errors.map((error) => couldNotCheck(error));
    for (const { path, users } of files) {
      const owner = users.join(', ');
      try {
        const stats = await host.lstat(path);
        if (!stats) continue;
        if (!stats.isFile()) {
          findings.push(problem('warn', 'not-a-file', `authorized keys file of ${owner} is a ${fileKind(stats)} (not followed)`, path));
          continue;
        }
        const content = await host.readText(path, { maxBytes: MAX_KEYS_FILE, follow: false });
        for (const line of parseAuthorizedKeys(content ?? '')) {
          if (line.kind === 'key') {
            const { type, bits, fingerprint } = line.key;
            // Options (command=, from=...) restrict the key but it still ships and still opens a session.
            const restricted = line.hasOptions ? ' (restricted by options)' : '';
            findings.push(problem('fail', 'authorized-key', `line ${line.line}: ${bits ?? '?'} ${fingerprint} (${type}) lets its holder log in as ${owner}${restricted}`, path));
          } else {
            findings.push(problem('warn', 'unparsable-line', `line ${line.line} of the authorized keys of ${owner} is not a key sshd can use`, path));
          }
        }
      } catch (err) {
        findings.push(couldNotCheck(err, path));
      }
    }
    return { findings };
  },
  // The whole file goes (cloud-init writes the Droplet owner's keys at first boot); a file with
  // several keys is planned once.
  plan: (_host, report) => {
    const remove = (f: Finding) => ({ kind: 'remove-file' as const, path: f.path, phase: PHASE.ssh });
    const actions = actionsFromFindings(report, { 'authorized-key': remove, 'unparsable-line': remove, 'not-a-file': remove });
    const seen = new Set<string | undefined>();
    return actions.filter((action) => !seen.has(action.path) && seen.add(action.path));
  },
};
