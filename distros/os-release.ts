// Parsers for the files that name a distribution: os-release (KEY="value", parsed with ini),
// lsb-release, and the one-line release files of the EL family and Debian.
import { parse } from 'ini';

export interface OsRelease {
  id: string;
  idLike: string[];
  name?: string;
  prettyName?: string;
  versionId?: string;
  versionCodename?: string;
}

function text(value: unknown): string | undefined {
  // ini reads a single-quoted '12' (as JSON after unquoting) into the number 12.
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  // ini unquotes "..." but not '...'; os-release allows both.
  const unquoted = value.replace(/^'(.*)'$/, '$1').trim();
  return unquoted === '' ? undefined : unquoted;
}

/** os-release(5). Returns null when the text names no ID. */
export function parseOsRelease(content: string): OsRelease | null {
  const fields = parse(content) as Record<string, unknown>;
  const id = text(fields.ID)?.toLowerCase();
  if (!id) return null;
  return {
    id,
    idLike: (text(fields.ID_LIKE) ?? '').toLowerCase().split(/\s+/).filter(Boolean),
    name: text(fields.NAME),
    prettyName: text(fields.PRETTY_NAME),
    versionId: text(fields.VERSION_ID),
    versionCodename: text(fields.VERSION_CODENAME) ?? text(fields.UBUNTU_CODENAME),
  };
}

/** /etc/lsb-release (DISTRIB_ID=Ubuntu, DISTRIB_RELEASE=22.04, DISTRIB_CODENAME=jammy). */
export function parseLsbRelease(content: string): OsRelease | null {
  const fields = parse(content) as Record<string, unknown>;
  const id = text(fields.DISTRIB_ID)?.toLowerCase();
  if (!id) return null;
  return {
    id,
    idLike: [],
    name: text(fields.DISTRIB_ID),
    prettyName: text(fields.DISTRIB_DESCRIPTION),
    versionId: text(fields.DISTRIB_RELEASE),
    versionCodename: text(fields.DISTRIB_CODENAME),
  };
}

// "CentOS release 6.10 (Final)", "CentOS Linux release 7.9.2009 (Core)", "Rocky Linux release 9.4 (Blue Onyx)",
// "CentOS Stream release 9", "CloudLinux release 8.9 (...)", "AlmaLinux release 8.10 (Cerulean Leopard)".
const REDHAT_RELEASE_NAMES: ReadonlyArray<[RegExp, string]> = [
  [/^CentOS Stream/i, 'centos'],
  [/^CentOS/i, 'centos'],
  [/^Rocky/i, 'rocky'],
  [/^AlmaLinux/i, 'almalinux'],
  [/^CloudLinux/i, 'cloudlinux'],
  [/^Fedora/i, 'fedora'],
  [/^Red Hat Enterprise/i, 'rhel'],
];

export function parseRedhatRelease(content: string): OsRelease | null {
  const line = content.split('\n')[0].trim();
  const match = /^(.*?) release ([\d.]+)/.exec(line);
  const known = REDHAT_RELEASE_NAMES.find(([pattern]) => pattern.test(line));
  if (!match || !known) return null;
  return { id: known[1], idLike: ['rhel'], name: match[1], prettyName: line, versionId: match[2] };
}

/** /etc/debian_version: "12.5", or "trixie/sid" on testing. */
export function parseDebianVersion(content: string): OsRelease | null {
  const value = content.trim();
  if (!value) return null;
  const numeric = /^(\d+)(\.\d+)?/.exec(value);
  return {
    id: 'debian',
    idLike: [],
    name: 'Debian GNU/Linux',
    prettyName: `Debian GNU/Linux ${value}`,
    versionId: numeric ? numeric[1] : undefined,
    versionCodename: numeric ? undefined : value.split('/')[0],
  };
}
