// Home directories as /etc/passwd names them (not assumed to be /home/NAME), each once.
import type { Host } from '../host.js';
import { readAccounts } from './accounts.js';

export interface HomeDirectory {
  /** Account names that share it (root and a system account may both use /root); empty for a
   * directory in /home that no account names (a deleted user's home still ships its files). */
  users: string[];
  /** The home resolved inside the target. */
  path: string;
  /** Why it could not be looked at, when it could not. */
  error?: string;
}

// Homes that are not a person's: nothing of theirs to find there, and walking / would be wrong.
const NOT_A_HOME = new Set(['/', '/nonexistent', '/dev/null', '/bin', '/sbin', '/usr/sbin', '/usr/bin', '/proc', '/sys', '/dev']);

/** How a report names whose home it is. */
export function ownerOf(home: HomeDirectory): string {
  return home.users.length > 0 ? home.users.join(', ') : `no account (${home.path})`;
}

/** Every existing home directory of any account (keys of a system account count too), and every
 * directory in /home. */
export function homeDirectories(host: Host): Promise<HomeDirectory[]> {
  return host.memo('homes', async () => {
    const { passwd } = await readAccounts(host);
    const byPath = new Map<string, HomeDirectory>();
    for (const entry of passwd) {
      if (!entry.home.startsWith('/') || NOT_A_HOME.has(entry.home)) continue;
      let path = entry.home;
      let error: string | undefined;
      try {
        path = host.canonical(entry.home);
        if (NOT_A_HOME.has(path)) continue;
        const stats = await host.stat(path);
        if (!stats?.isDirectory()) continue;
      } catch (err) {
        error = (err as Error).message;
      }
      const known = byPath.get(path);
      if (known) known.users.push(entry.name);
      else byPath.set(path, { users: [entry.name], path, ...(error ? { error } : {}) });
    }
    // Only real directories: a link in /home is either some account's home or nobody's files.
    for (const name of (await host.list('/home').catch(() => null)) ?? []) {
      if (!(await host.lstat(`/home/${name}`).catch(() => null))?.isDirectory()) continue;
      const path = host.canonical(`/home/${name}`);
      if (!byPath.has(path)) byPath.set(path, { users: [], path });
    }
    return [...byPath.values()];
  });
}
