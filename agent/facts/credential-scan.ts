// The bounded scan behind the credentials check. Homes are many and mostly alike, so in a home only
// candidates are read: its top-level files and the known store paths below it (one listing per home,
// a few lstat calls where a tool's directory is there). The system trees where vendors install and
// configure (/etc, /usr/local, /srv, /var/www, /opt) are walked whole. Regular files only (lstat,
// never a link), text only, each file and the whole run within a byte limit: what the limit leaves
// out is counted and reported, never passed over in silence. Values never leave this module: a hit
// is its kind, line and an 8-hex SHA-256 prefix.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { isWalkError, type Host } from '../host.js';
import { homeDirectories } from './homes.js';
import { findTokens, type SecretHit } from './credential-patterns.js';
import { CREDENTIAL_STORES, holdsOnlyCredentials, storeAt } from './credential-stores.js';

export const SCAN_LIMITS = {
  /** A larger file is not read (counted in the summary): configs and scripts are far smaller. */
  fileBytes: 1024 * 1024,
  /** Bytes read in one run; past it the rest is counted and reported as not scanned. */
  budgetBytes: 128 * 1024 * 1024,
  /** A NUL in this many first bytes makes a file binary (not scanned). */
  binaryProbe: 8 * 1024,
};

/** Walked whole, in this order (/etc first: small, and where a service's config is). */
export const SCANNED_TREES = ['/etc', '/usr/local', '/srv', '/var/www', '/opt'] as const;

// Private keys under these are the tls-keys check's (and /etc/ssh's host keys ssh-host-keys'); a
// .ssh directory anywhere is ssh-private-keys'. Elsewhere (homes, /usr/local) a PEM key is reported here.
export const KEYS_CHECKED_ELSEWHERE: readonly string[] = ['/etc', '/opt', '/srv', '/var/www'];

// Trees of third-party code (packages' own test keys and example tokens) and compiled or packed
// data: never a vendor's secret, and most of the bytes of an /opt or /usr/local.
// `vendor` is where Composer, Go and Bundler put dependencies (libraries' tests carry sample keys).
export const PRUNED_NAMES: ReadonlySet<string> = new Set(['node_modules', 'bower_components', 'vendor', 'site-packages', 'dist-packages', '__pycache__', '_cacache']);
export const PRUNED_PATHS: ReadonlySet<string> = new Set(['/usr/local/go', '/usr/local/include', '/usr/local/share/man', '/usr/local/share/doc', '/usr/local/share/fonts']);
export const PRUNED_SUFFIXES: readonly string[] = ['/.git/objects'];

// Histories are shell-history's (reported and removed whatever they hold); not read here.
const HISTORY = /(^\.|_)history$|^\.histfile$|^\.lesshst$|^\.viminfo$|^\.wget-hsts$/;

export function isPruned(path: string): boolean {
  return PRUNED_NAMES.has(posix.basename(path)) || PRUNED_PATHS.has(path) || PRUNED_SUFFIXES.some((suffix) => path.endsWith(suffix));
}

export interface CredentialFound {
  /** A tool's store with a secret in it, or a token found in some other file. */
  type: 'store' | 'token';
  path: string;
  kind: string;
  /** How many secrets of this kind the file holds. */
  count: number;
  /** Line of the first (null in a database file). */
  line: number | null;
  /** First 8 hex digits of the SHA-256 of the first value. */
  sha256: string;
  /** A store that is nothing but credentials (cleanup removes it). */
  onlyCredentials: boolean;
}

export interface Tally {
  files: number;
  bytes: number;
}

export interface CredentialScan {
  found: CredentialFound[];
  /** Files or directories that could not be read (each an error of the check). */
  unreadable: { path: string; error: unknown }[];
  scanned: Tally;
  /** Over SCAN_LIMITS.fileBytes: not read. */
  large: Tally;
  /** Known stores over the size limit: reported, since they are where credentials are. */
  largeStores: string[];
  binary: Tally;
  /** Left when the run's budget was spent. */
  overBudget: Tally;
}

// About a millisecond of reading and matching between turns of the event loop.
const TURN_BYTES = 256 * 1024;

const sha256Prefix = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 8);
const under = (path: string, tree: string) => path === tree || path.startsWith(`${tree}/`);

// Store paths in a home, grouped by their top directory, so a home without .config or .aws costs nothing.
const HOME_STORE_PATHS = new Map<string, string[][]>();
for (const store of CREDENTIAL_STORES) {
  for (const relative of store.homePaths) {
    const parts = relative.split('/');
    if (parts.length < 2) continue;
    const list = HOME_STORE_PATHS.get(parts[0]) ?? [];
    if (!list.some((known) => known.join('/') === relative)) list.push(parts);
    HOME_STORE_PATHS.set(parts[0], list);
  }
}

class Scanner {
  readonly result: CredentialScan = {
    found: [],
    unreadable: [],
    scanned: { files: 0, bytes: 0 },
    large: { files: 0, bytes: 0 },
    largeStores: [],
    binary: { files: 0, bytes: 0 },
    overBudget: { files: 0, bytes: 0 },
  };
  private spent = false;
  // Reads are synchronous: without a turn of the event loop now and then, the other checks' child
  // processes and timers wait for the whole scan (a firewall probe timed out behind 128 MiB).
  private sinceTurn = 0;

  constructor(
    private readonly host: Host,
    private readonly limits: typeof SCAN_LIMITS,
  ) {}

