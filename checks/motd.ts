// DigitalOcean asks Marketplace images to greet users with a message about the application
// (where its files are, how to reach it): without one a Droplet owner starts with no guidance.
import { couldNotCheck, problem } from '../agent/findings.js';
import { defineCheck } from '../agent/check.js';
import { detectDistro } from '../distros/detect.js';

const UPDATE_MOTD = '/etc/update-motd.d';
// What Ubuntu and Debian ship in update-motd.d: not a vendor message.
const DISTRO_MOTD_SCRIPTS = new Set([
  '00-header', '10-help-text', '10-uname', '50-landscape-sysinfo', '50-motd-news', '85-fwupd', '88-esm-announce',
  '90-updates-available', '91-contract-ua-esm-status', '91-release-upgrade', '92-unattended-upgrades', '95-hwe-eol',
  '97-overlayroot', '98-fsck-at-reboot', '98-reboot-required', '99-esm',
]);
// What EL packages drop into /etc/motd.d (cockpit, Red Hat Insights): not a vendor message either.
const DISTRO_MOTD_DROP_INS = new Set(['cockpit', 'insights-client']);
// Debian's stock /etc/motd begins with this; it is the distribution's, not the vendor's.
const DEBIAN_STOCK_MOTD = 'The programs included with the Debian GNU/Linux system are free software';

export const motd = defineCheck({
  id: 'motd',
  title: 'Vendor message of the day',
  description: 'A vendor message greets users: a script in /etc/update-motd.d (Debian family) or /etc/motd, /etc/motd.d.',
  explain: {
    looksAt: `${UPDATE_MOTD} for scripts the distribution does not ship, /etc/motd (other than the distribution's stock text) and /etc/motd.d.`,
    why: "DigitalOcean's Marketplace guidelines ask for a message of the day that tells the Droplet owner about the application: where it is, how to log in to it, where its documentation is.",
    manualFix: `Add an executable script such as ${UPDATE_MOTD}/99-one-click (Debian family), or write /etc/motd.`,
  },
  remedy: `add a vendor message: an executable ${UPDATE_MOTD}/99-one-click script or /etc/motd`,
  severity: 'warn',
  codes: { 'no-motd': null },
  async run(host) {
    try {
      const distro = await detectDistro(host);
      const scripts = ((await host.list(UPDATE_MOTD)) ?? []).filter((name) => !DISTRO_MOTD_SCRIPTS.has(name));
      if (scripts.length > 0) return { summary: `vendor message in ${UPDATE_MOTD}/${scripts[0]}`, findings: [] };
      const motdText = (await host.readText('/etc/motd', { maxBytes: 64 * 1024, head: true }))?.trim() ?? '';
      if (motdText !== '' && !motdText.includes(DEBIAN_STOCK_MOTD)) return { summary: 'vendor message in /etc/motd', findings: [] };
      const dropIns = ((await host.list('/etc/motd.d')) ?? []).filter((name) => !DISTRO_MOTD_DROP_INS.has(name));
      if (dropIns.length > 0) return { summary: `vendor message in /etc/motd.d/${dropIns[0]}`, findings: [] };
      const where = distro.family === 'debian' ? `${UPDATE_MOTD} or /etc/motd` : '/etc/motd';
      return { findings: [problem('warn', 'no-motd', `no vendor message of the day in ${where}`)] };
    } catch (err) {
      return { findings: [couldNotCheck(err)] };
    }
  },
});
