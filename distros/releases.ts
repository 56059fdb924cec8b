// Release table for the distributions an image may be built from: lifecycle dates, package manager,
// and whether the DigitalOcean Marketplace accepts the release.
//
// Dates are ISO (YYYY-MM-DD). Where a vendor documents only a month, the last day of that month is
// used and the entry says so. Sources are named by the vendor's lifecycle page:
//   Ubuntu:        ubuntu.com "The Ubuntu lifecycle and release cadence" (ubuntu.com/about/release-cycle),
//                  and the end-of-life announcements on the ubuntu-announce list for exact days.
//   Debian:        debian.org "Debian Releases" and wiki.debian.org "LTS" (Debian LTS team announcements);
//                  Freexian "Extended LTS" for the paid tail.
//   CentOS:        centos.org "CentOS Linux / CentOS Stream end dates" (wiki.centos.org/About/Product).
//   Rocky Linux:   wiki.rockylinux.org "Rocky Linux Release and Version Guide".
//   AlmaLinux:     wiki.almalinux.org "AlmaLinux Release Notes" / release lifecycle table.
//   CloudLinux:    docs.cloudlinux.com "CloudLinux OS lifecycle" (EOL follows the RHEL major it rebuilds).
//   Fedora:        docs.fedoraproject.org "Fedora Linux Release Life Cycle" and each release's schedule page.
//
// Marketplace acceptance: DigitalOcean's image checker (marketplace-partners 99-img-check.sh v1.8.1)
// allows Ubuntu 16.04 18.04 20.04 22.04 22.10 24.04; Debian 9-13; CentOS Linux 6 7 8; CentOS Stream 8 9;
// Rocky, AlmaLinux and CloudLinux 8.x 9.x. We mark exactly those true, plus newer majors of accepted EL
// families (see the EL tables). Interim Ubuntu releases other than 22.10 and all Fedora releases are false.
import type { OsRelease } from './os-release.js';

export type Family = 'debian' | 'rhel';
export type PackageManager = 'apt' | 'dnf' | 'yum';

export interface Release {
  distro: 'ubuntu' | 'debian' | 'centos' | 'centos-stream' | 'rocky' | 'almalinux' | 'cloudlinux' | 'fedora';
  /** The release as os-release VERSION_ID names it: major only for EL ('9'), '22.04' for Ubuntu, '12' for Debian. */
  version: string;
  /** 'jammy', 'bookworm' */
  codename?: string;
  /** Human name: 'Ubuntu 22.04 LTS', 'Debian 12 (bookworm)', 'Rocky Linux 9'. */
  name: string;
  family: Family;
  /** yum for EL <= 7, dnf for EL >= 8 and Fedora, apt for the Debian family. */
  packageManager: PackageManager;
  /** Accepted by the DigitalOcean Marketplace. */
  marketplace: boolean;
  /** ISO date. */
  released: string;
  /**
   * Last day security updates come from the distribution's free channels:
   * Debian: end of LTS; Ubuntu: end of standard support (ESM needs a paid subscription);
   * EL: end of maintenance (full EOL).
   */
  endOfFreeSecurity: string;
  /** A free extended period at the tail of endOfFreeSecurity (Debian LTS: from end of regular security support), if any. */
  freeExtendedFrom?: string;
  /** 'Debian LTS' */
  extendedName?: string;
  /** Informational: Ubuntu Pro/ESM, Debian ELTS (Freexian), CloudLinux/TuxCare ELS, RHEL-clone ELS. */
  paidSupport?: { name: string; until: string };
}

type Distro = Release['distro'];

const DISPLAY_NAMES: Readonly<Record<Distro, string>> = {
  ubuntu: 'Ubuntu',
  debian: 'Debian',
  centos: 'CentOS Linux',
  'centos-stream': 'CentOS Stream',
  rocky: 'Rocky Linux',
  almalinux: 'AlmaLinux',
  cloudlinux: 'CloudLinux OS',
  fedora: 'Fedora Linux',
};

export function distroDisplayName(distro: Distro): string {
  return DISPLAY_NAMES[distro];
}

// ---------------------------------------------------------------------------------------------
// Ubuntu. endOfFreeSecurity is the end of standard support: after it, updates need Ubuntu Pro (ESM).
// ---------------------------------------------------------------------------------------------

type UbuntuRow = readonly [
  version: string,
  codename: string,
  released: string,
  endOfStandardSupport: string,
  marketplace: boolean,
  esmUntil?: string,
];

