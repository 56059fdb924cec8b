// Droplet owners reach their machine over SSH; sftp is how most of them copy files to it.
import { problem } from '../agent/findings.js';
import { readSshdConfig } from '../agent/facts/sshd-config.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';
import { lookupPackage } from '../distros/package-adapter.js';

export const opensshServer = defineCheck({
  id: 'openssh-server',
  title: 'OpenSSH server installed',
  description: 'openssh-server is installed and its configuration (with Include drop-ins) enables the sftp subsystem.',
  explain: {
    looksAt: 'The package database for openssh-server, and /etc/ssh/sshd_config with every file it Includes for a "Subsystem sftp" line.',
    why: 'Without an SSH server a Droplet cannot be reached at all; without sftp, scp (which uses sftp since OpenSSH 9) and file managers fail.',
    manualFix: 'Install openssh-server and add "Subsystem sftp /usr/lib/openssh/sftp-server" (Debian family) or "Subsystem sftp /usr/libexec/openssh/sftp-server" (EL) to sshd_config.',
  },
  remedy: 'install openssh-server and enable the sftp subsystem in sshd_config',
  severity: 'fail',
  codes: { missing: null, 'no-config': null, 'no-sftp': null },
  async run(host) {
    const lookup = await lookupPackage(host, 'openssh-server');
    if (!lookup.known) return { status: 'error', summary: `cannot tell whether openssh-server is installed: ${lookup.reason}`, findings: [] };
    if (!lookup.installed) {
      const finding = problem('fail', 'missing', 'the openssh-server package is not installed');
      return { summary: finding.message, findings: [finding] };
    }
    const config = await readSshdConfig(host);
    const findings: Finding[] = [];
    // What an unreadable configuration says about sftp is unknown: the engine reports it as error.
    const readable = config.complete;
    const sftp = config.settings.some((s) => s.keyword === 'subsystem' && s.args[0] === 'sftp' && !s.conditional);
    if (readable && !config.mainFile) findings.push(problem('warn', 'no-config', 'sshd has no configuration file', '/etc/ssh/sshd_config'));
    else if (readable && !sftp) findings.push(problem('warn', 'no-sftp', 'sshd_config enables no sftp subsystem', config.mainFile ?? undefined));
    return { summary: findings[0]?.message ?? `openssh-server ${lookup.installed.version} is installed with sftp`, findings };
  },
});
