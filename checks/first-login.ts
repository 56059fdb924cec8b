// DigitalOcean's first-login pattern: root's .bashrc runs a vendor script at the first login (to
// ask for a domain, set passwords...), and the script restores .bashrc from /etc/skel at its end so
// it runs once. A missing script greets every login with an error; one that never restores .bashrc
// runs at every login.
import { couldNotCheck, problem } from '../agent/findings.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';

const BASHRC = '/root/.bashrc';
// Where vendor scripts live; distribution shell setup (/etc, /usr/share) is not a first-login script.
const SCRIPT_PATH = /(?:^|[\s;&|(])((?:\/opt|\/root|\/usr\/local|\/srv|\/var\/lib|\/home)\/[^\s;&|'"()<>]+)/g;
const NOT_A_SCRIPT = /\/\.(bashrc|profile|bash_aliases|bash_profile)$/;
const RESTORES_BASHRC = /\/etc\/skel\/\.bashrc/;

export interface FirstLoginCall {
  path: string;
  /** Run directly (needs the executable bit) rather than through bash, sh, source or `.`. */
  direct: boolean;
}

/**
 * Is the path at `start` run directly: first on the line, or right after "&&", "||" or ";"? Looks
 * back over the blanks before it only; a RegExp per path over the whole line was quadratic.
 */
function runsDirectly(text: string, start: number): boolean {
  let end = start;
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  if (end === 0) return true;
  const before = text.slice(Math.max(0, end - 2), end);
  return before.endsWith(';') || before === '&&' || before === '||';
}

export function findFirstLoginCalls(bashrc: string): FirstLoginCall[] {
  const calls = new Map<string, FirstLoginCall>();
  for (const line of bashrc.split('\n')) {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) continue;
    for (const match of text.matchAll(SCRIPT_PATH)) {
      const path = match[1];
      if (NOT_A_SCRIPT.test(path)) continue;
      const direct = runsDirectly(text, (match.index ?? 0) + match[0].length - path.length);
      // Any call that runs it directly needs the executable bit.
      calls.set(path, { path, direct: direct || (calls.get(path)?.direct ?? false) });
    }
  }
  return [...calls.values()];
}

export const firstLogin = defineCheck({
  id: 'first-login',
  title: 'First-login script',
  description: "When root's .bashrc runs a vendor script, the script exists, is executable, and restores .bashrc from /etc/skel.",
  explain: {
    looksAt: `${BASHRC} for scripts it runs from /opt, /root, /usr/local, /srv, /var/lib or /home, then each script (existence, mode, and a reference to /etc/skel/.bashrc).`,
    why: "Marketplace apps often configure themselves at the first login. If the script is missing, every login shows an error; if it does not restore root's .bashrc from /etc/skel when done, it runs again at every login.",
    manualFix: 'Ship the script, chmod +x it, and end it with: cp -f /etc/skel/.bashrc /root/.bashrc',
    limits: 'Scripts are found by their path in .bashrc; a script started through a variable or an alias is not seen.',
  },
  remedy: 'ship the script executable and end it with: cp -f /etc/skel/.bashrc /root/.bashrc',
  severity: 'warn',
  codes: { 'missing-script': null, 'not-executable': null, 'no-restore': null },
  async run(host) {
    const findings: Finding[] = [];
    let bashrc: string | null;
    try {
      bashrc = await host.readText(BASHRC, { maxBytes: 1024 * 1024 });
    } catch (err) {
      return { findings: [couldNotCheck(err, BASHRC)] };
    }
    const calls = findFirstLoginCalls(bashrc ?? '');
    for (const { path, direct } of calls) {
      try {
        const stats = await host.stat(path);
        if (!stats?.isFile()) {
          findings.push(problem('warn', 'missing-script', `root's .bashrc runs a script that does not exist`, path));
          continue;
        }
        if (direct && (stats.mode & 0o111) === 0) findings.push(problem('warn', 'not-executable', 'first-login script is not executable', path));
        const script = (await host.readText(path, { maxBytes: 1024 * 1024 })) ?? '';
        if (!RESTORES_BASHRC.test(script)) findings.push(problem('warn', 'no-restore', 'first-login script does not restore .bashrc from /etc/skel: it would run at every login', path));
      } catch (err) {
        findings.push(couldNotCheck(err, path));
      }
    }
    return { summary: calls.length === 0 ? "root's .bashrc runs no first-login script" : undefined, findings };
  },
});
