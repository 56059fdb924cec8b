// Where tools keep what a login left (doctl, AWS, gcloud, Azure, Docker, git, .netrc, npm, PyPI,
// gh, kubeconfig, Terraform, Vault, s3cmd, rclone), and how each holds its secrets. Data and small
// parsers only: agent/facts/credential-scan.ts decides what is read.
import { isPlaceholder, lineOf, unquote, type SecretHit } from './credential-patterns.js';

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
