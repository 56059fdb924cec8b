// Accounts of the target: /etc/passwd, /etc/shadow and UID_MIN from /etc/login.defs, read once.
import type { Host } from '../host.js';

export interface PasswdEntry {
  name: string;
  /** The second field of /etc/passwd: "x" when the hash lives in /etc/shadow. */
  passwordField: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  line: number;
}

export interface ShadowEntry {
  name: string;
  passwordField: string;
  line: number;
}

export interface Accounts {
  passwd: PasswdEntry[];
  uidMin: number;
  /** Line numbers of /etc/passwd lines that could not be parsed. */
  malformedPasswdLines: number[];
}

const DEFAULT_UID_MIN = 1000;
// The overflow ids; "nobody" is an account by name on some systems and by uid on others.
const NOBODY_NAMES = new Set(['nobody', 'nfsnobody']);
const NOBODY_UIDS = new Set([65534, 4294967294]);

export function parsePasswd(content: string): { entries: PasswdEntry[]; malformed: number[] } {
  const entries: PasswdEntry[] = [];
  const malformed: number[] = [];
  content.split('\n').forEach((text, index) => {
    if (text.trim() === '' || text.startsWith('#')) return;
    // NIS compat lines (+, -) name no local account.
    if (text.startsWith('+') || text.startsWith('-')) return;
    const fields = text.split(':');
    const uid = Number(fields[2]);
    const gid = Number(fields[3]);
    // Digits only, for both ids: Number() would take "" as 0 and read "1e3" or "-1".
    if (fields.length < 7 || !fields[0] || !/^\d+$/.test(fields[2] ?? '') || !/^\d+$/.test(fields[3] ?? '')) {
      malformed.push(index + 1);
      return;
    }
    entries.push({ name: fields[0], passwordField: fields[1], uid, gid, home: fields[5], shell: fields[6], line: index + 1 });
  });
  return { entries, malformed };
}

/** /etc/shadow, /etc/shadow-, and (name:password:...) /etc/gshadow share this shape. */
export function parseShadow(content: string): Map<string, ShadowEntry> {
  const entries = new Map<string, ShadowEntry>();
  content.split('\n').forEach((text, index) => {
    if (text.trim() === '' || text.startsWith('#') || text.startsWith('+') || text.startsWith('-')) return;
    const colon = text.indexOf(':');
    if (colon <= 0) return;
    const rest = text.slice(colon + 1);
    const end = rest.indexOf(':');
    const name = text.slice(0, colon);
    if (!entries.has(name)) entries.set(name, { name, passwordField: end < 0 ? rest : rest.slice(0, end), line: index + 1 });
  });
  return entries;
}

// Line by line: under /m, a \s* after ^ ran across newlines from every line start (quadratic on
// a login.defs of blank lines).
export function parseUidMin(loginDefs: string | null): number {
  for (const line of (loginDefs ?? '').split('\n')) {
    const match = /^\s*UID_MIN\s+(\d+)\s*$/.exec(line);
    if (match) return Number(match[1]);
  }
  return DEFAULT_UID_MIN;
}

export function isNobody(entry: PasswdEntry): boolean {
  return NOBODY_NAMES.has(entry.name) || NOBODY_UIDS.has(entry.uid);
}

/** root and every regular account: the ones a person could log in as. */
export function isPersonAccount(entry: PasswdEntry, uidMin: number): boolean {
  return entry.uid === 0 || (entry.uid >= uidMin && !isNobody(entry));
}

export function readAccounts(host: Host): Promise<Accounts> {
  return host.memo('accounts', async () => {
    const passwdText = await host.readText('/etc/passwd');
    if (passwdText === null) throw new Error('/etc/passwd does not exist');
    const loginDefs = await host.readText('/etc/login.defs');
    const { entries, malformed } = parsePasswd(passwdText);
    return { passwd: entries, uidMin: parseUidMin(loginDefs), malformedPasswdLines: malformed };
  });
}

/** /etc/shadow, its backup, or a gshadow file; null when it does not exist. */
export function readShadowFile(host: Host, path: string): Promise<Map<string, ShadowEntry> | null> {
  return host.memo(`shadow:${path}`, async () => {
    const text = await host.readText(path);
    return text === null ? null : parseShadow(text);
  });
}

export type PasswordState = 'empty' | 'locked' | 'locked-with-hash' | 'hash';

// crypt(3) outputs: "$id$..." (yescrypt, sha512, md5, bcrypt...), 13-character DES, "_" BSDi extended DES.
const CRYPT_HASH = /^(\$.+|[./0-9A-Za-z]{13}|_[./0-9A-Za-z]{19})$/;

/**
 * What a password field allows. "*", "!", "!!", "!*" (and any value no password can match) lock
 * the account; "!" or "*" before a hash locks it but the hash still ships; a crypt hash is usable.
 */
export function classifyPasswordField(field: string): PasswordState {
  if (field === '') return 'empty';
  if (CRYPT_HASH.test(field)) return 'hash';
  const rest = field.replace(/^[!*]+/, '');
  return rest !== field && CRYPT_HASH.test(rest) ? 'locked-with-hash' : 'locked';
}
