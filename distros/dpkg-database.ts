// The dpkg database of the target, read directly from /var/lib/dpkg/status (same code live and --root).
import type { Host } from '../agent/host.js';
import { parseDpkgStatus } from './dpkg-status.js';
import type { PackageDatabase } from './package-adapter.js';

export async function readDpkgDatabase(host: Host): Promise<PackageDatabase> {
  try {
    const status = await host.readText('/var/lib/dpkg/status');
    if (status === null) return { available: false, reason: '/var/lib/dpkg/status does not exist' };
    return { available: true, installed: parseDpkgStatus(status) };
  } catch (err) {
    return { available: false, reason: (err as Error).message };
  }
}
