// Command histories hold what the builder typed: passwords on command lines, tokens, hosts.
// Only sizes are looked at; a history is never read.
import { posix } from 'node:path';
import { findInHomes } from '../agent/facts/homes.js';
import { couldNotCheck, humanSize, problem } from '../agent/findings.js';
import { fileKind, type Host } from '../agent/host.js';
import { fixes } from '../agent/cleanup/actions.js';
import { at } from '../agent/fix-inputs.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';

interface HistoryKind {
  file: string;
  /** At this size or more it fails; below (but not empty) it warns. Absent: any content warns. */
  failAt?: number;
}

// Shell histories fail from 200 bytes (DigitalOcean's review threshold); REPL and tool histories warn.
const SHELL_FAIL_AT = 200;
const HISTORY_FILES: readonly HistoryKind[] = [
  { file: '.bash_history', failAt: SHELL_FAIL_AT },
  { file: '.zsh_history', failAt: SHELL_FAIL_AT },
  { file: '.histfile', failAt: SHELL_FAIL_AT },
  { file: '.sh_history', failAt: SHELL_FAIL_AT },
  { file: '.ash_history', failAt: SHELL_FAIL_AT },
  { file: '.history', failAt: SHELL_FAIL_AT },
  { file: '.local/share/fish/fish_history', failAt: SHELL_FAIL_AT },
  { file: '.mysql_history' },
  { file: '.psql_history' },
  { file: '.python_history' },
  { file: '.node_repl_history' },
  { file: '.rediscli_history' },
  { file: '.sqlite_history' },
  { file: '.lesshst' },
  { file: '.viminfo' },
  { file: '.wget-hsts' },
];

async function inspectHistory(host: Host, path: string, kind: HistoryKind, owner: string): Promise<Finding | null> {
  const stats = await host.lstat(path);
  if (!stats) return null;
  if (stats.isSymbolicLink()) {
    // Linking a history to /dev/null is a common way to keep it empty: that is fine.
    const target = host.canonical(path);
    return target === '/dev/null' ? null : problem('warn', 'not-a-file', `${kind.file} of ${owner} is a symbolic link (not followed)`, path);
  }
  if (!stats.isFile()) return problem('warn', 'not-a-file', `${kind.file} of ${owner} is a ${fileKind(stats)}`, path);
  if (stats.size === 0) return null;
  const status = kind.failAt !== undefined && stats.size >= kind.failAt ? 'fail' : 'warn';
  return problem(status, 'history', `${kind.file} of ${owner} holds ${humanSize(stats.size)}`, path);
}

export const shellHistory = defineCheck({
  id: 'shell-history',
  title: 'No shell or tool histories',
  description: `Shell histories of ${SHELL_FAIL_AT} bytes or more fail, smaller ones and REPL/tool histories warn, for every account with a home.`,
  explain: {
    looksAt: `The size of ${HISTORY_FILES.map((k) => k.file).join(', ')} in the home directory of every account in /etc/passwd. The files are never read.`,
    why: 'Histories record what was typed while the image was built: passwords given on command lines, API tokens, internal host names. Every Droplet owner could read them.',
    manualFix: 'Delete the files named (and run `history -c` in open shells before the snapshot, so they are not written again on logout).',
    limits: 'A history linked to /dev/null passes. Histories of shells not listed here are not found.',
  },
  remedy: 'delete the history files named above, then `history -c` in open shells',
  severity: 'fail',
  codes: {
    history: (f) => [fixes.removeFile(at(f))],
    'not-a-file': (f) => [fixes.removeFile(at(f))],
  },
  async run(host) {
    const findings = await findInHomes(host, async (home, owner) => {
      // One listing of the home, then only the names that are there (most homes have few).
      const present = new Set((await host.list(home.path)) ?? []);
      const found: Finding[] = [];
      for (const kind of HISTORY_FILES) {
        if (!present.has(kind.file.split('/')[0])) continue;
        const path = posix.join(home.path, kind.file);
        try {
          const finding = await inspectHistory(host, path, kind, owner);
          if (finding) found.push(finding);
        } catch (err) {
          found.push(couldNotCheck(err, path));
        }
      }
      return found;
    });
    return { findings };
  },
});
