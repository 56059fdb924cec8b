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
  /** Units that have a unit file (a package that was removed, not purged, leaves its wants link but not this). */
  files: Set<string>;
}

const UNIT_FILE = /\.(service|socket|target|timer|path|mount)$/;

/** Names in a directory; one that cannot be listed is recorded as unread (and read as empty). */
async function listOrUnread(host: Host, path: string, unread: (path: string, reason: unknown) => void): Promise<string[]> {
  try {
    return (await host.list(path)) ?? [];
  } catch (err) {
    unread(path, err);
    return [];
  }
}

export function enabledUnits(host: Host): Promise<EnabledUnits> {
  return host.fact('systemd-enabled-units', async (unread) => {
    const links = new Map<string, string[]>();
    const masked = new Set<string>();
    const files = new Set<string>();
    // On a merged-/usr image /lib links to usr/lib: read each real directory once.
    const seen = new Set<string>();
    for (const unitDir of UNIT_DIRS) {
      let real: string;
      try {
        real = host.canonical(unitDir);
      } catch (err) {
        unread(unitDir, err);
        continue;
      }
      if (seen.has(real)) continue;
      seen.add(real);
      for (const name of await listOrUnread(host, unitDir, unread)) {
        const path = posix.join(unitDir, name);
        if (/\.(wants|requires)$/.test(name)) {
          for (const unit of await listOrUnread(host, path, unread)) {
            const link = posix.join(path, unit);
            const known = links.get(unit) ?? [];
            if (!known.includes(link)) links.set(unit, [...known, link]);
          }
        } else if (UNIT_FILE.test(name)) {
          try {
            if (unitDir === '/etc/systemd/system' && (await host.lstat(path))?.isSymbolicLink() && host.canonical(path) === '/dev/null') masked.add(name);
            else files.add(name);
          } catch (err) {
            unread(path, err);
          }
        }
      }
    }
    for (const unit of masked) {
      links.delete(unit);
      files.delete(unit);
    }
    return { links, masked, files };
  });
}
