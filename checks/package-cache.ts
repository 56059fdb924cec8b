// Downloaded packages left in the package manager's cache make every Droplet's disk (and the
// image) bigger for nothing: they can be downloaded again.
import { couldNotCheck, humanSize, problem } from '../agent/findings.js';
import { isWalkError } from '../agent/host.js';
import type { CheckModule, Finding } from '../agent/types.js';
import { PHASE } from '../agent/cleanup/actions.js';
import { detectDistro } from '../distros/detect.js';
import { CLEAN_COMMAND } from './security-updates.js';

const CACHE_DIRS = ['/var/cache/apt/archives', '/var/cache/dnf', '/var/cache/yum'];
const PACKAGE_FILE = /\.(deb|rpm)$/;

export const packageCache: CheckModule = {
  id: 'package-cache',
  title: 'No downloaded packages',
  description: 'No .deb or .rpm files in /var/cache/apt/archives, /var/cache/dnf or /var/cache/yum.',
  explain: {
    looksAt: `Package files under ${CACHE_DIRS.join(', ')} (recursively, without following links): their number and total size.`,
    why: 'Downloaded packages take space in the image and in every Droplet made from it, and a smaller image deploys faster; they can always be downloaded again.',
    manualFix: 'apt-get clean, or dnf clean all / yum clean all.',
  },
  remedy: 'apt-get clean (or dnf clean all / yum clean all)',
  severity: 'warn',
  fixable: true,
  appliesTo: () => true,
  async run(host) {
    const findings: Finding[] = [];
    for (const dir of CACHE_DIRS) {
      let count = 0;
      let bytes = 0;
      for await (const entry of host.walk(dir)) {
        if (isWalkError(entry)) {
          findings.push(couldNotCheck(`${entry.path}: ${entry.error}`, entry.path));
          continue;
        }
        if (!entry.stats.isFile() || !PACKAGE_FILE.test(entry.path)) continue;
        count++;
        bytes += entry.stats.size;
      }
      if (count > 0) findings.push(problem('warn', 'cached-packages', `${count} downloaded package${count === 1 ? '' : 's'}, ${humanSize(bytes)}`, dir));
    }
    return { findings };
  },
  plan: async (host, report) => {
    if (!report.findings.some((f) => f.code === 'cached-packages')) return [];
    const manager = (await detectDistro(host)).packageManager;
    return [{ check: report.id, kind: 'run', command: CLEAN_COMMAND[manager], phase: PHASE.packages + 5 }];
  },
};
