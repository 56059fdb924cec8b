// Small constructors so check modules read as data about what they found. Whether a finding is
// fixable is never said here: the engine derives it from the check's code table.
import { UnreadableError, type Unread } from './host.js';
import type { Finding } from './types.js';

/** A problem of `code`; `subject` is what its fix needs beyond the path (an account, a package). */
export function problem(status: 'warn' | 'fail', code: string, message: string, path?: string, subject?: string): Finding {
  const finding: Finding = { status, code, message, ...(path === undefined ? {} : { path }), fixable: false };
  return subject === undefined ? finding : internal(finding, 'subject', subject);
}

/** "Could not check" is never "pass": an unreadable file becomes an error finding. */
export function couldNotCheck(err: unknown, path?: string): Finding {
  const message =
    err instanceof UnreadableError
      ? `could not read ${err.message}`
      : typeof err === 'string'
        ? `could not read ${err}`
        : `could not check: ${(err as Error)?.message ?? String(err)}`;
  const where = path ?? (err instanceof UnreadableError ? err.targetPath : undefined);
  return { status: 'error', code: 'unreadable', message: message.split('\n')[0], ...(where === undefined ? {} : { path: where }), fixable: false };
}

/** A part of a shared fact that could not be read, as the error finding of a check that used it. */
export function unreadFinding(unread: Unread): Finding {
  const message = unread.path === undefined ? `could not read ${unread.reason}` : `could not read ${unread.path}: ${unread.reason}`;
  return { status: 'error', code: 'unreadable', message: message.split('\n')[0], ...(unread.path === undefined ? {} : { path: unread.path }), fixable: false };
}

export function humanSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Sets the engine's working data on a finding (its subject, its fix) as a property that is not
 * enumerable: the reports never publish it, and JSON.stringify needs no replacer, which cost a tenth
 * of a check at 150,000 findings.
 */
export function internal<K extends 'subject' | 'fix'>(finding: Finding, key: K, value: Finding[K]): Finding {
  return Object.defineProperty(finding, key, { value, enumerable: false, writable: true, configurable: true });
}
