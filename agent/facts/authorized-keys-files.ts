// Which authorized_keys files sshd would read: AuthorizedKeysFile patterns (default
// ".ssh/authorized_keys .ssh/authorized_keys2") expanded for every account with a home directory,
// and absolute patterns that do not use %h for every account, home or not.
import { posix } from 'node:path';
import type { Host } from '../host.js';
import { readAccounts } from './accounts.js';
import { homeDirectories } from './homes.js';
import { allSettings, readSshdConfig } from './sshd-config.js';

const DEFAULT_PATTERNS = ['.ssh/authorized_keys', '.ssh/authorized_keys2'];

export interface KeysFileCandidate {
  path: string;
  users: string[];
}

/** sshd's tokens: %h home, %u user name, %U uid, %% a percent sign. */
function expandPattern(pattern: string, user: string, uid: number, home: string): string {
  const expanded = pattern.replace(/%([%hUu])/g, (_, token: string) => ({ '%': '%', h: home, u: user, U: String(uid) })[token] ?? '');
  return expanded.startsWith('/') ? posix.normalize(expanded) : posix.join(home, expanded);
}

/** Relative patterns and %h need the account's home; an absolute one such as /etc/ssh/keys/%u does not. */
function needsHome(pattern: string): boolean {
  return !pattern.startsWith('/') || [...pattern.matchAll(/%([%hUu])/g)].some((token) => token[1] === 'h');
}

export function authorizedKeysFiles(host: Host): Promise<KeysFileCandidate[]> {
  return host.memo('authorized-keys-files', async () => {
    const config = await readSshdConfig(host);
    const settings = allSettings(config, 'authorizedkeysfile');
    const patterns = new Set(settings.length > 0 ? settings.flatMap((s) => s.args).filter((p) => p !== 'none') : DEFAULT_PATTERNS);
    // Keys under the defaults are found even when the config moved them elsewhere: they ship all the same.
    for (const pattern of DEFAULT_PATTERNS) patterns.add(pattern);
    const { passwd } = await readAccounts(host);
    const uids = new Map(passwd.map((entry) => [entry.name, entry.uid]));
    const homes = await homeDirectories(host);
    const files = new Map<string, KeysFileCandidate>();
    const add = (path: string, user: string) => {
      const known = files.get(path);
      if (known) {
        if (!known.users.includes(user)) known.users.push(user);
      } else files.set(path, { path, users: [user] });
    };
    for (const home of homes) {
      for (const user of home.users) {
        const uid = uids.get(user) ?? -1;
        for (const pattern of patterns) if (needsHome(pattern)) add(expandPattern(pattern, user, uid, home.path), user);
      }
    }
    // sshd reads these even for an account whose home is /nonexistent or missing.
    for (const entry of passwd) {
      for (const pattern of patterns) if (!needsHome(pattern)) add(expandPattern(pattern, entry.name, entry.uid, ''), entry.name);
    }
    return [...files.values()];
  });
}
