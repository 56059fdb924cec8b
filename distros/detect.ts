// Finds which distribution the target is, from the first release file that names it.
import type { Host } from '../agent/host.js';
import { parseDebianVersion, parseLsbRelease, parseOsRelease, parseRedhatRelease, type OsRelease } from './os-release.js';
import { findRelease, type Family, type PackageManager, type Release } from './releases.js';

export interface Distro {
  id: string;
  name: string;
  version: string;
  codename: string;
  family: Family;
  packageManager: PackageManager;
  /** The release table's entry, when the release is known. */
  release?: Release;
  /** The file it was read from. */
  source: string;
}

export class UnknownDistroError extends Error {}

// Order matters: os-release first; CentOS 6 has only the EL release files.
const SOURCES: ReadonlyArray<[string, (content: string) => OsRelease | null]> = [
  ['/etc/os-release', parseOsRelease],
  ['/usr/lib/os-release', parseOsRelease],
  ['/etc/lsb-release', parseLsbRelease],
  ['/etc/centos-release', parseRedhatRelease],
  ['/etc/redhat-release', parseRedhatRelease],
  ['/etc/debian_version', parseDebianVersion],
];

const FAMILY_BY_ID: Record<string, Family> = {
  debian: 'debian',
  ubuntu: 'debian',
  rhel: 'rhel',
  centos: 'rhel',
  fedora: 'rhel',
  rocky: 'rhel',
  almalinux: 'rhel',
  cloudlinux: 'rhel',
};

function familyOf(facts: OsRelease): Family | undefined {
  return [facts.id, ...facts.idLike].map((id) => FAMILY_BY_ID[id]).find(Boolean);
}

function elMajor(versionId: string | undefined): number {
  return Number.parseInt(versionId ?? '', 10);
}

function packageManagerOf(facts: OsRelease, family: Family): PackageManager {
  if (family === 'debian') return 'apt';
  // yum up to EL 7; dnf from EL 8 and on every Fedora this agent can meet.
  return facts.id !== 'fedora' && elMajor(facts.versionId) <= 7 ? 'yum' : 'dnf';
}

export async function detectDistro(host: Host): Promise<Distro> {
  return host.memo('distro', async () => {
    for (const [path, parse] of SOURCES) {
      const content = await host.readText(path, { maxBytes: 64 * 1024 });
      if (content === null) continue;
      const facts = parse(content);
      if (!facts) continue;
      const release = findRelease(facts);
      const family = release?.family ?? familyOf(facts);
      if (!family) {
        throw new UnknownDistroError(
          `unsupported distribution '${facts.prettyName ?? facts.id}' (from ${path}): the agent knows the apt (Ubuntu, Debian) and dnf/yum (CentOS, Rocky, AlmaLinux, CloudLinux, Fedora) families`,
        );
      }
      return {
        id: facts.id,
        name: facts.prettyName ?? facts.name ?? facts.id,
        version: facts.versionId ?? '',
        codename: facts.versionCodename ?? release?.codename ?? '',
        family,
        packageManager: release?.packageManager ?? packageManagerOf(facts, family),
        release,
        source: path,
      };
    }
    throw new UnknownDistroError('cannot tell which distribution this is: no /etc/os-release, /usr/lib/os-release, lsb-release or EL/Debian release file');
  });
}
