// firewalld's permanent configuration, which is what it loads at boot. The default zone (the one
// an interface lands in unless bound elsewhere, so the Droplet's eth0) comes from firewalld.conf;
// a zone file in /etc/firewalld/zones replaces the packaged one in /usr/lib/firewalld/zones.
import { portSpecIncludes } from './ports.js';

export const FIREWALLD_CONF = '/etc/firewalld/firewalld.conf';
export const ZONE_DIRS = ['/etc/firewalld/zones', '/usr/lib/firewalld/zones'];
/** A redefined ssh service (rare) lives here; otherwise the packaged one is 22/tcp. */
export const SSH_SERVICE_FILES = ['/etc/firewalld/services/ssh.xml', '/usr/lib/firewalld/services/ssh.xml'];

export interface Zone {
  /** default, ACCEPT, DROP, %%REJECT%%: ACCEPT lets everything in. */
  target: string;
  services: string[];
  ports: { port: string; protocol: string }[];
}

/** DefaultZone=NAME; firewalld uses "public" when the line or the file is missing. */
export function parseDefaultZone(text: string | null): string {
  for (const line of (text ?? '').split('\n')) {
    const match = /^\s*DefaultZone\s*=\s*(\S*)\s*$/.exec(line);
    if (match && match[1] !== '') return match[1];
  }
  return 'public';
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}\\s*=\\s*(["'])(.*?)\\1`).exec(tag)?.[2];
}

/**
 * The text without each span from an opener to the next closer after it. An opener with no closer
 * is left, as before; searched with indexOf, since a lazy [\s\S]*? rescanned to the end from every
 * unclosed opener (quadratic on "<!--<!--...").
 */
function removeSpans(text: string, opener: RegExp, closer: string): string {
  let out = '';
  let kept = 0;
  for (let match = opener.exec(text); match; match = opener.exec(text)) {
    const end = text.indexOf(closer, match.index + match[0].length);
    if (end < 0) break; // no closer after this one means none after the later ones either
    out += text.slice(kept, match.index);
    kept = opener.lastIndex = end + closer.length;
  }
  return out + text.slice(kept);
}

/** Every <name ...> start tag; stops at the first that never closes (for the same reason). */
function startTags(text: string, name: string): string[] {
  const tags: string[] = [];
  const opener = new RegExp(`<${name}\\b`, 'g');
  for (let match = opener.exec(text); match; match = opener.exec(text)) {
    const end = text.indexOf('>', opener.lastIndex);
    if (end < 0) break;
    tags.push(text.slice(match.index, end + 1));
    opener.lastIndex = end + 1;
  }
  return tags;
}

/**
 * The zone's own services and ports. Rich rules (<rule>...</rule>) are dropped first: they carry
 * source limits and their own accept/drop, which this check does not evaluate.
 */
export function parseZone(xml: string): Zone {
  const text = removeSpans(removeSpans(xml, /<!--/g, '-->'), /<rule[\s>]/g, '</rule>');
  const zoneTag = startTags(text, 'zone')[0] ?? '';
  const services = startTags(text, 'service').map((tag) => attribute(tag, 'name')).filter((n): n is string => !!n);
  const ports = startTags(text, 'port')
    .map((tag) => ({ port: attribute(tag, 'port') ?? '', protocol: attribute(tag, 'protocol') ?? '' }))
    .filter((p) => p.port !== '');
  return { target: attribute(zoneTag, 'target') ?? 'default', services, ports };
}

/** Zones firewalld ships that do or do not let SSH in, for a default zone whose file is absent. */
export const BUILTIN_ZONES: Readonly<Record<string, Zone>> = {
  drop: { target: 'DROP', services: [], ports: [] },
  block: { target: '%%REJECT%%', services: [], ports: [] },
  trusted: { target: 'ACCEPT', services: [], ports: [] },
};

/** The TCP ports a service definition opens (ssh.xml: <port protocol="tcp" port="22"/>). */
export function servicePorts(xml: string): string[] {
  return parseZone(xml).ports.filter((p) => p.protocol === 'tcp').map((p) => p.port);
}

export function zoneAllowsTcp(zone: Zone, ports: readonly number[], sshServicePorts: readonly string[]): boolean {
  if (zone.target.toUpperCase() === 'ACCEPT') return true;
  const open = [
    ...zone.ports.filter((p) => p.protocol === 'tcp').map((p) => p.port),
    ...(zone.services.includes('ssh') ? sshServicePorts : []),
  ];
  return ports.some((port) => open.some((spec) => portSpecIncludes(spec, port)));
}
