// /var/lib/dpkg/status: read directly, so the same code works on a live machine and a mounted image.

export interface InstalledPackage {
  name: string;
  version: string;
}

/** Installed packages by name. Stanzas whose Status is not "install ok installed" are left out. */
export function parseDpkgStatus(content: string): Map<string, InstalledPackage> {
  const installed = new Map<string, InstalledPackage>();
  for (const stanza of content.split(/\n\s*\n/)) {
    let name = '';
    let version = '';
    let status = '';
    for (const line of stanza.split('\n')) {
      // Continuation lines (descriptions, conffiles) start with a space.
      if (line.startsWith(' ') || line.startsWith('\t')) continue;
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const key = line.slice(0, colon);
      const value = line.slice(colon + 1).trim();
      if (key === 'Package') name = value;
      else if (key === 'Version') version = value;
      else if (key === 'Status') status = value;
    }
    // "install ok installed", "hold ok installed": the last word is the state that matters.
    if (name && status.endsWith(' installed')) installed.set(name, { name, version });
  }
  return installed;
}
