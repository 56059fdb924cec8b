// An nft ruleset file as nftables.service loads it (nft -f). Only what decides "is this a
// firewall, and might it drop SSH" is read: the base chains hooked on input, their policy, and
// whether any rule names the SSH port. nft's full semantics (sets, maps, jumps, verdict order)
// are not evaluated.
import { anyPortIncluded } from './ports.js';

export interface NftInputChain {
  policy: 'accept' | 'drop';
  /** The chain's statements other than its type line. */
  rules: string[];
}

export interface NftRuleset {
  inputChains: NftInputChain[];
  /** include "..." targets, as written (nft resolves them; the caller reads them). */
  includes: string[];
}

function stripComments(text: string): string {
  return text.split('\n').map((line) => line.replace(/(^|\s)#.*$/, '')).join('\n');
}

/** The text between the brace at `open` and its match. */
function blockBody(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

export function parseNftRuleset(text: string): NftRuleset {
  const clean = stripComments(text);
  const includes = [...clean.matchAll(/^\s*include\s+"([^"]+)"/gm)].map((m) => m[1]);
  const inputChains: NftInputChain[] = [];
  for (const match of clean.matchAll(/\bchain\s+[^{;\n]*\{/g)) {
    const body = blockBody(clean, (match.index ?? 0) + match[0].length - 1);
    const statements = body.split(/[\n;]/).map((s) => s.trim()).filter(Boolean);
    const typeLine = statements.find((s) => /^type\s+filter\s+hook\s+input\b/.test(s));
    if (!typeLine) continue;
    const policy = /\bpolicy\s+drop\b/.test(body) ? 'drop' : 'accept';
    const rules = statements.filter((s) => !/^(type|policy|priority)\b/.test(s) && !/^(comment|devices)\s/.test(s));
    inputChains.push({ policy, rules });
  }
  return { inputChains, includes };
}

/** Does any rule name one of the ports after "dport" ("tcp dport 22", "dport { 22, 443 }", "dport ssh")? */
export function nftMentionsPort(rules: readonly string[], ports: readonly number[]): boolean {
  return rules.some((rule) =>
    [...rule.matchAll(/\bdport\s+(?:\{([^}]*)\}|(\S+))/g)].some((m) => anyPortIncluded((m[1] ?? m[2]).replace(/\s+/g, ''), ports)),
  );
}

/** A chain that drops what no rule accepted: policy drop, or a bare "drop"/"reject" rule. */
export function nftDropsByDefault(chain: NftInputChain): boolean {
  return chain.policy === 'drop' || chain.rules.some((rule) => /^(counter\s+)?(drop|reject)\b/.test(rule));
}
