// Facts only the running machine can tell (kernel, virtualisation, disk), from systeminformation.
// It is loaded lazily: a --root run, and any run that needs none of it, never pays for it.
import { release } from 'node:os';
import type { Host } from '../host.js';

type SystemInformation = typeof import('systeminformation');

function systemInformation(host: Host): Promise<SystemInformation> {
  return host.memo('systeminformation', async () => {
    const loaded = (await import('systeminformation')) as SystemInformation & { default?: SystemInformation };
    return loaded.default ?? loaded;
  });
}

export interface LiveFacts {
  kernel: string;
  virtualization: string | null;
  /** DigitalOcean's SMBIOS says "DigitalOcean" / "Droplet". */
  droplet: boolean;
  [key: string]: string | number | boolean | null;
}

export function liveFacts(host: Host): Promise<LiveFacts> {
  return host.memo('live-facts', async () => {
    const si = await systemInformation(host);
    // Only system() (DMI, virtualisation): osInfo() would start a dozen more processes (hostname,
    // dmesg, ip, ...) for its kernel, which is the running kernel's release that Node already has.
    const system = await si.system();
    return {
      kernel: release(),
      virtualization: system.virtual ? system.virtualHost || 'yes' : null,
      droplet: /digitalocean/i.test(system.manufacturer) || /droplet/i.test(system.model),
    };
  });
}