  /** A regular file (as listed); `size` when the listing gave it (a walk), to skip empty files unopened. */
  async file(path: string, size?: number): Promise<void> {
    if (size === 0) return;
    // Opening a file costs about as much as reading a few KiB.
    await this.turn(4096);
    const { result, limits } = this;
    const store = storeAt(path);
    const wanted = (bytes: number) => bytes > 0 && bytes <= limits.fileBytes && !this.spent && result.scanned.bytes + bytes <= limits.budgetBytes;
    // A walk gave the size: a file that will not be read is not opened.
    if (size !== undefined && !wanted(size)) {
      this.skip(path, size, store !== undefined);
      return;
    }
    let read: Awaited<ReturnType<Host['readIfWanted']>>;
    try {
      read = await this.host.readIfWanted(path, wanted);
    } catch (err) {
      result.unreadable.push({ path, error: err });
      return;
    }
    if (read === null || read.size === 0) return;
    const { bytes } = read;
    if (bytes === null) {
      this.skip(path, read.size, store !== undefined);
      return;
    }
    result.scanned.files++;
    result.scanned.bytes += bytes.length;
    await this.turn(bytes.length);
    if (!store?.binary && bytes.subarray(0, limits.binaryProbe).includes(0)) {
      result.binary.files++;
      result.binary.bytes += bytes.length;
      return;
    }
    // latin1: every byte is one character, no decoding cost; the formats looked for are ASCII.
    const text = bytes.toString('latin1');
    if (store) {
      const secrets = store.secrets(text);
      if (secrets.length > 0) {
        this.add('store', path, store.kind, secrets, holdsOnlyCredentials(store, text));
        return;
      }
      if (store.binary) return;
    }
    const privateKeys = !path.includes('/.ssh/') && !KEYS_CHECKED_ELSEWHERE.some((tree) => under(path, tree));
    const byKind = new Map<string, SecretHit[]>();
    for (const hit of findTokens(text, privateKeys)) byKind.set(hit.kind, [...(byKind.get(hit.kind) ?? []), hit]);
    for (const [kind, hits] of byKind) this.add('token', path, kind, hits, false);
  }

  /** A file not read: too large, or past the budget (once spent, nothing more is read). */
  private skip(path: string, size: number, isStore: boolean): void {
    const { result, limits } = this;
    if (size > limits.fileBytes) {
      result.large.files++;
      result.large.bytes += size;
      if (isStore) result.largeStores.push(path);
    } else {
      this.spent = true;
      result.overBudget.files++;
      result.overBudget.bytes += size;
    }
  }

  private async turn(cost: number): Promise<void> {
    this.sinceTurn += cost;
    if (this.sinceTurn < TURN_BYTES) return;
    this.sinceTurn = 0;
    await nextTurn();
  }

  private add(type: CredentialFound['type'], path: string, kind: string, hits: SecretHit[], onlyCredentials: boolean): void {
    const first = hits[0];
    this.result.found.push({ type, path, kind, count: hits.length, line: first.line, sha256: sha256Prefix(first.value), onlyCredentials });
  }

  async tree(root: string): Promise<void> {
    for await (const entry of this.host.walk(root, isPruned)) {
      if (isWalkError(entry)) this.result.unreadable.push({ path: entry.path, error: `${entry.path}: ${entry.error}` });
      else if (entry.stats.isFile()) await this.file(entry.path, entry.stats.size);
    }
  }

  /** A home's candidates: its top-level files (not histories) and the known store paths below it. */
  async home(home: string): Promise<void> {
    for (const entry of (await this.host.listEntries(home)) ?? []) {
      // The directory's record of the type: no lstat for the .ssh and histories every home has.
      if (entry.isFile()) {
        if (!HISTORY.test(entry.name)) await this.file(posix.join(home, entry.name));
      } else if (entry.isDirectory()) {
        for (const parts of HOME_STORE_PATHS.get(entry.name) ?? []) await this.storePath(home, parts);
      }
    }
  }

  /** One known store path below a home, through real directories only (a `*` is any one of them). */
  private async storePath(dir: string, parts: string[]): Promise<void> {
    const [name, ...rest] = parts;
    const names = name === '*' ? ((await this.host.list(dir)) ?? []) : [name];
    for (const each of names) {
      const path = posix.join(dir, each);
      const stats = await this.host.lstat(path);
      if (!stats) continue;
      if (rest.length === 0) {
        if (stats.isFile()) await this.file(path, stats.size);
      } else if (stats.isDirectory()) await this.storePath(path, rest);
    }
  }
}

/**
 * Every credential in the homes of all accounts (candidates only) and in SCANNED_TREES, within
 * `limits`. A home inside a scanned tree (www-data's /var/www) is walked whole with it.
 */
export async function scanForCredentials(host: Host, limits: typeof SCAN_LIMITS = SCAN_LIMITS): Promise<CredentialScan> {
  const scanner = new Scanner(host, limits);
  for (const home of await homeDirectories(host)) {
    if (SCANNED_TREES.some((tree) => under(home.path, tree))) continue;
    try {
      await scanner.home(home.path);
    } catch (err) {
      scanner.result.unreadable.push({ path: home.path, error: err });
    }
  }
  for (const tree of SCANNED_TREES) {
    try {
      await scanner.tree(tree);
    } catch (err) {
      scanner.result.unreadable.push({ path: tree, error: err });
    }
  }
  return scanner.result;
}