const UBUNTU: readonly UbuntuRow[] = [
  // LTS: the release-cycle page gives months only. 16.04 standard support ended 2021-04-30
  // (Canonical's ESM transition notice). ESM ("Ubuntu Pro") ends are "Apr <year>" on the page,
  // so the last day of April is used; 16.04 and 18.04 can be extended two more years with the
  // paid Legacy add-on, which is not modelled here.
  ['16.04', 'xenial', '2016-04-21', '2021-04-30', true, '2026-04-30'],
  // Interim releases get 9 months; exact days are from the ubuntu-announce EOL notices.
  ['16.10', 'yakkety', '2016-10-13', '2017-07-20', false],
  ['17.04', 'zesty', '2017-04-13', '2018-01-13', false],
  ['17.10', 'artful', '2017-10-19', '2018-07-19', false],
  // The page says "Apr 2023"; Canonical ended standard support on 31 May 2023.
  ['18.04', 'bionic', '2018-04-26', '2023-05-31', true, '2028-04-30'],
  ['18.10', 'cosmic', '2018-10-18', '2019-07-18', false],
  ['19.04', 'disco', '2019-04-18', '2020-01-23', false],
  ['19.10', 'eoan', '2019-10-17', '2020-07-17', false],
  // The page says "Apr 2025"; Canonical ended standard support on 31 May 2025.
  ['20.04', 'focal', '2020-04-23', '2025-05-31', true, '2030-04-30'],
  ['20.10', 'groovy', '2020-10-22', '2021-07-22', false],
  ['21.04', 'hirsute', '2021-04-22', '2022-01-20', false],
  ['21.10', 'impish', '2021-10-14', '2022-07-14', false],
  // The page says "Apr 2027" with no day. The two previous LTS releases (18.04, 20.04) both ran
  // standard support to 31 May of their fifth year, so we use 2027-05-31 here; some third-party
  // trackers list 2027-06-01, a one-day difference that does not change any verdict today.
  ['22.04', 'jammy', '2022-04-21', '2027-05-31', true, '2032-04-30'],
  // 22.10 is in DigitalOcean's allow-list although it is an interim release.
  ['22.10', 'kinetic', '2022-10-20', '2023-07-20', true],
  ['23.04', 'lunar', '2023-04-20', '2024-01-25', false],
  ['23.10', 'mantic', '2023-10-12', '2024-07-11', false],
  // Page says "Apr 2029"; same 31 May convention as 18.04/20.04/22.04.
  ['24.04', 'noble', '2024-04-25', '2029-05-31', true, '2034-04-30'],
  ['24.10', 'oracular', '2024-10-10', '2025-07-10', false],
  // EOL 2026-01-15 per Canonical's end-of-life notice for 25.04.
  ['25.04', 'plucky', '2025-04-17', '2026-01-15', false],
  // The page says "Jul 2026"; no exact day was found, so the last day of July is used.
  ['25.10', 'questing', '2025-10-09', '2026-07-31', false],
  // 26.04 LTS (resolute), released in April 2026: the newest LTS vendors build on. Its standard
  // support is five years like every LTS; same 31 May convention. Accepted as the successor of 24.04
  // in DigitalOcean's list (our reading: the checker's list predates it).
  ['26.04', 'resolute', '2026-04-23', '2031-05-31', true, '2036-04-30'],
];

