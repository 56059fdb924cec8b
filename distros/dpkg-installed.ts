// The installed packages of /var/lib/dpkg/status with their architecture and hold state: a
// pending update is one of (name, architecture), and Multi-Arch: same packages are installed
// once per architecture.

export interface InstalledDeb {
  name: string;
  arch: string;
  version: string;
  /** "hold" selection: apt's upgrades leave it alone. */
  held: boolean;
}

// States in which the package's files (of this version) are on disk.
const PRESENT = new Set(['installed', 'half-configured', 'unpacked', 'triggers-awaited', 'triggers-pending']);

/** name:arch, the key of an installed package and of an index entry. */
export const debKey = (name: string, arch: string) => `${name}:${arch}`;

export function parseInstalledDebs(status: string): Map<string, InstalledDeb> {
  const installed = new Map<string, InstalledDeb>();
  for (const stanza of status.split(/\n[ \t]*\n/)) {
    let name = '';
    let arch = '';
    let version = '';
    let state: string[] = [];
    for (const line of stanza.split('\n')) {
      if (line.startsWith(' ') || line.startsWith('\t')) continue; // continuation lines
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const value = line.slice(colon + 1).trim();
      switch (line.slice(0, colon)) {
        case 'Package': name = value; break;
        case 'Architecture': arch = value; break;
        case 'Version': version = value; break;
        case 'Status': state = value.split(/\s+/); break;
      }
    }
    // Status: WANT FLAG STATE, e.g. "install ok installed", "hold ok installed".
    if (!name || !version || !arch || state.length !== 3 || !PRESENT.has(state[2])) continue;
    installed.set(debKey(name, arch), { name, arch, version, held: state[0] === 'hold' });
  }
  return installed;
}
