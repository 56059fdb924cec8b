// The trust of a dnf/yum image's repositories: an enabled repository whose packages are not
// checked (gpgcheck off in its section, or not set there and off or unset in the main
// configuration: dnf and yum default to off), and repositories a Droplet cannot reach.
import { posix } from 'node:path';
import type { Host } from '../agent/host.js';
import { isFalse, isTrue, namesLocalHost, type SourceProblem, type SourceTrust } from './source-trust.js';

const REPOS_DIR = '/etc/yum.repos.d';

export interface IniSection {
  name: string;
  line: number;
  values: Map<string, string>;
}

/** A dnf/yum .repo or .conf file: [sections] of key=value; # and ; comments; indented lines continue a value. */
export function parseRepoIni(text: string): IniSection[] {
  const sections: IniSection[] = [];
  let current: IniSection | null = null;
  let last: string | null = null;
  text.split('\n').forEach((raw, index) => {
    if (/^\s*([#;]|$)/.test(raw)) return;
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(raw);
    if (header) {
      current = { name: header[1].trim(), line: index + 1, values: new Map() };
      sections.push(current);
      last = null;
      return;
    }
    if (!current) return;
    const section: IniSection = current;
    if (/^\s/.test(raw) && last) {
      section.values.set(last, `${section.values.get(last) ?? ''} ${raw.trim()}`);
      return;
    }
    const m = /^\s*([^=\s]+)\s*=\s*(.*)$/.exec(raw);
    if (!m) return;
    last = m[1].toLowerCase();
    section.values.set(last, m[2].trim());
  });
  return sections;
}

/** Why a Droplet cannot fetch from a repository URL, or null when it can. */
async function unreachable(host: Host, url: string): Promise<string | null> {
  if (/^(media|cdrom):/i.test(url)) return 'installation media';
  if (namesLocalHost(url)) return 'this machine (localhost)';
  const file = /^file:\/\/(\/.*)$/i.exec(url);
  if (!file) return null;
  // A repository shipped in the image is on every Droplet's disk.
  const dir = file[1].replace(/\/+$/, '');
  return (await host.stat(posix.join(dir, 'repodata/repomd.xml')))?.isFile() ? null : 'a directory that is not in the image';
}

function urlsOf(section: IniSection): string[] {
  return ['baseurl', 'mirrorlist', 'metalink'].flatMap((key) => (section.values.get(key) ?? '').split(/[\s,]+/).filter(Boolean));
}

async function judgeRepo(host: Host, path: string, section: IniSection, main: { path: string; gpgcheck?: string }, manager: string, problems: SourceProblem[]): Promise<void> {
  if (isFalse(section.values.get('enabled'))) return;
  const at = { path, line: section.line };
  const what = `repository [${section.name}] (line ${section.line})`;
  const own = section.values.get('gpgcheck');
  if (own !== undefined ? !isTrue(own) : !isTrue(main.gpgcheck)) {
    const why = own !== undefined ? 'gpgcheck=0' : main.gpgcheck !== undefined ? `gpgcheck=0 in ${main.path}` : `no gpgcheck set, and ${manager}'s default is off`;
    problems.push({ concern: 'gpgcheck-off', ...at, detail: `${what} is enabled and its packages are not checked (${why})` });
  }
  const urls = urlsOf(section);
  const reasons: string[] = [];
  for (const url of urls) {
    const why = await unreachable(host, url);
    if (why === null) return;
    reasons.push(why);
  }
  if (reasons.length > 0) problems.push({ concern: 'unreachable', ...at, detail: `${what} points at ${reasons[0]}: Droplets cannot fetch from it` });
}

export async function dnfSourceTrust(host: Host, manager: 'dnf' | 'yum'): Promise<SourceTrust> {
  const problems: SourceProblem[] = [];
  const unread: SourceTrust['unread'] = [];
  const read = async (path: string) => {
    try {
      return await host.readText(path, { maxBytes: 1024 * 1024 });
    } catch (error) {
      unread.push({ path, error });
      return null;
    }
  };
  const mainPath = manager === 'dnf' ? '/etc/dnf/dnf.conf' : '/etc/yum.conf';
  const mainSections = parseRepoIni((await read(mainPath)) ?? '');
  const main = { path: mainPath, gpgcheck: mainSections.find((s) => s.name === 'main')?.values.get('gpgcheck') };
  const files: { path: string; sections: IniSection[] }[] = [{ path: mainPath, sections: mainSections.filter((s) => s.name !== 'main') }];
  let names: string[] = [];
  try {
    names = (await host.list(REPOS_DIR)) ?? [];
  } catch (error) {
    unread.push({ path: REPOS_DIR, error });
  }
  for (const name of names.filter((n) => n.endsWith('.repo'))) {
    const path = posix.join(REPOS_DIR, name);
    const text = await read(path);
    if (text !== null) files.push({ path, sections: parseRepoIni(text) });
  }
  for (const { path, sections } of files) {
    for (const section of sections) {
      try {
        await judgeRepo(host, path, section, main, manager, problems);
      } catch (error) {
        unread.push({ path, error });
      }
    }
  }
  return { problems, unread };
}
