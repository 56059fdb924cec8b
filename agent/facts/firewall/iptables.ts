// iptables-save output as iptables-persistent (/etc/iptables/rules.v4, netfilter-persistent.service)
// or EL's iptables-services (/etc/sysconfig/iptables, iptables.service) restore it at boot:
//   *filter
//   :INPUT DROP [0:0]
//   -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
//   COMMIT
// Only the filter table is read, and only far enough to tell "filters input" and "might drop SSH".
import { anyPortIncluded } from './ports.js';

export interface IptablesFilter {
  /** :INPUT policy, ACCEPT when the filter table does not set it. */
  inputPolicy: string;
  /** -A INPUT rules, as written. */
  inputRules: string[];
  /** Every rule of the filter table (a custom chain may hold the SSH accept). */
  allRules: string[];
}

export function parseIptablesSave(text: string): IptablesFilter {
  const filter: IptablesFilter = { inputPolicy: 'ACCEPT', inputRules: [], allRules: [] };
  let table = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) table = line.slice(1);
    else if (line === 'COMMIT') table = '';
    if (table !== 'filter') continue;
    const policy = /^:INPUT\s+(\S+)/.exec(line);
    if (policy) filter.inputPolicy = policy[1].toUpperCase();
    if (/^-[AI]\s/.test(line)) {
      filter.allRules.push(line);
      if (/^-[AI]\s+INPUT\b/.test(line)) filter.inputRules.push(line);
    }
  }
  return filter;
}

/** Filters input at all: a restrictive policy or at least one INPUT rule. */
export function iptablesFiltersInput(filter: IptablesFilter): boolean {
  return filter.inputPolicy !== 'ACCEPT' || filter.inputRules.length > 0;
}

/** Drops by default: DROP policy, or an INPUT rule that drops or rejects with no match at all. */
export function iptablesDropsByDefault(filter: IptablesFilter): boolean {
  return filter.inputPolicy !== 'ACCEPT' || filter.inputRules.some((rule) => /^-[AI]\s+INPUT\s+-j\s+(DROP|REJECT)\b/.test(rule));
}

/** An ACCEPT rule naming one of the ports (--dport 22, --dports 22,80, --dport ssh). */
export function iptablesAcceptsPort(filter: IptablesFilter, ports: readonly number[]): boolean {
  return filter.allRules.some(
    (rule) => /\s-j\s+ACCEPT\b/.test(rule) && [...rule.matchAll(/--dports?\s+(\S+)/g)].some((m) => anyPortIncluded(m[1], ports)),
  );
}
