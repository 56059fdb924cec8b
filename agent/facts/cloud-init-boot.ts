// Whether cloud-init will run at a Droplet's boot, from the image's own files: its systemd units
// (masked, or present but wanted by nothing) and `cloud-init=disabled` on the kernel command line
// its boot configuration gives. A Droplet whose cloud-init does not run gets no SSH key and no
// network configuration: it cannot be reached.
import { posix } from 'node:path';
import type { Host } from '../host.js';
import { enabledUnits } from './systemd-units.js';

// The stages of every cloud-init release since 0.7 (cloud-init.service became cloud-init-network
// and cloud-init-main came in 24.x): the ones the image has a unit file for must be wanted.
const STAGE_UNITS = ['cloud-init-local.service', 'cloud-init.service', 'cloud-init-network.service', 'cloud-init-main.service', 'cloud-config.service', 'cloud-final.service'];
const CMDLINE_FILES = ['/etc/default/grub', '/etc/kernel/cmdline', '/boot/grub/grub.cfg', '/boot/grub2/grub.cfg'];
const CMDLINE_DIRS: ReadonlyArray<[string, RegExp]> = [
  ['/etc/default/grub.d', /\.cfg$/],
  ['/boot/loader/entries', /\.conf$/],
];
const DISABLED_ON_CMDLINE = /(?:^|[\s"'=])cloud-init=disabled(?:[\s"']|$)/;
const MAX_BOOT_FILE = 4 * 1024 * 1024;

export interface CloudInitBoot {
  /** Stage units linked to /dev/null in /etc/systemd/system. */
  masked: string[];
  /** Stage units with a unit file that nothing wants at boot. */
  notWanted: string[];
  /** The boot configuration file that puts cloud-init=disabled on the kernel command line. */
  disabledOnCmdline?: string;
}

function disablesCloudInit(text: string): boolean {
  return text.split('\n').some((line) => !line.trimStart().startsWith('#') && DISABLED_ON_CMDLINE.test(line));
}

async function bootConfigFiles(host: Host): Promise<string[]> {
  const files = [...CMDLINE_FILES];
  for (const [dir, name] of CMDLINE_DIRS) {
    for (const entry of (await host.list(dir)) ?? []) if (name.test(entry)) files.push(posix.join(dir, entry));
  }
  return files;
}

/** Throws UnreadableError for a boot configuration file it cannot read (the check is then error). */
export async function cloudInitBoot(host: Host): Promise<CloudInitBoot> {
  const units = await enabledUnits(host);
  const masked = STAGE_UNITS.filter((unit) => units.masked.has(unit));
  const notWanted = STAGE_UNITS.filter((unit) => units.files.has(unit) && !units.links.has(unit));
  for (const file of await bootConfigFiles(host)) {
    const text = await host.readText(file, { maxBytes: MAX_BOOT_FILE });
    if (text !== null && disablesCloudInit(text)) return { masked, notWanted, disabledOnCmdline: file };
  }
  return { masked, notWanted };
}
