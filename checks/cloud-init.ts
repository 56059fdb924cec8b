// DigitalOcean provisions Droplets (SSH keys, network, hostname, user data) through cloud-init.
import { cloudInitBoot } from '../agent/facts/cloud-init-boot.js';
import { problem } from '../agent/findings.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';
import { lookupPackage, upstreamVersion } from '../distros/package-adapter.js';
import semver from 'semver';

// DigitalOcean's image guide: 0.7.6 at least, 0.7.9 or newer recommended.
const MINIMUM = '0.7.6';
const RECOMMENDED = '0.7.9';
const DISABLED_MARKER = '/etc/cloud/cloud-init.disabled';
const UNIT_DIR = '/etc/systemd/system';

export const cloudInit = defineCheck({
  id: 'cloud-init',
  title: 'cloud-init installed and recent',
  description: `cloud-init is installed from a package, at version ${MINIMUM} or newer (${RECOMMENDED} recommended), and runs at boot (not disabled, masked or off the kernel command line).`,
  explain: {
    looksAt: `The package database (/var/lib/dpkg/status, or the rpm database) for the cloud-init package and its version; ${DISABLED_MARKER}; its systemd units (cloud-init-local, cloud-init or cloud-init-network, cloud-init-main, cloud-config, cloud-final): masked, or with a unit file but wanted by nothing; and cloud-init=disabled in the kernel command line of /etc/default/grub(.d), /boot/grub*/grub.cfg, /etc/kernel/cmdline and /boot/loader/entries.`,
    why: 'A Droplet gets its SSH keys, network configuration and user data from cloud-init; without it, or with a version older than 0.7.6, the Droplet cannot be reached.',
    manualFix: 'Install the distribution\'s cloud-init package (apt-get install cloud-init / dnf install cloud-init), remove /etc/cloud/cloud-init.disabled, `systemctl unmask` and `systemctl enable` its units, and take cloud-init=disabled off the kernel command line (then update-grub).',
    limits: 'A cloud-init installed from source (not in the package database) is reported as missing.',
  },
  remedy: 'install the cloud-init package of the distribution',
  severity: 'fail',
  codes: { missing: null, 'unknown-version': null, 'too-old': null, old: null, disabled: null, 'unit-masked': null, 'unit-not-enabled': null, 'kernel-disabled': null },
  async run(host) {
    const lookup = await lookupPackage(host, 'cloud-init');
    if (!lookup.known) return { status: 'error', summary: `cannot tell whether cloud-init is installed: ${lookup.reason}`, findings: [] };
    if (!lookup.installed) {
      const finding = problem('fail', 'missing', 'the cloud-init package is not installed');
      return { summary: finding.message, findings: [finding] };
    }
    const { version } = lookup.installed;
    const upstream = upstreamVersion(version);
    const findings: Finding[] = [];
    if (!upstream) findings.push(problem('warn', 'unknown-version', `cannot read the cloud-init version '${version}'`));
    else if (semver.lt(upstream, MINIMUM)) findings.push(problem('fail', 'too-old', `cloud-init ${version} is older than ${MINIMUM}`));
    else if (semver.lt(upstream, RECOMMENDED)) findings.push(problem('warn', 'old', `cloud-init ${version} is older than the recommended ${RECOMMENDED}`));
    if (await host.lstat(DISABLED_MARKER)) {
      findings.push(problem('fail', 'disabled', 'cloud-init is disabled: Droplets would boot without their SSH keys and network', DISABLED_MARKER));
    }
    const boot = await cloudInitBoot(host);
    for (const unit of boot.masked) findings.push(problem('fail', 'unit-masked', `${unit} is masked: cloud-init would not run at boot`, `${UNIT_DIR}/${unit}`));
    for (const unit of boot.notWanted) findings.push(problem('fail', 'unit-not-enabled', `${unit} is not enabled at boot: cloud-init would not run it`));
    if (boot.disabledOnCmdline) {
      findings.push(problem('fail', 'kernel-disabled', 'cloud-init=disabled is on the kernel command line: cloud-init would not run at boot', boot.disabledOnCmdline));
    }
    return { summary: findings[0]?.message ?? `cloud-init ${version} is installed and runs at boot`, findings };
  },
});
