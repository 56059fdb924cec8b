// Parsers of apt's own output: `apt-get -s dist-upgrade` Inst lines and `apt-get update` failures.

import { maskUrlCredentials } from '../agent/redact.js';

export interface AptInstLine {
  name: string;
  installed?: string;
  candidate: string;
  /** "Label:Version/Suite" or "Label:Suite" of every archive that offers the candidate. */
  archives: string[];
  arch?: string;
}

// Inst libssl3 [3.0.11-1~deb12u1] (3.0.11-1~deb12u2 Debian:12.4/stable, Debian-Security:12/stable-security [amd64])
// Inst linux-image-6.1.0-18-amd64 (6.1.76-1 Debian-Security:12/stable-security [amd64])
// Inst base-files [12ubuntu4.4] (12ubuntu4.6 Ubuntu:22.04/jammy-updates [amd64]) []
// Only the head is a regex: a lazy "(.*?)" before an optional " [arch]" group rescanned the rest
// of the line from every position (quadratic on "Inst a (b [ [ [..."), so the tail is cut by hand.
const INST_HEAD = /^Inst (\S+) (?:\[([^\]]*)\] )?\((\S+) /;

/** "archives [arch]" (the text inside the parentheses, after the candidate) split in two. */
function splitArch(body: string): { archives: string; arch?: string } {
  const open = body.lastIndexOf(' [');
  if (open < 0 || !body.endsWith(']')) return { archives: body };
  const arch = body.slice(open + 2, -1);
  return arch.includes(']') ? { archives: body } : { archives: body.slice(0, open), arch };
}

export function parseInstLines(stdout: string): AptInstLine[] {
  const lines: AptInstLine[] = [];
  for (const text of stdout.split('\n')) {
    const match = INST_HEAD.exec(text);
    if (!match) continue;
    const [head, name, installed, candidate] = match;
    const close = text.indexOf(')', head.length);
    if (close < 0) continue;
    const { archives, arch } = splitArch(text.slice(head.length, close));
    lines.push({ name, installed, candidate, archives: archives.split(', ').filter(Boolean), arch });
  }
  return lines;
}

/** Debian (`*-security`, label Debian-Security) and Ubuntu (`*-security`) security archives. */
export function isSecurityArchive(archive: string): boolean {
  return /(^|[:/])[\w.~+-]*-security$/.test(archive) || /^Debian-Security:/.test(archive);
}

/**
 * apt-get update exits 0 even when some sources could not be fetched (it warns and keeps the old
 * lists): any Err: line or fetch warning means the lists may be stale, so the scan cannot be trusted.
 */
export function updateFailure(output: string): string | null {
  const lines = output.split('\n').map((l) => l.trim());
  const index = lines.findIndex((l) => /^Err:\d+/.test(l) || /^E: /.test(l) || /^W: (Failed to fetch|Some index files failed)/.test(l));
  if (index < 0) return null;
  // "Err:1 URI suite InRelease" is followed by the reason on its own line.
  const reason = /^Err:/.test(lines[index]) && lines[index + 1] && !/^(Err|Get|Hit|Ign|W|E):/.test(lines[index + 1]) ? `: ${lines[index + 1]}` : '';
  return maskUrlCredentials(`${lines[index]}${reason}`);
}
