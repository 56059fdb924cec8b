// What a package manager's configuration says about the trust of its sources, in words common to
// every family: the package-sources check judges these, the family's adapter finds them.

/**
 * insecure: verification switched off for a source or for all (apt trusted=yes, allow-insecure,
 * Acquire::AllowInsecureRepositories; dnf gpgcheck=0); insecure-config: the same by a global
 * setting; unsigned: a third-party source that names no key of its own; unreachable: a source a
 * Droplet cannot fetch from (a cdrom, this machine, a directory missing from the image).
 */
export type SourceConcern = 'trusted' | 'allow-insecure' | 'insecure-config' | 'gpgcheck-off' | 'unsigned' | 'unreachable';

export interface SourceProblem {
  concern: SourceConcern;
  /** The file inside the image that says it. */
  path: string;
  line?: number;
  /** A short description without the URI (a URI may carry a user and password). */
  detail: string;
}

export interface SourceTrust {
  problems: SourceProblem[];
  /** Files that could not be read: the check that asked is then `error` for them. */
  unread: { path: string; error: unknown }[];
}

/** apt and dnf boolean words (apt's FindB, dnf's config parser). */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(1|yes|true|on|with|enable)$/i.test(value.trim().replace(/^"(.*)"$/, '$1'));
}

export function isFalse(value: string | undefined): boolean {
  return value !== undefined && /^(0|no|false|off|without|disable)$/i.test(value.trim().replace(/^"(.*)"$/, '$1'));
}

/** A URI whose host is this machine: on a Droplet it is the Droplet, which runs no such server. */
export function namesLocalHost(uri: string): boolean {
  let host: string;
  try {
    host = new URL(uri.replace(/^[a-z0-9.+-]*\+(?=[a-z]+:)/i, '')).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '[::1]' || host === '::1' || host === '0.0.0.0';
}
