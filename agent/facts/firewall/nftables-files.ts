// Reads an nft ruleset file with the files it includes, as `nft -f` would. Relative includes are
// looked up in /etc (nft's default include directory); a wildcard is honoured in the last
// component, as drop-in directories use it. Depth and count are bounded against include loops.
import type { Host } from '../../host.js';
import { expandInclude } from '../include-glob.js';
import { parseNftRuleset, type NftInputChain } from './nftables.js';
import { append } from '../../append.js';

const MAX_DEPTH = 8;
const MAX_FILES = 64;

/** The input chains of the file and its includes; null when the file itself does not exist. Throws UnreadableError. */
export async function readNftInputChains(host: Host, path: string): Promise<NftInputChain[] | null> {
  const chains: NftInputChain[] = [];
  let files = 0;
  const visit = async (file: string, depth: number): Promise<boolean> => {
    if (depth > MAX_DEPTH || ++files > MAX_FILES) return true;
    const text = await host.readText(file, { maxBytes: 4 * 1024 * 1024 });
    if (text === null) return false;
    const ruleset = parseNftRuleset(text);
    append(chains, ruleset.inputChains);
    for (const include of ruleset.includes) for (const included of await expandInclude(host, include, '/etc')) await visit(included, depth + 1);
    return true;
  };
  return (await visit(path, 0)) ? chains : null;
}
