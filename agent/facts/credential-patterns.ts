// What a credential looks like: the token formats cloud, registry and source-hosting services
// publish, and the placeholders that look like secrets and are not (the tools' stores are in
// credential-stores.ts). Data only: agent/facts/credential-scan.ts reads files, checks/credentials.ts
// makes findings. Nothing here keeps a value beyond the call.
import { append } from '../append.js';

/** One secret found in a file: its line (1-based; null when the file has no lines, a database) and value. */
export interface SecretHit {
  line: number | null;
  value: string;
}

// ---------------------------------------------------------------------------------------------
// Placeholders

// Documentation examples: AWS's own key pair (docs.aws.amazon.com) is in countless READMEs.
const DOCUMENTED_EXAMPLES = new Set(['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'ASIAIOSFODNN7EXAMPLE']);
// Words that say a value is to be filled in, not a value.
const PLACEHOLDER_WORDS = /example|placeholder|changeme|change[-_]me|your[-_ ]?|redacted|dummy|sample|replace[-_]?me|fixme|todo|insert[-_]|<[^>]*>|\*\*\*|xxxx|\.\.\./i;
// Values that come from elsewhere at run time: ${VAR}, $VAR, {{ template }}, %(name)s, %VAR%.
const INDIRECT = /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$|^\{\{.*\}\}$|^%\(?[A-Za-z_][A-Za-z0-9_]*\)?s?%?$|^(?:env|file|secret|vault):/;
const EMPTY_WORDS = new Set(['', 'none', 'null', 'nil', 'false', 'true', 'undefined', '""', "''", 'password', 'secret', 'token', '-']);

/** A value that repeats one short unit (0000..., abcabc..., 0123456789abcdef0123...) is made up. */
function isRepetition(value: string): boolean {
  for (let unit = 1; unit <= 16 && unit * 2 <= value.length; unit++) {
    if (value.length % unit === 0 && value.slice(unit) === value.slice(0, -unit)) return true;
  }
  return false;
}

/** Empty, a documented example, a placeholder, a reference to something else, or too uniform to be real. */
export function isPlaceholder(raw: string): boolean {
  const value = unquote(raw);
  if (EMPTY_WORDS.has(value.toLowerCase())) return true;
  if (DOCUMENTED_EXAMPLES.has(value)) return true;
  if (PLACEHOLDER_WORDS.test(value) || INDIRECT.test(value)) return true;
  if (value.length >= 8 && (isRepetition(value) || new Set(value).size <= 3)) return true;
  return false;
}

/** A token of a fixed format (its prefix removed) that is a made-up example. */
function isPlaceholderBody(body: string): boolean {
  return isPlaceholder(body) || /(.)\1{7}/.test(body) || /0123456789|abcdefgh/i.test(body);
}

export function unquote(raw: string): string {
  const value = raw.trim();
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) return value.slice(1, -1).trim();
  return value;
}

// ---------------------------------------------------------------------------------------------
// Token formats, found in any text file of the scanned trees

export interface TokenPattern {
  kind: string;
  /** Literal parts of every match: a text without any of them is not searched with the regex. */
  needles: readonly string[];
  /** Global; group 1 is the value. */
  regex: RegExp;
  /** The value (group 1, or what `value` extracts after the match) is a made-up example. */
  placeholder: (value: string) => boolean;
  /** A private key: reported only where no other check owns keys (see credential-scan.ts). */
  privateKey?: boolean;
  /** Counts only when the same file also holds one of these (an AWS key id alone opens nothing). */
  companion?: { regex: RegExp; placeholder: (value: string) => boolean };
  /** The value when it is not group 1 (a PEM block's first body line, after its header). */
  value?: (text: string, matchEnd: number) => string | null;
}

const BASE64_LINE = /^[A-Za-z0-9+/=]{40,}$/;

/** The first base64 line within a few lines after a PEM header (encrypted keys have headers first). */
function pemBody(text: string, from: number): string | null {
  const lines = text.slice(from, from + 600).split('\n').slice(1, 6);
  for (const line of lines) {
    const trimmed = line.trim();
    if (BASE64_LINE.test(trimmed)) return trimmed;
    if (trimmed.startsWith('-----END')) return null;
  }
  return null;
}

// A secret access key: 40 base64 characters with both cases (a git SHA-1 is 40 lowercase hex).
const AWS_SECRET = /(?<![A-Za-z0-9/+])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/g;
const looksLikeAwsSecret = (value: string) => !isPlaceholderBody(value) && /[a-z]/.test(value) && /[A-Z]/.test(value) && /[0-9/+]/.test(value);

export const TOKEN_PATTERNS: readonly TokenPattern[] = [
  // docs.digitalocean.com/reference/api/: personal access (dop), OAuth (doo) and refresh (dor) tokens.
  { kind: 'DigitalOcean API token', needles: ['_v1_'], regex: /\b(do[opr]_v1_[a-f0-9]{64})(?![A-Za-z0-9])/g, placeholder: (v) => isPlaceholderBody(v.slice(7)) },
  {
    kind: 'AWS access key',
    needles: ['AKIA', 'ASIA'],
    regex: /(?:AKIA|ASIA)(?<![A-Z0-9](?:AKIA|ASIA))[A-Z0-9]{16}(?![A-Za-z0-9])/g,
    placeholder: (v) => isPlaceholder(v) || isPlaceholderBody(v.slice(4)),
    companion: { regex: AWS_SECRET, placeholder: (v) => !looksLikeAwsSecret(v) },
  },
  // github.blog 2021-04-05 "Behind GitHub's new authentication token formats".
  { kind: 'GitHub token', needles: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], regex: /\b(gh[pousr]_[A-Za-z0-9]{36,251})(?![A-Za-z0-9])/g, placeholder: (v) => isPlaceholderBody(v.slice(4)) },
  { kind: 'GitHub token', needles: ['github_pat_'], regex: /\b(github_pat_[A-Za-z0-9_]{50,240})(?![A-Za-z0-9_])/g, placeholder: (v) => isPlaceholderBody(v.slice(11)) },
  { kind: 'GitLab token', needles: ['glpat-'], regex: /\b(glpat-[A-Za-z0-9_-]{20,})(?![A-Za-z0-9_-])/g, placeholder: (v) => isPlaceholderBody(v.slice(6)) },
  { kind: 'Slack token', needles: ['xox'], regex: /\b(xox[abpors]-\d{6,}-[A-Za-z0-9-]{8,})(?![A-Za-z0-9-])/g, placeholder: (v) => isPlaceholderBody(v.slice(5)) },
  { kind: 'Stripe live secret key', needles: ['sk_live_'], regex: /\b(sk_live_[A-Za-z0-9]{20,})(?![A-Za-z0-9])/g, placeholder: (v) => isPlaceholderBody(v.slice(8)) },
  // A Google service-account key file (JSON): the key is one string with \n escapes.
  { kind: 'Google service-account key', needles: ['"private_key"'], regex: /"private_key"\s*:\s*"-----BEGIN [A-Z ]*PRIVATE KEY-----\\n([A-Za-z0-9+/=]{40,})/g, placeholder: isPlaceholderBody },
  { kind: 'Kubernetes client key', needles: ['client-key-data'], regex: /^[ \t]*client-key-data:[ \t]*([A-Za-z0-9+/=]{40,})[ \t]*\r?$/gm, placeholder: isPlaceholderBody },
  {
    kind: 'private key',
    needles: ['PRIVATE KEY'],
    regex: /^-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[ \t]*\r?$/gm,
    placeholder: isPlaceholderBody,
    privateKey: true,
    value: pemBody,
  },
];

// One pass over a file tells whether any pattern can match (most files hold none).
export const TOKEN_PREFILTER = /do[opr]_v1_|AKIA|ASIA|gh[pousr]_|github_pat_|glpat-|xox[abpors]-|sk_live_|"private_key"|client-key-data|-----BEGIN /;

/** The 1-based line of a character index. */
export const lineOf = (text: string, index: number): number => {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
};

// ---------------------------------------------------------------------------------------------
// Token scan of a text

export interface TokenHit {
  kind: string;
  line: number;
  value: string;
  privateKey: boolean;
}

/** Every token of TOKEN_PATTERNS in a text; `privateKeys` false leaves PEM keys to another check. */
export function findTokens(text: string, privateKeys: boolean): TokenHit[] {
  if (!TOKEN_PREFILTER.test(text)) return [];
  const hits: TokenHit[] = [];
  for (const pattern of TOKEN_PATTERNS) {
    if (pattern.privateKey && !privateKeys) continue;
    if (!pattern.needles.some((needle) => text.includes(needle))) continue;
    const found: TokenHit[] = [];
    pattern.regex.lastIndex = 0;
    for (let match = pattern.regex.exec(text); match !== null; match = pattern.regex.exec(text)) {
      const value = pattern.value ? pattern.value(text, match.index) : (match[1] ?? match[0]);
      if (value === null || pattern.placeholder(value)) continue;
      found.push({ kind: pattern.kind, line: lineOf(text, match.index), value, privateKey: pattern.privateKey === true });
    }
    // The companion is looked for only when there is something it would complete.
    if (found.length > 0 && (!pattern.companion || hasCompanion(text, pattern.companion))) append(hits, found);
  }
  return hits;
}

function hasCompanion(text: string, companion: NonNullable<TokenPattern['companion']>): boolean {
  companion.regex.lastIndex = 0;
  for (let match = companion.regex.exec(text); match !== null; match = companion.regex.exec(text)) {
    if (!companion.placeholder(match[1])) return true;
  }
  return false;
}
