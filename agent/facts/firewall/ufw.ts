// ufw's saved state. ufw.conf says whether ufw loads its rules at boot; user.rules and user6.rules
// hold the user's rules, each preceded by the "### tuple ###" comment ufw itself re-reads them
// from, so the tuples are the source of truth (the -A lines are generated from them):
//   ### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in
//   ### tuple ### allow any 22 0.0.0.0/0 any 0.0.0.0/0 OpenSSH - in        (ufw allow OpenSSH)
//   ### tuple ### limit tcp 22 0.0.0.0/0 any 0.0.0.0/0 in comment=6f6c64
//   ### tuple ### route:allow_log tcp 80 0.0.0.0/0 any 0.0.0.0/0 in_eth0!out_eth1
import { portSpecIncludes } from './ports.js';

export interface UfwRule {
  /** allow, deny, reject or limit (a limit rule accepts, rate-limited). */
  action: string;
  /** Forwarded traffic (ufw route ...): never reaches sshd on this machine. */
  route: boolean;
  protocol: string;
  dport: string;
  dst: string;
  sport: string;
  src: string;
  /** Application profile name (%20 for spaces), '-' when none. */
  dapp: string;
  /** "in", "out", "in_eth0", "in_eth0!out_eth1". */
  direction: string;
}

/** Lines of a KEY=value shell file (ufw.conf, /etc/default/ufw), quotes removed. */
function parseShellAssignments(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    values.set(match[1], match[2].replace(/^(["'])(.*)\1$/, '$2'));
  }
  return values;
}

/** ENABLED=yes in /etc/ufw/ufw.conf: ufw's boot script loads the rules only then. */
export function ufwConfEnabled(text: string): boolean {
  return (parseShellAssignments(text).get('ENABLED') ?? '').toLowerCase() === 'yes';
}

/** DEFAULT_INPUT_POLICY in /etc/default/ufw: DROP unless changed (ACCEPT lets SSH in anyway). */
export function ufwDefaultInputPolicy(text: string | null): string {
  if (text === null) return 'DROP';
  return (parseShellAssignments(text).get('DEFAULT_INPUT_POLICY') ?? 'DROP').toUpperCase();
}

export function parseUfwTuples(text: string): UfwRule[] {
  const rules: UfwRule[] = [];
  for (const line of text.split('\n')) {
    const match = /^### tuple ### (.*)$/.exec(line.trim());
    if (!match) continue;
    const fields = match[1].trim().split(/\s+/).filter((field) => !field.startsWith('comment='));
    // Seven fields, or nine when an application profile is named (dapp and sapp before direction).
    if (fields.length !== 7 && fields.length !== 9) continue;
    const [rawAction, protocol, dport, dst, sport, src] = fields;
    const route = rawAction.startsWith('route:');
    const action = rawAction.replace(/^route:/, '').replace(/_log(-all)?$/, '');
    rules.push({ action, route, protocol, dport, dst, sport, src, dapp: fields.length === 9 ? fields[6] : '-', direction: fields[fields.length - 1] });
  }
  return rules;
}

/** allowed, denied (a rule drops it first), restricted (allowed only from some places), none. */
export type SshVerdict = 'allowed' | 'denied' | 'restricted' | 'none';

const ANYWHERE = new Set(['0.0.0.0/0', '::/0', 'any']);
// DigitalOcean's public interface is eth0, so "in on eth0" still lets the owner in.
const PUBLIC_DIRECTIONS = new Set(['in', 'in_eth0']);

function reachesPort(rule: UfwRule, ports: readonly number[]): boolean {
  if (rule.route || !rule.direction.startsWith('in')) return false;
  if (rule.protocol !== 'tcp' && rule.protocol !== 'any') return false;
  return rule.dport === 'any' || ports.some((port) => portSpecIncludes(rule.dport, port));
}

/**
 * ufw applies its user rules in file order and the first match wins, so the first rule that
 * covers SSH from anywhere decides; rules limited to some sources, destinations or interfaces
 * do not decide (a Droplet made from the image has a new address and its owner any address).
 */
export function ufwSshVerdict(rules: readonly UfwRule[], ports: readonly number[]): SshVerdict {
  let restricted = false;
  for (const rule of rules) {
    if (!reachesPort(rule, ports)) continue;
    const accepts = rule.action === 'allow' || rule.action === 'limit';
    const everywhere = ANYWHERE.has(rule.src) && ANYWHERE.has(rule.dst) && rule.sport === 'any' && PUBLIC_DIRECTIONS.has(rule.direction);
    if (everywhere) return accepts ? 'allowed' : 'denied';
    if (accepts) restricted = true;
  }
  return restricted ? 'restricted' : 'none';
}
