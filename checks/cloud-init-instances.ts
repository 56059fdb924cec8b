// cloud-init keeps per-instance state (instance id, user data, which modules ran) under
// /var/lib/cloud. Left in an image, it describes the build Droplet, and its user data may hold secrets.
import { posix } from 'node:path';
import { couldNotCheck, problem } from '../agent/findings.js';
import { fixes } from '../agent/cleanup/actions.js';
import { at } from '../agent/fix-inputs.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';

const INSTANCES = '/var/lib/cloud/instances';
const INSTANCE_LINK = '/var/lib/cloud/instance';

export const cloudInitInstances = defineCheck({
  id: 'cloud-init-instances',
  title: 'No cloud-init instance data',
  description: 'Nothing under /var/lib/cloud/instances and no /var/lib/cloud/instance link.',
  explain: {
    looksAt: `${INSTANCES}/* and ${INSTANCE_LINK}.`,
    why: 'Instance data records the build Droplet (its id, its user data, which may carry passwords or tokens). cloud-init decides per instance id what to run, so stale data can also confuse it.',
    manualFix: 'cloud-init clean (keeps the seed; add --logs to clear its logs too), or rm -rf /var/lib/cloud/instances/* /var/lib/cloud/instance.',
  },
  remedy: 'run cloud-init clean (or remove /var/lib/cloud/instances/* and /var/lib/cloud/instance)',
  severity: 'warn',
  codes: {
    // Only instance data: /var/lib/cloud/seed (a NoCloud seed the image may need) is kept.
    'instance-data': (f) => [fixes.removeTree(at(f))],
    'instance-link': (f) => [fixes.removeFile(at(f))],
  },
  async run(host) {
    const findings: Finding[] = [];
    try {
      for (const name of (await host.list(INSTANCES)) ?? []) {
        findings.push(problem('warn', 'instance-data', 'cloud-init data of an earlier instance', posix.join(INSTANCES, name)));
      }
      if (await host.lstat(INSTANCE_LINK)) findings.push(problem('warn', 'instance-link', 'link to the current instance\'s cloud-init data', INSTANCE_LINK));
    } catch (err) {
      findings.push(couldNotCheck(err));
    }
    return { findings };
  },
});
