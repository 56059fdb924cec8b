// sshd refuses every public key when the RevokedKeys file it names is missing or unreadable:
// an image that names one without shipping it locks every Droplet owner out.
import { firstSetting, readSshdConfig } from '../agent/facts/sshd-config.js';
import { couldNotCheck, problem } from '../agent/findings.js';
import { fileKind } from '../agent/host.js';
import { fixes } from '../agent/cleanup/actions.js';
import { at } from '../agent/fix-inputs.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';

export const sshConfig = defineCheck({
  id: 'ssh-config',
  title: 'sshd configuration usable',
  description: 'A RevokedKeys file named in sshd_config exists, as a regular file with mode 600.',
  explain: {
    looksAt: 'RevokedKeys in /etc/ssh/sshd_config and its Include files, then that file.',
    why: 'DigitalOcean\'s cleanup script and many hardening guides set RevokedKeys; if the file is missing sshd rejects every key, and nobody can log in to the Droplet.',
    manualFix: 'install -m 600 /dev/null /etc/ssh/revoked_keys (or the path sshd_config names).',
  },
  remedy: 'create the RevokedKeys file with mode 600: install -m 600 /dev/null FILE',
  severity: 'fail',
  codes: {
    'revoked-keys-missing': (f) => [fixes.createFile(at(f), 0o600)],
    'revoked-keys-mode': (f) => [fixes.setMode(at(f), 0o600)],
    // Something else at that path (a directory, a device) is the vendor's to replace.
    'revoked-keys-not-file': null,
  },
  async run(host) {
    const config = await readSshdConfig(host);
    const findings: Finding[] = [];
    const setting = firstSetting(config, 'revokedkeys');
    const path = setting?.args[0];
    if (!config.complete && !path) return { summary: 'could not read all of the sshd configuration', findings };
    if (!path || path === 'none') return { summary: 'sshd_config names no RevokedKeys file', findings };
    // sshd resolves a relative path against its working directory, which is /.
    const target = path.startsWith('/') ? path : `/${path}`;
    try {
      const stats = await host.stat(target);
      if (!stats) findings.push(problem('fail', 'revoked-keys-missing', `RevokedKeys file named in ${setting.file} does not exist: sshd would refuse every key`, target));
      else if (!stats.isFile()) findings.push(problem('fail', 'revoked-keys-not-file', `RevokedKeys file is a ${fileKind(stats)}`, target));
      else if ((stats.mode & 0o777) !== 0o600) findings.push(problem('fail', 'revoked-keys-mode', `RevokedKeys file has mode ${(stats.mode & 0o777).toString(8)}, not 600`, target));
    } catch (err) {
      findings.push(couldNotCheck(err, target));
    }
    return { findings };
  },
});
