// The trust of an apt image's sources: options that switch verification off, global settings
// that do, third-party sources that name no key of their own, and sources a Droplet cannot reach.
//
// A source without signed-by is verified with every key in /etc/apt/trusted.gpg(.d): for the
// distribution's own archive that is its keyring (debian-archive-keyring, ubuntu-keyring), for a
// third party it means its key is trusted for every source. The distribution's archive is
// recognised without any host name: by the Release file apt fetched for it (Origin Debian or
// Ubuntu), else, when its lists are gone, by what it serves: the image's own release (CODENAME,
// CODENAME-updates, -security, -backports, -proposed) and only the distribution's components.
import { posix } from 'node:path';
import type { Host } from '../agent/host.js';
import { aptReadsPart, parseAptConf } from './apt-conf.js';
import { quoteListName } from './apt-index-targets.js';
import { readImageSources, sourceEntries, type SourceEntry } from './apt-sources.js';
import { detectDistro } from './detect.js';
import { isTrue, namesLocalHost, type SourceProblem, type SourceTrust } from './source-trust.js';

const LISTS = '/var/lib/apt/lists';
const OFFICIAL_ORIGIN = /^(Debian|Debian Backports|Ubuntu)$/;
const POCKET = /^(-updates|-security|-backports|-backports-sloppy|-proposed|-proposed-updates|\/updates)?$/;
const DISTRO_COMPONENTS = new Set(['main', 'contrib', 'non-free', 'non-free-firmware', 'restricted', 'universe', 'multiverse']);

// Settings that let apt use a repository without a valid signature (apt-secure(8)).
const INSECURE_SETTINGS = new Map([
  ['acquire::allowinsecurerepositories', 'Acquire::AllowInsecureRepositories'],
  ['acquire::allowdowngradetoinsecurerepositories', 'Acquire::AllowDowngradeToInsecureRepositories'],
  ['apt::get::allowunauthenticated', 'APT::Get::AllowUnauthenticated'],
]);

// Per-source options with the same effect (sources.list(5)).
const INSECURE_OPTIONS = ['allow-insecure', 'allow-downgrade-to-insecure', 'allow-weak'];

/** The part of a URI after its scheme, as apt names its lists files (without user and password). */
function listsPrefix(uri: string): string {
  return uri.replace(/^[a-z0-9.+-]*:(\/\/)?/i, '').replace(/^[^/@]*@/, '').replace(/\/+$/, '');
}

/** Origin of the Release apt fetched for a suite of a URI, or null when its lists are not there. */
async function releaseOrigin(host: Host, uri: string, suite: string): Promise<string | null> {
  const base = suite.endsWith('/') ? `${listsPrefix(uri)}/${suite}` : `${listsPrefix(uri)}/dists/${suite}/`;
  for (const name of ['InRelease', 'Release']) {
    const path = posix.join(LISTS, `${quoteListName(base)}${name}`);
    // apt's file: method leaves links in the lists: only a Release apt downloaded says who signed it.
    if (!(await host.lstat(path))?.isFile()) continue;
    const text = await host.readText(path, { maxBytes: 16 * 1024, head: true, follow: false });
    if (text !== null) return /^Origin:[ \t]*(.*?)\s*$/m.exec(text)?.[1] ?? '';
  }
  return null;
}

/** Is this entry the distribution's own archive (signed by the distribution's keyring)? */
export function servesDistroRelease(entry: SourceEntry, codename: string): boolean {
  if (!codename || entry.components.length === 0) return false;
  return entry.suites.every((s) => s.startsWith(codename) && POCKET.test(s.slice(codename.length))) && entry.components.every((c) => DISTRO_COMPONENTS.has(c));
}

async function isDistroArchive(host: Host, entry: SourceEntry, codename: string): Promise<boolean> {
  const origins: string[] = [];
  for (const uri of entry.uris) {
    for (const suite of entry.suites) {
      const origin = await releaseOrigin(host, uri, suite);
      if (origin !== null) origins.push(origin);
    }
  }
  if (origins.length > 0) return origins.every((o) => OFFICIAL_ORIGIN.test(o));
  return servesDistroRelease(entry, codename);
}

