// systemd derives the DHCP client id, journal directory and more from machine-id: Droplets made
// from an image that ships one would share it. An empty file makes systemd generate a new one.
import type { Stats } from 'node:fs';
import { couldNotCheck, problem } from '../agent/findings.js';
import { fileKind, type Host } from '../agent/host.js';
import { fixes } from '../agent/cleanup/actions.js';
import { at } from '../agent/fix-inputs.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';

const MACHINE_ID_FILES = ['/etc/machine-id', '/var/lib/dbus/machine-id'];
// systemd writes this while the first boot is not complete: it is not an id.
const NOT_AN_ID = new Set(['', 'uninitialized']);
const ETC_MACHINE_ID = MACHINE_ID_FILES[0];

/**
 * What to say of a machine-id that is not a regular file, or null when that is fine (the dbus one
 * linked to /etc/machine-id). Skipping it would pass the check on a file it never looked at.
 */
function notAFile(host: Host, path: string, stats: Stats): Finding | null {
  if (!stats.isSymbolicLink()) return problem('warn', 'not-a-file', `machine-id is a ${fileKind(stats)}, not a regular file (not read)`, path);
  // Resolved inside the image, never followed on the host.
  const target = host.canonical(path);
  if (path !== ETC_MACHINE_ID && target === ETC_MACHINE_ID) return null;
  return problem('warn', 'not-a-file', `machine-id is a symbolic link to ${target} (not followed)`, path);
}

export const machineId = defineCheck({
  id: 'machine-id',
  title: 'Empty machine-id',
  description: '/etc/machine-id is empty (and /var/lib/dbus/machine-id, when it is a file of its own).',
  explain: {
    looksAt: MACHINE_ID_FILES.join(' and ') + ' (a symbolic link from the dbus one to /etc/machine-id is fine; any other link, FIFO or device there is reported, not read).',
    why: 'Droplets that share a machine-id share their DHCP client identity and journal directory, and tools that use it as a unique id (monitoring, licensing) see them as one machine.',
    manualFix: 'truncate -s 0 /etc/machine-id; rm -f /var/lib/dbus/machine-id (or link it to /etc/machine-id).',
  },
  remedy: 'empty /etc/machine-id (truncate -s 0) and remove /var/lib/dbus/machine-id',
  severity: 'warn',
  codes: {
    // /etc/machine-id stays, empty, so systemd makes a new id at first boot; the dbus copy goes.
    'machine-id': (f) => [at(f) === ETC_MACHINE_ID ? fixes.truncate(at(f)) : fixes.removeFile(at(f))],
    'not-a-file': null,
  },
  async run(host) {
    const findings: Finding[] = [];
    for (const path of MACHINE_ID_FILES) {
      try {
        const stats = await host.lstat(path);
        if (!stats) continue;
        if (!stats.isFile()) {
          const finding = notAFile(host, path, stats);
          if (finding) findings.push(finding);
          continue;
        }
        const content = (await host.readText(path, { maxBytes: 256, head: true, follow: false })) ?? '';
        if (!NOT_AN_ID.has(content.trim())) findings.push(problem('warn', 'machine-id', 'holds a machine id that every Droplet would share', path));
      } catch (err) {
        findings.push(couldNotCheck(err, path));
      }
    }
    return { findings };
  },
});
