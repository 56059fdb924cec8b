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

/** Drops "# ..." from where it starts a line or follows a blank (a '#' inside a word stays). */
function stripComment(line: string): string {
  const hash = /(^|\s)#/.exec(line);
  return hash ? line.slice(0, hash.index) : line;
}

/** `include "..."` at the start of a line. */
function includeOf(line: string): string | undefined {
  return /^\s*include\s+"([^"]+)"/.exec(line)?.[1];
}

/**
 * The body of every chain block, in one scan of the text: a brace opens a chain when the statement
 * before it names one ("chain input {"). Chains do not nest, so a chain left unclosed ends where
 * the next one starts; a body per chain running to the end of the text made a file of unclosed
 * chains quadratic.
 */
function chainBodies(text: string): string[] {
  const bodies: string[] = [];
  // One entry per open brace: does it open a chain?
  const braces: boolean[] = [];
  let open = -1; // the brace of the chain being read
  let statement = 0; // where the text before the next brace starts
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') {
      const isChain = /\bchain\s/.test(text.slice(statement, i));
      if (isChain && open >= 0) bodies.push(text.slice(open + 1, statement));
      if (isChain) open = i;
      braces.push(isChain);
    } else if (c === '}') {
      if (braces.pop() && open >= 0) {
        bodies.push(text.slice(open + 1, i));
        open = -1;
      }
    } else if (c !== ';' && c !== '\n') {
      continue;
    }
    statement = i + 1;
  }
  if (open >= 0) bodies.push(text.slice(open + 1));
  return bodies;
}

/** An input base chain: its policy and its rules; null for any other chain. */
function inputChain(body: string): NftInputChain | null {
  const statements = body.split(/[\n;]/).map((s) => s.trim()).filter(Boolean);
  if (!statements.some((s) => /^type\s+filter\s+hook\s+input\b/.test(s))) return null;
  const policy = /\bpolicy\s+drop\b/.test(body) ? 'drop' : 'accept';
  const rules = statements.filter((s) => !/^(type|policy|priority)\b/.test(s) && !/^(comment|devices)\s/.test(s));
  return { policy, rules };
}

// Line by line where a line is the unit: under /m, "^\s*include" let \s* run across newlines
// from every line start (quadratic on blank lines).
export function parseNftRuleset(text: string): NftRuleset {
  const lines = text.split('\n').map(stripComment);
  const includes = lines.map(includeOf).filter((include): include is string => include !== undefined);
  const inputChains = chainBodies(lines.join('\n'))
    .map(inputChain)
    .filter((chain): chain is NftInputChain => chain !== null);
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