/** Why a Droplet cannot fetch from a URI, or null when it can. */
async function unreachable(host: Host, uri: string, suites: readonly string[]): Promise<string | null> {
  if (/^cdrom:/i.test(uri)) return 'a cdrom';
  if (namesLocalHost(uri)) return 'this machine (localhost)';
  const file = /^(?:file|copy):(?:\/\/)?(\/.*)$/i.exec(uri);
  if (!file) return null;
  // A repository shipped in the image is on every Droplet's disk; one that is not was the build machine's.
  for (const suite of suites) {
    const dir = suite.endsWith('/') ? posix.join(file[1], suite) : posix.join(file[1], 'dists', suite);
    for (const name of ['InRelease', 'Release']) if ((await host.stat(posix.join(dir, name)))?.isFile()) return null;
  }
  return 'a directory that is not in the image';
}

async function judgeEntry(host: Host, path: string, entry: SourceEntry, codename: string, problems: SourceProblem[]): Promise<void> {
  const at = { path, line: entry.line };
  const what = `${entry.types.join(' ')} source at line ${entry.line}`;
  if (isTrue(entry.options.get('trusted'))) problems.push({ concern: 'trusted', ...at, detail: `${what} is marked trusted: apt installs from it without checking any signature` });
  const insecure = INSECURE_OPTIONS.filter((o) => isTrue(entry.options.get(o)));
  if (insecure.length > 0) problems.push({ concern: 'allow-insecure', ...at, detail: `${what} sets ${insecure.join(', ')}: apt accepts it unsigned or weakly signed` });
  let reachable = true;
  for (const uri of entry.uris) {
    const why = await unreachable(host, uri, entry.suites);
    if (why) problems.push({ concern: 'unreachable', ...at, detail: `${what} points at ${why}: Droplets cannot fetch from it` });
    reachable &&= why === null;
  }
  // A source to remove (unreachable) or already failing (trusted) needs no word about its key.
  if (reachable && !entry.options.has('signed-by') && !isTrue(entry.options.get('trusted')) && !(await isDistroArchive(host, entry, codename))) {
    problems.push({ concern: 'unsigned', ...at, detail: `${what} is a third-party source with no signed-by: any key apt trusts may sign it` });
  }
}

async function insecureConfig(host: Host, problems: SourceProblem[], unread: SourceTrust['unread']): Promise<void> {
  const files = ['/etc/apt/apt.conf'];
  try {
    for (const name of (await host.list('/etc/apt/apt.conf.d')) ?? []) if (aptReadsPart(name, '.conf')) files.push(posix.join('/etc/apt/apt.conf.d', name));
  } catch (error) {
    unread.push({ path: '/etc/apt/apt.conf.d', error });
  }
  for (const path of files) {
    let text: string | null;
    try {
      text = await host.readText(path, { maxBytes: 1024 * 1024 });
    } catch (error) {
      unread.push({ path, error });
      continue;
    }
    for (const setting of parseAptConf(text ?? '')) {
      const name = INSECURE_SETTINGS.get(setting.key.toLowerCase());
      if (name && isTrue(setting.value)) problems.push({ concern: 'insecure-config', path, line: setting.line, detail: `${name} is on at line ${setting.line}: apt accepts unsigned repositories` });
    }
  }
}

export async function aptSourceTrust(host: Host): Promise<SourceTrust> {
  const problems: SourceProblem[] = [];
  const unread: SourceTrust['unread'] = [];
  const { codename } = await detectDistro(host);
  for (const file of await readImageSources(host, (path, error) => unread.push({ path, error }))) {
    for (const entry of sourceEntries(file)) {
      try {
        await judgeEntry(host, file.path, entry, codename, problems);
      } catch (error) {
        unread.push({ path: file.path, error });
      }
    }
  }
  await insecureConfig(host, problems, unread);
  return { problems, unread };
}
