// Vendors configure their application at first boot with scripts cloud-init runs from
// /var/lib/cloud/scripts: one that is not executable is silently skipped, and the Droplet comes up
// half configured.
import { posix } from 'node:path';
import { couldNotCheck, problem } from '../agent/findings.js';
import { fileKind } from '../agent/host.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';

const SCRIPT_DIRS = ['/var/lib/cloud/scripts/per-instance', '/var/lib/cloud/scripts/per-once', '/var/lib/cloud/scripts/per-boot'];

export const firstBootScripts = defineCheck({
  id: 'first-boot-scripts',
  title: 'First-boot scripts runnable',
  description: 'Every script in /var/lib/cloud/scripts/per-{instance,once,boot} is executable and starts with #!.',
  explain: {
    looksAt: `The files in ${SCRIPT_DIRS.join(', ')}: their mode and their first two bytes.`,
    why: 'cloud-init runs these scripts at first boot (the usual place for a Marketplace app to set itself up); it skips a file that is not executable, and the kernel cannot run a script without an interpreter line.',
    manualFix: 'chmod +x the script, and start it with an interpreter line such as #!/bin/bash.',
  },
  remedy: 'chmod +x the scripts and start each with an interpreter line (#!/bin/bash)',
  severity: 'fail',
  codes: { dangling: null, 'not-a-file': null, 'not-executable': null, 'no-interpreter': null },
  async run(host) {
    const findings: Finding[] = [];
    let scripts = 0;
    for (const dir of SCRIPT_DIRS) {
      try {
        for (const name of (await host.list(dir)) ?? []) {
          const path = posix.join(dir, name);
          // cloud-init runs what a link points at; follow it inside the image.
          const stats = await host.stat(path);
          if (!stats) {
            findings.push(problem('fail', 'dangling', 'link to a script that does not exist', path));
            continue;
          }
          if (!stats.isFile()) {
            findings.push(problem('warn', 'not-a-file', `a ${fileKind(stats)} where cloud-init expects scripts`, path));
            continue;
          }
          scripts++;
          if ((stats.mode & 0o111) === 0) findings.push(problem('fail', 'not-executable', 'not executable: cloud-init will skip it', path));
          const head = (await host.readBytes(path, { maxBytes: 2, head: true })) ?? Buffer.alloc(0);
          if (head.toString('latin1') !== '#!') findings.push(problem('warn', 'no-interpreter', 'does not start with #! (an interpreter line)', path));
        }
      } catch (err) {
        findings.push(couldNotCheck(err, dir));
      }
    }
    const summary = scripts === 0 ? 'no first-boot scripts' : `${scripts} first-boot script${scripts === 1 ? '' : 's'}, all runnable`;
    return { summary: findings.length === 0 ? summary : undefined, findings };
  },
});