function ubuntuRelease([version, codename, released, endOfStandard, marketplace, esmUntil]: UbuntuRow): Release {
  const lts = esmUntil !== undefined; // only LTS releases get ESM
  return {
    distro: 'ubuntu',
    version,
    codename,
    name: `Ubuntu ${version}${lts ? ' LTS' : ''}`,
    family: 'debian',
    packageManager: 'apt',
    marketplace,
    released,
    endOfFreeSecurity: endOfStandard,
    ...(esmUntil ? { paidSupport: { name: 'Ubuntu Pro (ESM)', until: esmUntil } } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Debian. endOfFreeSecurity is the end of Debian LTS (free); freeExtendedFrom is the last day of
// regular security-team support, from which the LTS team carries the release.
// ---------------------------------------------------------------------------------------------

type DebianRow = readonly [
  version: string,
  codename: string,
  released: string,
  endOfRegularSecurity: string,
  endOfLts: string,
  eltsUntil?: string,
];

const DEBIAN: readonly DebianRow[] = [
  ['9', 'stretch', '2017-06-17', '2020-07-06', '2022-06-30', '2027-06-30'],
  // Security team support ended 2022-06-30; the final point release (10.13) followed on 2022-09-10.
  ['10', 'buster', '2019-07-06', '2022-06-30', '2024-06-30', '2029-06-30'],
  // LTS announcement: LTS took over on 2024-08-14, three years after release, until 2026-08-31.
  ['11', 'bullseye', '2021-08-14', '2024-08-14', '2026-08-31', '2031-06-30'],
  // Per the same announcement: regular support until 2026-06-10, LTS until 2028-06-30.
  // (One third-party tracker shows 2026-07-11 for the end of regular support; Debian's LTS
  // announcement says 2026-06-10. Only freeExtendedFrom depends on it.)
  ['12', 'bookworm', '2023-06-10', '2026-06-10', '2028-06-30', '2033-06-30'],
  // Released 2025-08-09. Three years of regular support (expected 2028-08-09) and LTS to 2030-06-30;
  // Freexian has not published an ELTS end for trixie, so none is given.
  ['13', 'trixie', '2025-08-09', '2028-08-09', '2030-06-30'],
];

function debianRelease([version, codename, released, endOfRegular, endOfLts, eltsUntil]: DebianRow): Release {
  return {
    distro: 'debian',
    version,
    codename,
    name: `Debian ${version} (${codename})`,
    family: 'debian',
    packageManager: 'apt',
    // Debian 9-13 are all in DigitalOcean's allow-list.
    marketplace: true,
    released,
    endOfFreeSecurity: endOfLts,
    freeExtendedFrom: endOfRegular,
    extendedName: 'Debian LTS',
    ...(eltsUntil ? { paidSupport: { name: 'Debian ELTS (Freexian)', until: eltsUntil } } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Enterprise Linux rebuilds and Fedora. endOfFreeSecurity is the end of maintenance (full EOL).
// ---------------------------------------------------------------------------------------------

type RpmDistro = Exclude<Distro, 'ubuntu' | 'debian'>;

type RpmRow = readonly [
  distro: RpmDistro,
  version: string,
  released: string,
  endOfLife: string,
  marketplace: boolean,
  paidSupport?: { name: string; until: string },
];

/** EL 7 and older ship yum; EL 8+ and every Fedora we list ship dnf. */
function rpmPackageManager(distro: RpmDistro, major: number): PackageManager {
  return distro !== 'fedora' && major <= 7 ? 'yum' : 'dnf';
}

const RPM: readonly RpmRow[] = [
  // CentOS Linux (wiki.centos.org/About/Product). CentOS 8 was cut short to 2021-12-31 when
  // CentOS Linux was replaced by CentOS Stream.
  ['centos', '6', '2011-07-10', '2020-11-30', true],
  ['centos', '7', '2014-07-07', '2024-06-30', true],
  ['centos', '8', '2019-09-24', '2021-12-31', true],

  // CentOS Stream (centos.org download page end dates). Stream 9's and 10's ends are the
  // project's stated estimates (end of RHEL full support); 10's is published as 2030-01-01.
  ['centos-stream', '8', '2019-09-24', '2024-05-31', true],
  ['centos-stream', '9', '2021-12-03', '2027-05-31', true],
  // Our reading: Stream 10 is not in DigitalOcean's checker list, but it is the newer major of an
  // accepted family, so we treat it as accepted. Same for Rocky 10 and AlmaLinux 10 below.
  ['centos-stream', '10', '2024-12-12', '2030-01-01', true],

  // Rocky Linux (wiki.rockylinux.org release and version guide). Released = first GA of the
  // major (8.4 on 2021-06-21; the 8.3 build of May 2021 was a release candidate line).
  ['rocky', '8', '2021-06-21', '2029-05-31', true],
  ['rocky', '9', '2022-07-14', '2032-05-31', true],
  ['rocky', '10', '2025-06-11', '2035-05-31', true], // our reading, see CentOS Stream 10

  // AlmaLinux (wiki.almalinux.org lifecycle: "security support" end). AlmaLinux 8 ends
  // 2029-03-01, earlier than RHEL 8's 2029-05-31, as AlmaLinux documents.
  ['almalinux', '8', '2021-03-30', '2029-03-01', true],
  ['almalinux', '9', '2022-05-26', '2032-05-31', true],
  ['almalinux', '10', '2025-05-27', '2035-05-31', true], // our reading, see CentOS Stream 10

  // CloudLinux OS (EOL follows the RHEL major). CloudLinux 7 is not in DigitalOcean's list
  // (only 8.x and 9.x are); it continues under paid ELS with no published end date, so
  // paidSupport is left out rather than guessed. Release days are approximate: CloudLinux
  // announced GA by month (7: April 2015), so the last day of that month is used.
  ['cloudlinux', '7', '2015-04-30', '2024-06-30', false],
  ['cloudlinux', '8', '2021-03-31', '2029-05-31', true],
  ['cloudlinux', '9', '2023-03-31', '2032-05-31', true],

  // Fedora: supported until four weeks after the GA of release N+2 (Fedora Release Life Cycle).
  // Not accepted by the Marketplace.
  ['fedora', '39', '2023-11-07', '2024-11-26', false],
  ['fedora', '40', '2024-04-23', '2025-05-13', false],
  ['fedora', '41', '2024-10-29', '2025-12-15', false],
  // EOL slipped one day from the scheduled 2026-05-27.
  ['fedora', '42', '2025-04-15', '2026-05-28', false],
  // Four weeks after Fedora 45's GA. Fedora's own schedule page could not be checked; a third-party
  // table gives "~2026-11-30", used here as an estimate until the EOL notice is confirmed.
  ['fedora', '43', '2025-10-28', '2026-11-30', false],
];

function rpmRelease([distro, version, released, endOfLife, marketplace, paidSupport]: RpmRow): Release {
  return {
    distro,
    version,
    name: `${distroDisplayName(distro)} ${version}`,
    family: 'rhel',
    packageManager: rpmPackageManager(distro, Number(version)),
    marketplace,
    released,
    endOfFreeSecurity: endOfLife,
    ...(paidSupport ? { paidSupport } : {}),
  };
}

export const RELEASES: readonly Release[] = Object.freeze([
  ...UBUNTU.map(ubuntuRelease),
  ...DEBIAN.map(debianRelease),
  ...RPM.map(rpmRelease),
]);

// ---------------------------------------------------------------------------------------------
// Lookup from /etc/os-release facts
// ---------------------------------------------------------------------------------------------

/** What the release lookup reads of os-release (ID_LIKE deliberately not, see findRelease). */
export type ReleaseKey = Pick<OsRelease, 'id' | 'versionId' | 'name' | 'prettyName'>;

/** os-release ID values and the distro each names. CentOS Stream shares ID "centos" (see findRelease). */
const DISTRO_BY_ID: Readonly<Record<string, Distro>> = {
  ubuntu: 'ubuntu',
  debian: 'debian',
  centos: 'centos',
  rocky: 'rocky',
  almalinux: 'almalinux',
  cloudlinux: 'cloudlinux',
  fedora: 'fedora',
};

/**
 * How VERSION_ID is compared. Ubuntu's VERSION_ID is the release itself ('22.04'); everyone else
 * is matched by major, since point releases ('9.4', '8.10', Debian '12.5' from debian_version)
 * belong to the same lifecycle.
 */
const VERSION_MATCH: Readonly<Record<Distro, 'exact' | 'major'>> = {
  ubuntu: 'exact',
  debian: 'major',
  centos: 'major',
  'centos-stream': 'major',
  rocky: 'major',
  almalinux: 'major',
  cloudlinux: 'major',
  fedora: 'major',
};

const INDEX: ReadonlyMap<string, Release> = new Map(RELEASES.map((r) => [`${r.distro}/${r.version}`, r]));

function normalizeVersion(distro: Distro, versionId: string): string {
  const v = versionId.trim();
  return VERSION_MATCH[distro] === 'exact' ? v : v.split('.')[0]!;
}

/**
 * Finds the release for os-release facts. Matches on ID only: ID_LIKE is deliberately not used to
 * adopt a parent's release, because a derivative (Linux Mint: ID_LIKE="ubuntu debian",
 * VERSION_ID="21.3") would otherwise be reported as a release it is not. An unknown ID, a missing
 * VERSION_ID, or a version we do not list gives undefined.
 * CentOS Stream has ID="centos" and NAME="CentOS Stream": it maps to the centos-stream entry.
 */
export function findRelease(facts: ReleaseKey): Release | undefined {
  const base = DISTRO_BY_ID[facts.id.trim().toLowerCase()];
  if (base === undefined || facts.versionId === undefined || facts.versionId.trim() === '') return undefined;

  // CentOS Linux and CentOS Stream share ID "centos"; NAME (or PRETTY_NAME) tells them apart.
  // CentOS Linux has no 9 or 10, so a centos ID with such a version can only be Stream.
  const candidates: readonly Distro[] =
    base !== 'centos'
      ? [base]
      : /\bstream\b/i.test(`${facts.name ?? ''} ${facts.prettyName ?? ''}`)
        ? ['centos-stream']
        : ['centos', 'centos-stream'];

  for (const distro of candidates) {
    const hit = INDEX.get(`${distro}/${normalizeVersion(distro, facts.versionId)}`);
    if (hit) return hit;
  }
  return undefined;
}
