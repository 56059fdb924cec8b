// Which units the image enables at boot, read from the symlinks `systemctl enable` leaves in
// *.wants/ and *.requires/ directories: works on a mounted image, where systemctl cannot ask.
import { posix } from 'node:path';
import type { Host } from '../host.js';

const UNIT_DIRS = ['/etc/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];

export interface EnabledUnits {
  /** unit name -> the wants/requires links that enable it. */
  links: Map<string, string[]>;
  /** Units masked in /etc/systemd/system (linked to /dev/null). */
  masked: Set<string>;
}

/** A unit directory with its links resolved; null for a link loop, which could not be listed anyway. */
function canonicalOrNull(host: Host, path: string): string | null {
  try {
    return host.canonical(path);
  } catch {
    return null;
  }
}

export function enabledUnits(host: Host): Promise<EnabledUnits> {
  return host.memo('systemd-enabled-units', async () => {
    const links = new Map<string, string[]>();
    const masked = new Set<string>();
    // On a merged-/usr image /lib links to usr/lib: read each real directory once.
    const seen = new Set<string>();
    for (const unitDir of UNIT_DIRS) {
      const real = canonicalOrNull(host, unitDir);
      if (real === null || seen.has(real)) continue;
      seen.add(real);
      for (const name of (await host.list(unitDir).catch(() => null)) ?? []) {
        const path = posix.join(unitDir, name);
        if (/\.(wants|requires)$/.test(name)) {
          for (const unit of (await host.list(path).catch(() => null)) ?? []) {
            const link = posix.join(path, unit);
            const known = links.get(unit) ?? [];
            if (!known.includes(link)) links.set(unit, [...known, link]);
          }
        } else if (unitDir === '/etc/systemd/system' && (await host.lstat(path).catch(() => null))?.isSymbolicLink() && host.canonical(path) === '/dev/null') {
          masked.add(name);
        }
      }
    }
    for (const unit of masked) links.delete(unit);
    return { links, masked };
  });
}
