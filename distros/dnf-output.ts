// Parsers for what dnf and yum print. Pure functions: the commands are run by dnf-updates.ts.
export { compareEvr, rpmVerCmp } from './rpm-version.js';
//
// `check-update` rows are `name.arch  [epoch:]version-release  repo`, but the output around them
// varies: yum prints "Loaded plugins: ...", mirror lines and a leading blank line (which the
// reference script counted as an update), dnf prints "Last metadata expiration check: ..." and
// repository progress lines, `--security` adds "Security: ... is an installed security update",
// an "Obsoleting Packages" section lists obsoletes (not updates), and yum wraps a row whose
// name.arch is too long onto the next, indented line. So a row is accepted only when its three
// fields have the shapes above; everything else is ignored.

/** Architectures rpm-based distributions use; a name.arch field must end in one of them. */
const ARCHES = new Set([
  'noarch', 'x86_64', 'x86_64_v2', 'x86_64_v3', 'i386', 'i486', 'i586', 'i686', 'athlon', 'aarch64',
  'ppc', 'ppc64', 'ppc64le', 'ppc64p7', 's390', 's390x', 'armv6hl', 'armv7hl', 'armv7l', 'armhfp',
  'riscv64', 'ia64', 'loongarch64', 'mips64el', 'sparc64', 'src', 'nosrc',
]);

const EVR = /^(?:\d+:)?[^\s:-]+-[^\s:-]+$/;
const REPO = /^[^\s|]+$/;

export interface CheckUpdateRow {
  name: string;
  arch: string;
  candidate: string;
  repo: string;
}

export interface UpdateinfoRow {
  advisory: string;
  /** "Important", "Moderate"...; '' when dnf prints none. */
  severity: string;
  /** 'security' (dnf's "Sec."), 'bugfix', 'enhancement', 'newpackage' or what was printed. */
  type: string;
  /** name-[epoch:]version-release.arch of the fixed package. */
  nevra: string;
}

function splitNameArch(field: string): { name: string; arch: string } | null {
  const dot = field.lastIndexOf('.');
  if (dot <= 0) return null;
  const arch = field.slice(dot + 1);
  return ARCHES.has(arch) ? { name: field.slice(0, dot), arch } : null;
}

function rowOf(fields: string[]): CheckUpdateRow | null {
  if (fields.length !== 3) return null;
  const [nameArch, candidate, repo] = fields;
  const na = splitNameArch(nameArch);
  if (!na || !EVR.test(candidate) || !REPO.test(repo)) return null;
  return { ...na, candidate, repo };
}

/** Rows of `dnf check-update` / `yum check-update` (with or without --security). */
export function parseCheckUpdate(stdout: string): CheckUpdateRow[] {
  const rows: CheckUpdateRow[] = [];
  // A row cut short by wrapping: its first fields, waiting for an indented continuation line.
  let pending: string[] | null = null;
  for (const line of stdout.split(/\r?\n/)) {
    const text = line.trim();
    if (/^Obsoleting Packages\b/i.test(text)) break; // the rest are obsoletes, not updates
    if (!text || /^(Security:|Last metadata expiration check|Loaded plugins:|Loading mirror speeds)/.test(text)) {
      pending = null;
      continue;
    }
    const fields = text.split(/\s+/);
    if (pending && /^\s/.test(line)) {
      const joined: string[] = [...pending, ...fields];
      pending = null;
      if (joined.length < 3 && splitNameArch(joined[0]) && EVR.test(joined[1] ?? '')) {
        pending = joined; // wrapped twice (name.arch, version and repo on three lines)
        continue;
      }
      const row = rowOf(joined);
      if (row) rows.push(row);
      continue;
    }
    pending = null;
    if (fields.length === 3) {
      const row = rowOf(fields);
      if (row) rows.push(row);
    } else if (fields.length < 3 && splitNameArch(fields[0]) && (fields.length === 1 || EVR.test(fields[1]))) {
      pending = fields;
    }
  }
  return rows;
}

const NEVRA = /^(.+)-(?:(\d+):)?([^-:\s]+)-([^-:\s]+)\.([A-Za-z0-9_]+)$/;

export interface Nevra {
  name: string;
  epoch: string;
  version: string;
  release: string;
  arch: string;
}

export function parseNevra(nevra: string): Nevra | null {
  const m = NEVRA.exec(nevra);
  if (!m || !ARCHES.has(m[5])) return null;
  return { name: m[1], epoch: m[2] ?? '0', version: m[3], release: m[4], arch: m[5] };
}

const TYPES: Record<string, string> = {
  'sec.': 'security',
  security: 'security',
  bugfix: 'bugfix',
  enhancement: 'enhancement',
  newpackage: 'newpackage',
};

const ADVISORY_CHARS = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/**
 * RHSA-2024:1234, FEDORA-2024-0a1b2c: a word with a '-' or ':' after its first character. Two
 * tests, as one regex with [-:] between two overlapping classes backtracked quadratically.
 */
function isAdvisoryId(word: string): boolean {
  return ADVISORY_CHARS.test(word) && /[-:]/.test(word.slice(1));
}

/** Rows of `dnf updateinfo list` / `yum updateinfo list`: `ADVISORY Severity/Type NEVRA`. */
export function parseUpdateinfoList(stdout: string): UpdateinfoRow[] {
  const rows: UpdateinfoRow[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    let fields = line.trim().split(/\s+/);
    // `--installed`/`--all` prefix installed advisories with "i".
    if (fields.length === 4 && fields[0] === 'i') fields = fields.slice(1);
    if (fields.length !== 3) continue;
    const [advisory, label, nevra] = fields;
    if (!isAdvisoryId(advisory) || !parseNevra(nevra)) continue;
    const slash = label.lastIndexOf('/');
    const severity = slash >= 0 ? label.slice(0, slash) : '';
    const rawType = slash >= 0 ? label.slice(slash + 1) : label;
    const type = TYPES[rawType.toLowerCase()];
    if (!type && slash < 0) continue; // not an updateinfo row ("Loaded plugins: x", ...)
    rows.push({ advisory, severity: severity === 'None' ? '' : severity, type: type ?? rawType.toLowerCase(), nevra });
  }
  return rows;
}

/**
 * Drops `user:password@` from URLs so credentials in a baseurl never reach a report. Up to the
 * last '@' before the host, since a password may hold '@' itself; that also drops a `***@` mask.
 */
export function stripUrlCredentials(text: string): string {
  return text.replace(/:\/\/[^/\s]*@/g, '://');
}
