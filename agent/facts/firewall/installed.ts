// A firewall runs at boot only when its unit is wanted, not masked, has a unit file, and its
// program is there: `dpkg -r ufw` (not purged) leaves ufw.conf and a dangling wants link behind,
// and such an image has no firewall at all.
import type { Host } from '../../host.js';
import type { EnabledUnits } from '../systemd-units.js';

/** The programs each firewall unit runs (any one of them present counts; /sbin may link to /usr/sbin). */
const PROGRAMS: Readonly<Record<string, readonly string[]>> = {
  'ufw.service': ['/usr/sbin/ufw', '/sbin/ufw', '/lib/ufw/ufw-init', '/usr/lib/ufw/ufw-init'],
  'firewalld.service': ['/usr/sbin/firewalld', '/sbin/firewalld'],
  'nftables.service': ['/usr/sbin/nft', '/sbin/nft'],
  'netfilter-persistent.service': ['/usr/sbin/netfilter-persistent', '/sbin/netfilter-persistent'],
  'iptables.service': ['/usr/libexec/iptables/iptables.init', '/usr/sbin/iptables-restore', '/sbin/iptables-restore'],
  'csf.service': ['/usr/sbin/csf', '/sbin/csf'],
  'lfd.service': ['/usr/sbin/lfd', '/sbin/lfd'],
};

export interface FirewallUnits {
  /** Wanted at boot, not masked, with a unit file and a program: these run at boot. */
  usable: Set<string>;
  /** Wanted at boot but without a unit file or program (a removed package): these do not. */
  missing: { unit: string; link: string }[];
}

export async function firewallUnits(host: Host, units: EnabledUnits): Promise<FirewallUnits> {
  const usable = new Set<string>();
  const missing: FirewallUnits['missing'] = [];
  for (const [unit, programs] of Object.entries(PROGRAMS)) {
    const links = units.links.get(unit);
    if (!links || units.masked.has(unit)) continue;
    let program = false;
    for (const path of programs) if ((await host.stat(path))?.isFile()) program = true;
    if (units.files.has(unit) && program) usable.add(unit);
    else missing.push({ unit, link: links[0] });
  }
  return { usable, missing };
}
