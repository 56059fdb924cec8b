// Every Droplet installs and upgrades packages from the sources the image configures: one that is
// not verified lets anyone on the path (or who takes over its host) install packages on all of
// them, and one that cannot be reached makes every update fail. The family's adapter reads its own
// configuration (distros/apt-source-trust.ts, distros/dnf-source-trust.ts); this check judges.
import { couldNotCheck, problem } from '../agent/findings.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';
import { packageAdapter } from '../distros/package-adapter.js';
import type { SourceConcern } from '../distros/source-trust.js';

const STATUS: Record<SourceConcern, 'fail' | 'warn'> = {
  trusted: 'fail',
  'allow-insecure': 'fail',
  'insecure-config': 'fail',
  'gpgcheck-off': 'fail',
  unsigned: 'warn',
  unreachable: 'warn',
};

const CODE: Record<SourceConcern, string> = {
  trusted: 'trusted-source',
  'allow-insecure': 'insecure-source',
  'insecure-config': 'insecure-apt-config',
  'gpgcheck-off': 'gpgcheck-off',
  unsigned: 'unsigned-source',
  unreachable: 'unreachable-source',
};

export const packageSources = defineCheck({
  id: 'package-sources',
  title: 'Package sources are verified and reachable',
  description: 'Sources with signature checks off (apt trusted=yes, allow-insecure, Acquire::AllowInsecureRepositories; dnf/yum gpgcheck=0) fail; third-party apt sources without signed-by and unreachable sources warn.',
  explain: {
    looksAt:
      'apt: /etc/apt/sources.list and sources.list.d (*.list and deb822 *.sources) with their options, and /etc/apt/apt.conf(.d) for AllowInsecureRepositories, AllowDowngradeToInsecureRepositories and APT::Get::AllowUnauthenticated. dnf/yum: every enabled repository in /etc/yum.repos.d/*.repo and the main dnf.conf or yum.conf, with the gpgcheck it inherits. The distribution\'s own archive is told apart from third-party sources by the Origin of the Release file apt fetched for it, or, without lists, by serving the image\'s own release and only the distribution\'s components; no host name is compared.',
    why: 'The Marketplace asks for official, well-maintained repositories. A source whose signatures are not checked lets anyone on the network path install packages on every Droplet; a third-party source without signed-by is verified with every key apt trusts (and its key can sign for any source); a cdrom, localhost or a directory of the build machine makes every Droplet\'s updates fail.',
    manualFix:
      'apt: remove trusted=yes and allow-insecure=yes, put the vendor\'s key in /etc/apt/keyrings and name it with signed-by=, delete the insecure apt.conf settings, remove cdrom: and local sources. dnf/yum: set gpgcheck=1 and a gpgkey= in each enabled repository (and gpgcheck=1 in the main configuration), remove repositories the Droplet cannot reach.',
    limits:
      'Only the configuration is read: whether a key really signs the repository is apt\'s and dnf\'s business. A file: repository whose Release (or repodata) ships in the image is on every Droplet\'s disk and is reachable. #include in apt.conf and dnf\'s reposdir are not followed. Not fixable: which sources the product needs is the vendor\'s decision.',
  },
  remedy: 'turn signature checks back on, name each third-party source\'s key with signed-by (gpgkey), and remove sources a Droplet cannot reach',
  severity: 'fail',
  codes: {
    'trusted-source': null,
    'insecure-source': null,
    'insecure-apt-config': null,
    'gpgcheck-off': null,
    'unsigned-source': null,
    'unreachable-source': null,
  },
  async run(host) {
    const trust = await (await packageAdapter(host)).repositoryTrust(host);
    const findings: Finding[] = trust.problems.map((p) => problem(STATUS[p.concern], CODE[p.concern], p.detail, p.path));
    for (const { path, error } of trust.unread) findings.push(couldNotCheck(error, path));
    const count = findings.filter((f) => f.status === 'fail' || f.status === 'warn').length;
    return { summary: count === 0 ? 'every source is verified and reachable' : `${count} problem${count === 1 ? '' : 's'} with the package sources`, findings };
  },
});
