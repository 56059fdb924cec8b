// Logs of the build (sshd lines with attackers' addresses, package output, cloud-init's record of
// the build VM) should not ship. Only names and sizes are looked at: a log is never read.
import { posix } from 'node:path';
import type { Stats } from 'node:fs';
import { couldNotCheck, humanSize, problem } from '../agent/findings.js';
import { isWalkError } from '../agent/host.js';
import { fixes } from '../agent/cleanup/actions.js';
import { at } from '../agent/fix-inputs.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';

const LOG_DIR = '/var/log';
// DigitalOcean's review flags logs over 50 bytes: below that a file is a header at most.
const LOG_SIZE_LIMIT = 50;
const LOGIN_RECORDS = new Set(['wtmp', 'btmp', 'lastlog', 'faillog']);

// Rotated archives: compressed, numbered (syslog.1, syslog.2.gz), dated (messages-20240101), or .old.
const ARCHIVE_PATTERNS: readonly RegExp[] = [
  /\.(gz|xz|bz2|zst|lz4|lzma|Z)$/,
  /\.\d+$/,
  /-\d{8}(\.\w+)?$/,
  /\.old$/,
];
const LOG_LIKE = /\.log$|\.(gz|xz|bz2|zst)$|\.\d+$/;

export type LogKind = 'archive' | 'journal' | 'login-records' | 'log';

/** What a file under /var/log is, or null when it is nothing to report (small, empty). */
export function classifyLogFile(path: string, stats: Stats): LogKind | null {
  const name = posix.basename(path);
  if (path.startsWith(`${LOG_DIR}/journal/`) && /\.journal~?$/.test(name)) return 'journal';
  if (ARCHIVE_PATTERNS.some((pattern) => pattern.test(name))) return 'archive';
  if (LOGIN_RECORDS.has(name)) {
    // lastlog and faillog are sparse, indexed by uid: only allocated blocks hold records.
    return stats.size > 0 && stats.blocks > 0 ? 'login-records' : null;
  }
  return stats.size > LOG_SIZE_LIMIT ? 'log' : null;
}

const MESSAGES: Record<LogKind, string> = {
  archive: 'rotated log archive',
  journal: 'systemd journal file',
  'login-records': 'login records',
  log: 'log file',
};

export const logFiles = defineCheck({
  id: 'log-files',
  title: 'No logs or log archives',
  description: `Files under ${LOG_DIR} (recursively): rotated archives, journal files, login records, and logs over ${LOG_SIZE_LIMIT} bytes warn.`,
  explain: {
    looksAt: `Every file under ${LOG_DIR}, in subdirectories too, by name and size; symbolic links are never followed and no file is opened.`,
    why: 'Build logs describe the build machine and whoever touched it (sshd records every login attempt, with addresses); reviewers ask for images without them, and they waste space in every Droplet.',
    manualFix: `Truncate the logs (truncate -s 0 FILE), delete rotated archives and ${LOG_DIR}/journal/*/*.journal, and empty wtmp, btmp and lastlog. Do it last, after package upgrades that write logs.`,
    limits: 'Files a product must ship (for example cpanel-install.log) can be ignored in the config file.',
  },
  remedy: 'truncate the logs, delete rotated archives and journal files (last thing before the snapshot)',
  severity: 'warn',
  codes: {
    // Logs are truncated (a running daemon keeps writing to the same file); archives, journal
    // files and links named like logs are removed.
    log: (f) => [fixes.truncate(at(f))],
    'login-records': (f) => [fixes.truncate(at(f))],
    archive: (f) => [fixes.removeFile(at(f))],
    journal: (f) => [fixes.removeFile(at(f))],
    symlink: (f) => [fixes.removeFile(at(f))],
  },
  async run(host) {
    const findings: Finding[] = [];
    let total = 0;
    for await (const entry of host.walk(LOG_DIR)) {
      if (isWalkError(entry)) {
        findings.push(couldNotCheck(`${entry.path}: ${entry.error}`, entry.path));
        continue;
      }
      const { path, stats } = entry;
      if (stats.isSymbolicLink()) {
        if (LOG_LIKE.test(posix.basename(path))) findings.push(problem('warn', 'symlink', 'symbolic link named like a log (not followed)', path));
        continue;
      }
      if (!stats.isFile()) continue;
      const kind = classifyLogFile(path, stats);
      if (!kind) continue;
      total += stats.size;
      findings.push(problem('warn', kind, `${MESSAGES[kind]}, ${humanSize(stats.size)}`, path));
    }
    const count = findings.filter((f) => f.status === 'warn').length;
    return { summary: count === 0 ? 'no logs to clean' : `${count} log file${count === 1 ? '' : 's'} to clean, ${humanSize(total)} in all`, findings };
  },
});
