// Downloaded packages left in the package manager's cache make every Droplet's disk (and the
// image) bigger for nothing: they can be downloaded again.
import { couldNotCheck, humanSize, problem } from '../agent/findings.js';
import { isWalkError } from '../agent/host.js';
import { fixes } from '../agent/cleanup/actions.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';
import { packageAdapter } from '../distros/package-adapter.js';


export const packageCache = defineCheck({
  id: 'package-cache',
  title: 'No downloaded packages',
  description: 'No downloaded .deb or .rpm files in the package cache (/var/cache/apt/archives, /var/cache/dnf, /var/cache/yum).',
  explain: {
    looksAt: 'Package files in the package manager\'s cache (/var/cache/apt/archives, or /var/cache/dnf and /var/cache/yum), recursively, without following links: their number and total size.',
    why: 'Downloaded packages take space in the image and in every Droplet made from it, and a smaller image deploys faster; they can always be downloaded again.',
    manualFix: 'apt-get clean, or dnf clean all / yum clean all.',
  },
  remedy: 'apt-get clean (or dnf clean all / yum clean all)',
  severity: 'warn',
  codes: {
    'cached-packages': () => [fixes.packages('clean')],
  },
  async run(host) {
    const findings: Finding[] = [];
    const { cacheDirs, packageFile } = await packageAdapter(host);
    for (const dir of cacheDirs) {
      let count = 0;
      let bytes = 0;
      for await (const entry of host.walk(dir)) {
        if (isWalkError(entry)) {
          findings.push(couldNotCheck(`${entry.path}: ${entry.error}`, entry.path));
          continue;
        }
        if (!entry.stats.isFile() || !packageFile.test(entry.path)) continue;
        count++;
        bytes += entry.stats.size;
      }
      if (count > 0) findings.push(problem('warn', 'cached-packages', `${count} downloaded package${count === 1 ? '' : 's'}, ${humanSize(bytes)}`, dir));
    }
    return { findings };
  },
});
