// apt and dnf write to /tmp: without a world-writable sticky /tmp they fail (and DigitalOcean's own
// check then passes on stale package lists). Leftover files waste space and may hold build secrets.
import { posix } from 'node:path';
import { couldNotCheck, humanSize, problem } from '../agent/findings.js';
import { fileKind, type Host } from '../agent/host.js';
import { fixes } from '../agent/cleanup/actions.js';
import { at } from '../agent/fix-inputs.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';
import { agentBinaryPath } from '../agent/self.js';

const TMP_DIRS = ['/tmp', '/var/tmp'];
// Socket directories X11 and friends create: empty and harmless.
const EXPECTED = new Set(['.X11-unix', '.ICE-unix', '.XIM-unix', '.font-unix', '.Test-unix']);
// The agent's own scratch directories (dnf --installroot needs one inside the image while the
// security check runs concurrently with this one); they are removed when the run ends.
const AGENT_SCRATCH = /^(mpa-dnf-|marketplace-agent-)/;

/** The agent itself, when a Packer provisioner uploaded it to /tmp: not a leftover of the build.
 * Only on a live machine is its path on this machine also a path of the target. */
function ownBinary(host: Host): string | undefined {
  return host.mode === 'live' ? agentBinaryPath() : undefined;
}

export const tmpDirs = defineCheck({
  id: 'tmp-dirs',
  title: 'Temporary directories',
  description: '/tmp exists with mode 1777; /tmp and /var/tmp hold no leftover files.',
  explain: {
    looksAt: '/tmp (type and mode) and the entries of /tmp and /var/tmp; in live mode the running agent binary is not counted.',
    why: 'Package managers fail without a world-writable sticky /tmp, so Droplets could not install updates; files left from the build waste space and may hold credentials.',
    manualFix: 'install -d -m 1777 /tmp; then remove what /tmp and /var/tmp hold (rm -rf /tmp/* /var/tmp/*, after stopping what uses them).',
  },
  remedy: 'make /tmp a directory with mode 1777 and empty /tmp and /var/tmp',
  severity: 'fail',
  codes: {
    'tmp-missing': () => [fixes.makeDirectory('/tmp', 0o1777)],
    'tmp-not-directory': () => [fixes.makeDirectory('/tmp', 0o1777)],
    'tmp-mode': () => [fixes.setMode('/tmp', 0o1777)],
    // The cleanup engine never removes the running agent, even when it sits in /tmp.
    leftover: (f) => [fixes.removeTree(at(f))],
  },
  async run(host) {
    const findings: Finding[] = [];
    try {
      const stats = await host.lstat('/tmp');
      if (!stats) findings.push(problem('fail', 'tmp-missing', '/tmp does not exist: package managers will fail', '/tmp'));
      else if (!stats.isDirectory()) findings.push(problem('fail', 'tmp-not-directory', `/tmp is a ${fileKind(stats)}, not a directory`, '/tmp'));
      else if ((stats.mode & 0o7777) !== 0o1777) findings.push(problem('fail', 'tmp-mode', `/tmp has mode ${(stats.mode & 0o7777).toString(8)}, not 1777`, '/tmp'));
    } catch (err) {
      findings.push(couldNotCheck(err, '/tmp'));
    }
    const self = ownBinary(host);
    for (const dir of TMP_DIRS) {
      try {
        const dirStats = await host.lstat(dir);
        if (!dirStats?.isDirectory()) continue;
        for (const name of (await host.list(dir)) ?? []) {
          const path = posix.join(dir, name);
          if (EXPECTED.has(name) || AGENT_SCRATCH.test(name) || path === self || self?.startsWith(`${path}/`)) continue;
          const stats = await host.lstat(path);
          if (!stats) continue;
          const size = stats.isFile() ? `, ${humanSize(stats.size)}` : '';
          findings.push(problem('warn', 'leftover', `leftover ${fileKind(stats)}${size}`, path));
        }
      } catch (err) {
        findings.push(couldNotCheck(err, dir));
      }
    }
    return { findings };
  },
});
