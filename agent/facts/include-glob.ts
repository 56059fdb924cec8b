// Include lines of sshd_config and of nft rulesets name files or glob(3) patterns; both programs
// honour a wildcard in the last component, as drop-in directories use it.
import { posix } from 'node:path';
import type { Host } from '../host.js';

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/**
 * The files an Include names, relative ones looked up in baseDir, matches in lexical order.
 * Throws UnreadableError when the directory of a pattern cannot be listed.
 */
export async function expandInclude(host: Host, pattern: string, baseDir: string): Promise<string[]> {
  const absolute = pattern.startsWith('/') ? pattern : posix.join(baseDir, pattern);
  const dir = posix.dirname(absolute);
  const base = posix.basename(absolute);
  if (!/[*?]/.test(base)) return [absolute];
  const matcher = globToRegExp(base);
  // As glob(3): a wildcard never matches a leading dot, so only a pattern starting with '.' finds dotfiles.
  const dotfiles = base.startsWith('.');
  const names = (await host.list(dir)) ?? [];
  return names.filter((name) => (dotfiles || !name.startsWith('.')) && matcher.test(name)).map((name) => posix.join(dir, name));
}
