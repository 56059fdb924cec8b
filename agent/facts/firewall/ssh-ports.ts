// The TCP ports sshd will listen on in the image: what a firewall must let in. Port lines add up
// (sshd listens on each), and a ListenAddress with its own port adds that port too.
import type { Host } from '../../host.js';
import { readSshdConfig } from '../sshd-config.js';

export interface SshPorts {
  ports: number[];
}

function validPort(text: string | undefined): number | null {
  if (text === undefined || !/^\d+$/.test(text)) return null;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : null;
}

/** "0.0.0.0:2222" or "[::]:2222" carry a port; a bare IPv6 address does not. */
export function listenAddressPort(address: string): number | null {
  const match = /^\[[^\]]*\]:(\d+)$/.exec(address) ?? /^[^:[\]]+:(\d+)$/.exec(address);
  return validPort(match?.[1]);
}

/** An sshd_config that could not be read in full makes the check that asked `error` (through the host). */
export async function sshPorts(host: Host): Promise<SshPorts> {
  const config = await readSshdConfig(host);
  const ports = new Set<number>();
  for (const setting of config.settings) {
    if (setting.conditional) continue; // Port is not allowed in Match blocks anyway
    if (setting.keyword === 'port') {
      const port = validPort(setting.args[0]);
      if (port !== null) ports.add(port);
    } else if (setting.keyword === 'listenaddress') {
      const port = listenAddressPort(setting.args[0] ?? '');
      if (port !== null) ports.add(port);
    }
  }
  if (ports.size === 0) ports.add(22);
  return { ports: [...ports].sort((a, b) => a - b) };
}
