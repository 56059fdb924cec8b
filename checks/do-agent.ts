// DigitalOcean installs its own agents on every Droplet; a copy baked into an image runs with the
// build VM's identity and conflicts with the one the Droplet gets.
import { enabledUnits } from '../agent/facts/systemd-units.js';
import { couldNotCheck, problem } from '../agent/findings.js';
import { fixes } from '../agent/cleanup/actions.js';
import { at, subjectOf } from '../agent/fix-inputs.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';
import { lookupPackage } from '../distros/package-adapter.js';

const AGENT_DIR = '/opt/digitalocean';
const AGENT_PACKAGES = ['droplet-agent', 'do-agent'];
const AGENT_UNITS = ['droplet-agent.service', 'do-agent.service'];

export const doAgent = defineCheck({
  id: 'do-agent',
  title: 'No DigitalOcean agent',
  description: `No ${AGENT_DIR}, no ${AGENT_PACKAGES.join(' or ')} package, no enabled unit of theirs.`,
  explain: {
    looksAt: `${AGENT_DIR}, the package database for ${AGENT_PACKAGES.join(' and ')}, and the systemd wants/ links for ${AGENT_UNITS.join(' and ')}.`,
    why: 'The build Droplet gets DigitalOcean\'s agents installed; in an image they would carry the build Droplet\'s identity. The Marketplace review rejects images with /opt/digitalocean.',
    manualFix: `apt-get purge ${AGENT_PACKAGES.join(' ')} (or dnf remove), then rm -rf ${AGENT_DIR}.`,
  },
  remedy: `purge ${AGENT_PACKAGES.join(' and ')}, then remove ${AGENT_DIR}`,
  severity: 'fail',
  codes: {
    // Purging the packages runs their scripts, which stop and disable the units; then whatever is left.
    package: (f) => [fixes.packages('purge', [subjectOf(f)])],
    directory: (f) => [fixes.removeTree(at(f))],
    'unit-enabled': (f) => [fixes.removeFile(at(f))],
  },
  async run(host) {
    const findings: Finding[] = [];
    try {
      if (await host.lstat(AGENT_DIR)) findings.push(problem('fail', 'directory', `${AGENT_DIR} is present`, AGENT_DIR));
    } catch (err) {
      findings.push(couldNotCheck(err, AGENT_DIR));
    }
    for (const name of AGENT_PACKAGES) {
      const lookup = await lookupPackage(host, name);
      // Unknown: the engine reports the unreadable database as this check's error.
      if (!lookup.known) break;
      if (lookup.installed) findings.push(problem('fail', 'package', `package ${name} ${lookup.installed.version} is installed`, undefined, name));
    }
    const { links } = await enabledUnits(host);
    for (const unit of AGENT_UNITS) {
      for (const link of links.get(unit) ?? []) findings.push(problem('fail', 'unit-enabled', `${unit} is enabled at boot`, link));
    }
    return { findings };
  },
});
