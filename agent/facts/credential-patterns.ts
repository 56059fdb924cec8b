// What a credential looks like: the known stores of cloud, registry and source-hosting tools (by
// where they live and how they hold a secret), the token formats those services publish, and the
// placeholders that look like secrets and are not. Data only: agent/facts/credential-scan.ts reads
// files, checks/credentials.ts makes findings. Nothing here ever keeps a value beyond the call.

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

// ---------------------------------------------------------------------------------------------
// Credential stores: where tools keep what a login left

export interface CredentialStore {
  kind: string;
  /** Where it is in a home (relative; `*` is one directory level). The home scan reads only these and top-level files. */
  homePaths: readonly string[];
  /** Its path anywhere in the scanned trees (homes too). */
  match: RegExp;
  /** The secrets it holds (empty: no finding). */
  secrets: (text: string) => SecretHit[];
  /** The file holds nothing but credentials, so cleanup may remove it; otherwise it is reported only. */
  onlyCredentials: boolean | ((text: string) => boolean);
  /** A database file: searched as bytes, never skipped as binary. */
  binary?: boolean;
}

const lineOf = (text: string, index: number): number => {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
};

const meaningful = (line: string) => line.trim() !== '' && !/^\s*[#;]/.test(line);

const KEY_LINE = {
  '=': /^\s*([^=#;\s][^=]*?)\s*=\s*(.*?)\s*\r?$/,
  ':': /^\s*(?:-\s+)?([^:#\s][^:]*?)\s*:\s*(.*?)\s*\r?$/,
  // configparser (.pypirc) takes either.
  '=:': /^\s*([^=:#;\s][^=:]*?)\s*[=:]\s*(.*?)\s*\r?$/,
} as const;

/** `key = value` (INI, .npmrc) or `key: value` (YAML) lines whose key matches. */
function keyValues(keys: RegExp, separator: keyof typeof KEY_LINE): (text: string) => SecretHit[] {
  const shape = KEY_LINE[separator];
  return (text) => {
    const hits: SecretHit[] = [];
    text.split('\n').forEach((line, index) => {
      const match = shape.exec(line);
      if (!match || !keys.test(match[1])) return;
      const value = unquote(match[2].replace(/\s+[#;].*$/, ''));
      if (!isPlaceholder(value)) hits.push({ line: index + 1, value });
    });
    return hits;
  };
}

/** Values of `"key": "value"` pairs whose key matches, pretty-printed or on one line. */
function jsonStrings(keys: RegExp): (text: string) => SecretHit[] {
  return (text) => {
    const hits: SecretHit[] = [];
    const pair = /"([^"\\]{1,64})"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
    for (let match = pair.exec(text); match !== null; match = pair.exec(text)) {
      if (keys.test(match[1]) && !isPlaceholder(match[2])) hits.push({ line: lineOf(text, match.index), value: match[2] });
    }
    return hits;
  };
}

/** The values under a YAML mapping key (doctl's auth-contexts: name -> token). */
function yamlSection(section: string): (text: string) => SecretHit[] {
  return (text) => {
    const hits: SecretHit[] = [];
    let inside = false;
    text.split('\n').forEach((line, index) => {
      if (/^\S/.test(line)) inside = line.startsWith(`${section}:`);
      else if (inside) {
        const match = /^\s+[^:#\s][^:]*:\s*(.*?)\s*\r?$/.exec(line);
        if (match && !isPlaceholder(match[1])) hits.push({ line: index + 1, value: unquote(match[1]) });
      }
    });
    return hits;
  };
}

function all(...parsers: ((text: string) => SecretHit[])[]): (text: string) => SecretHit[] {
  return (text) => parsers.flatMap((parse) => parse(text));
}

/** ~/.netrc: `machine HOST login USER password SECRET`, tokens over any number of lines. */
function netrcPasswords(text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  let expectPassword = false;
  text.split('\n').forEach((line, index) => {
    if (/^\s*#/.test(line)) return;
    for (const token of line.trim().split(/\s+/)) {
      if (expectPassword) {
        if (!isPlaceholder(token)) hits.push({ line: index + 1, value: token });
        expectPassword = false;
      } else if (token === 'password') expectPassword = true;
    }
  });
  return hits;
}

/** ~/.git-credentials: one URL a line, `https://user:password@host`. */
function urlPasswords(text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  text.split('\n').forEach((line, index) => {
    const match = /^\s*[a-z][a-z0-9+.-]*:\/\/[^:@/\s]*:([^@\s]*)@/i.exec(line);
    if (match && !isPlaceholder(decodeURIComponentSafe(match[1]))) hits.push({ line: index + 1, value: match[1] });
  });
  return hits;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** A file that is the token (~/.vault-token). */
function wholeFile(text: string): SecretHit[] {
  const value = text.trim();
  return value === '' || value.includes('\n') || isPlaceholder(value) ? [] : [{ line: 1, value }];
}

/** A database (gcloud's SQLite files): a token's JSON key in it means a credential is stored. */
function databaseTokens(text: string): SecretHit[] {
  const match = /"(refresh_token|private_key|access_token)"\s*:\s*"([^"]{8,})"/.exec(text) ?? /(ya29\.[A-Za-z0-9_-]{20,}|1\/\/[A-Za-z0-9_-]{20,})/.exec(text);
  if (!match) return [];
  const value = match[2] ?? match[1];
  return isPlaceholder(value) ? [] : [{ line: null, value }];
}

/** docker config.json: `auths` entries with an `auth`, `identitytoken` or `password`. */
const dockerSecrets = jsonStrings(/^(auth|identitytoken|registrytoken|password)$/);

function dockerOnlyAuths(text: string): boolean {
  try {
    const config = JSON.parse(text) as Record<string, unknown>;
    return Object.keys(config).every((key) => key === 'auths' || key === 'HttpHeaders');
  } catch {
    return false;
  }
}

const NPM_AUTH_KEY = /(^|:)(_authToken|_auth|_password)$/;
// An .npmrc that holds only what `npm login` writes (auth lines, the user's name and e-mail).
function npmrcOnlyAuth(text: string): boolean {
  return text.split('\n').filter(meaningful).every((line) => /(^|:)(_authToken|_auth|_password|username|email|always-auth)\s*=/.test(line.trim()));
}

export const CREDENTIAL_STORES: readonly CredentialStore[] = [
  {
    kind: 'doctl config with an API token',
    homePaths: ['.config/doctl/config.yaml', 'snap/doctl/current/.config/doctl/config.yaml'],
    match: /\/doctl\/config\.yaml$/,
    secrets: all(keyValues(/^access-token$/, ':'), yamlSection('auth-contexts')),
    onlyCredentials: true,
  },
  {
    kind: 'AWS credentials',
    homePaths: ['.aws/credentials'],
    match: /\/\.aws\/credentials$/,
    secrets: keyValues(/^(aws_secret_access_key|aws_session_token)$/i, '='),
    onlyCredentials: true,
  },
  {
    kind: 'AWS config with secret keys',
    homePaths: ['.aws/config'],
    match: /\/\.aws\/config$/,
    secrets: keyValues(/^(aws_secret_access_key|aws_session_token)$/i, '='),
    onlyCredentials: false,
  },
  {
    kind: 'Google Cloud credentials',
    homePaths: ['.config/gcloud/credentials.db', '.config/gcloud/access_tokens.db'],
    match: /\/gcloud\/(credentials|access_tokens)\.db$/,
    secrets: databaseTokens,
    onlyCredentials: true,
    binary: true,
  },
  {
    kind: 'Google Cloud credentials',
    homePaths: ['.config/gcloud/application_default_credentials.json', '.config/gcloud/legacy_credentials/*/adc.json', '.config/gcloud/legacy_credentials/*/.boto'],
    match: /\/gcloud\/(application_default_credentials\.json|legacy_credentials\/[^/]+\/(adc\.json|\.boto))$/,
    secrets: all(jsonStrings(/^(refresh_token|private_key|client_secret)$/), keyValues(/^(gs_oauth2_refresh_token|gs_secret_access_key)$/, '=')),
    onlyCredentials: true,
  },
  {
    kind: 'Azure CLI tokens',
    homePaths: ['.azure/accessTokens.json', '.azure/msal_token_cache.json', '.azure/service_principal_entries.json'],
    match: /\/\.azure\/(accessTokens|msal_token_cache|service_principal_entries)\.json$/,
    secrets: jsonStrings(/^(secret|accessToken|refreshToken|refresh_token|access_token|client_secret|password)$/i),
    onlyCredentials: true,
  },
  {
    kind: 'Docker registry login',
    homePaths: ['.docker/config.json'],
    match: /\/\.docker\/config\.json$/,
    secrets: dockerSecrets,
    onlyCredentials: dockerOnlyAuths,
  },
  { kind: 'git credentials', homePaths: ['.git-credentials'], match: /\/\.git-credentials$/, secrets: urlPasswords, onlyCredentials: true },
  {
    kind: '.netrc with a password',
    homePaths: ['.netrc'],
    match: /\/\.netrc$/,
    secrets: netrcPasswords,
    // macdef holds macros (commands), not only logins.
    onlyCredentials: (text) => !/(^|\s)macdef\s/.test(text),
  },
  {
    kind: 'npm registry token',
    homePaths: ['.npmrc'],
    // The global npmrc (PREFIX/etc/npmrc) has no dot.
    match: /\/\.?npmrc$/,
    secrets: keyValues(NPM_AUTH_KEY, '='),
    onlyCredentials: npmrcOnlyAuth,
  },
  { kind: 'PyPI password', homePaths: ['.pypirc'], match: /\/\.pypirc$/, secrets: keyValues(/^password$/, '=:'), onlyCredentials: false },
  { kind: 'GitHub CLI token', homePaths: ['.config/gh/hosts.yml'], match: /\/gh\/hosts\.yml$/, secrets: keyValues(/^oauth_token$/, ':'), onlyCredentials: true },
  {
    kind: 'kubeconfig with credentials',
    homePaths: ['.kube/config'],
    // kubeadm's admin.conf and friends, k3s's and RKE2's kubeconfig.
    match: /\/\.kube\/config$|^\/etc\/kubernetes\/[^/]+\.conf$|^\/etc\/rancher\/(k3s\/k3s|rke2\/rke2)\.yaml$/,
    secrets: keyValues(/^(token|client-key-data|password)$/, ':'),
    onlyCredentials: false,
  },
  {
    kind: 'Terraform credentials',
    homePaths: ['.terraform.d/credentials.tfrc.json'],
    match: /\/credentials\.tfrc\.json$/,
    secrets: jsonStrings(/^token$/),
    onlyCredentials: true,
  },
  { kind: 'Vault token', homePaths: ['.vault-token'], match: /\/\.vault-token$/, secrets: wholeFile, onlyCredentials: true },
  { kind: 's3cmd secret key', homePaths: ['.s3cfg'], match: /\/\.s3cfg$/, secrets: keyValues(/^(secret_key|access_token)$/, '='), onlyCredentials: false },
  {
    kind: 'rclone remote secrets',
    homePaths: ['.config/rclone/rclone.conf'],
    match: /\/rclone\/rclone\.conf$|\/\.rclone\.conf$/,
    secrets: keyValues(/^(secret_access_key|pass|password|token|client_secret|key|account_key|sas_url|session_token)$/, '='),
    onlyCredentials: false,
  },
];

/** The store a path is, or undefined. */
export function storeAt(path: string): CredentialStore | undefined {
  return CREDENTIAL_STORES.find((store) => store.match.test(path));
}

/** Whether cleanup may remove a store file as a whole. */
export function holdsOnlyCredentials(store: CredentialStore, text: string): boolean {
  return typeof store.onlyCredentials === 'function' ? store.onlyCredentials(text) : store.onlyCredentials;
}

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
    if (found.length > 0 && (!pattern.companion || hasCompanion(text, pattern.companion))) hits.push(...found);
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
