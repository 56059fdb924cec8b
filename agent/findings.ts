// Small constructors so check modules read as data about what they found.
import { UnreadableError } from './host.js';
import type { Finding } from './types.js';

export function problem(status: 'warn' | 'fail', code: string, message: string, path?: string, fixable = true): Finding {
  return { status, code, message, ...(path === undefined ? {} : { path }), fixable };
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
