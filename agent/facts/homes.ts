// Home directories as /etc/passwd names them (not assumed to be /home/NAME), each once.
import type { Dirent } from 'node:fs';
import { couldNotCheck } from '../findings.js';
import { kindOfDirent, type Host } from '../host.js';
import type { Finding } from '../types.js';
import { readAccounts } from './accounts.js';
import { append } from '../append.js';

export interface HomeDirectory {
  /** Account names that share it (root and a system account may both use /root); empty for a
   * directory in /home that no account names (a deleted user's home still ships its files). */
  users: string[];
  /** The home resolved inside the target. */
  path: string;
}

// Homes that are not a person's: nothing of theirs to find there, and walking / would be wrong.
const NOT_A_HOME = new Set(['/', '/nonexistent', '/dev/null', '/bin', '/sbin', '/usr/sbin', '/usr/bin', '/proc', '/sys', '/dev']);

/** How a report names whose home it is. */
function ownerOf(home: HomeDirectory): string {
  return home.users.length > 0 ? home.users.join(', ') : `no account (${home.path})`;
}

/** Every existing home directory of any account (keys of a system account count too), and every
 * directory in /home. A home that cannot be looked at is recorded as unread. */
export function homeDirectories(host: Host): Promise<HomeDirectory[]> {
  return host.fact('homes', async (unread) => {
    const { passwd } = await readAccounts(host);
    const byPath = new Map<string, HomeDirectory>();
    for (const entry of passwd) {
      if (!entry.home.startsWith('/') || NOT_A_HOME.has(entry.home)) continue;
      let path: string;
      try {
        path = host.canonical(entry.home);
        if (NOT_A_HOME.has(path)) continue;
        if (!(await host.stat(path))?.isDirectory()) continue;
      } catch (err) {
        unread(entry.home, err);
        continue;
      }
      const known = byPath.get(path);
      if (known) known.users.push(entry.name);
      else byPath.set(path, { users: [entry.name], path });
    }
    // Only real directories: a link in /home is either some account's home or nobody's files. The
    // listing says which entries are directories (no lstat for each of 10,000 homes).
    let entries: readonly Dirent[] = [];
    let homes = '/home';
    try {
      entries = (await host.listEntries('/home')) ?? [];
      homes = host.canonical('/home');
    } catch (err) {
      unread('/home', err);
    }
    for (const entry of entries) {
      const path = `${homes === '/' ? '' : homes}/${entry.name}`;
      try {
        const isDirectory = entry.isDirectory() || (kindOfDirent(entry) === null && (await host.lstat(path))?.isDirectory() === true);
        if (isDirectory && !byPath.has(path)) byPath.set(path, { users: [], path });
      } catch (err) {
        unread(`/home/${entry.name}`, err);
      }
    }
    return [...byPath.values()];
  });
}

/**
 * Runs `inspect` on every home; what it cannot read in one home becomes that home's error finding
 * and the other homes are still looked at. Shared by the checks that search homes.
 */
export async function findInHomes(host: Host, inspect: (home: HomeDirectory, owner: string) => Promise<Finding[]>): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const home of await homeDirectories(host)) {
    try {
      append(findings, await inspect(home, ownerOf(home)));
    } catch (err) {
      findings.push(couldNotCheck(err, home.path));
    }
  }
  return findings;
}
