// Reads an nft ruleset file with the files it includes, as `nft -f` would. Relative includes are
// looked up in /etc (nft's default include directory); a wildcard is honoured in the last
// component, as drop-in directories use it. Depth and count are bounded against include loops.
import { posix } from 'node:path';
import type { Host } from '../../host.js';
import { parseNftRuleset, type NftInputChain } from './nftables.js';

const MAX_DEPTH = 8;
const MAX_FILES = 64;

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

async function expand(host: Host, pattern: string): Promise<string[]> {
  const absolute = pattern.startsWith('/') ? pattern : posix.join('/etc', pattern);
  const base = posix.basename(absolute);
  if (!/[*?]/.test(base)) return [absolute];
  const dir = posix.dirname(absolute);
  const matcher = globToRegExp(base);
  return ((await host.list(dir)) ?? []).filter((name) => matcher.test(name)).map((name) => posix.join(dir, name));
}

/** The input chains of the file and its includes; null when the file itself does not exist. Throws UnreadableError. */
export async function readNftInputChains(host: Host, path: string): Promise<NftInputChain[] | null> {
  const chains: NftInputChain[] = [];
  let files = 0;
  const visit = async (file: string, depth: number): Promise<boolean> => {
    if (depth > MAX_DEPTH || ++files > MAX_FILES) return true;
    const text = await host.readText(file, { maxBytes: 4 * 1024 * 1024 });
    if (text === null) return false;
    const ruleset = parseNftRuleset(text);
    chains.push(...ruleset.inputChains);
    for (const include of ruleset.includes) for (const included of await expand(host, include)) await visit(included, depth + 1);
    return true;
  };
  return (await visit(path, 0)) ? chains : null;
}
