// Ubuntu 22.04 and 24.04 roots derived from a real Debian bookworm root, since Ubuntu's archive is
// not reachable from here: Ubuntu's os-release, lsb-release and apt sources layout (22.04 one-line
// sources.list, 24.04 deb822 ubuntu.sources) and ufw defaults over Debian's packages. Detection
// says Ubuntu (family debian), a prepared root passes (exit 0), a root password fails.
import t from 'tap';
import { join } from 'node:path';
import { problemsFor } from '../fixtures/synthetic/problems.js';
import { SecretLedger } from '../fixtures/synthetic/secrets.js';
import { runAgentInRoot } from '../fixtures/real/agent-in-root.js';
import { changedChecks, checkOf, problemsOf } from '../fixtures/real/report-views.js';
import { filesystemOver25GiB, hostKeyPaths, realDebianProfile, Workspace } from '../fixtures/real/scenario.js';
import { preparedUbuntuRoot, UBUNTU_CODENAMES, ubuntuSourceFiles, type UbuntuVersion } from '../fixtures/real/ubuntu-roots.js';
import { parseReport, requireAgent, runAgent, TEST_TODAY, type ReportJson } from './helpers/agent.js';
import { leakedSecrets, missingExpectations } from './helpers/expect.js';
import { REAL_ROOTS, requires } from './helpers/requires.js';

const skip = requires(REAL_ROOTS);
const VERSIONS: UbuntuVersion[] = ['22.04', '24.04'];

const ws = new Workspace('real-ubuntu');
t.teardown(() => ws.dispose());
t.setTimeout(10 * 60_000);

interface Checked {
  code: number | null;
  stdout: string;
  stderr: string;
  report: ReportJson;
}

async function checkBothWays(root: string): Promise<[string, Checked][]> {
  const outside = runAgent(['check', '--root', root, '--format', 'json'], { timeoutMs: 120_000 });
  const live = await runAgentInRoot(root, ['check', '--format', 'json'], { today: TEST_TODAY });
  return [
    ['--root', { ...outside, report: parseReport(outside.stdout) }],
    ['live', { ...live, report: parseReport(live.stdout) }],
  ];
}

for (const version of VERSIONS) {
  const codename = UBUNTU_CODENAMES[version];
  t.test(`Ubuntu ${version} (${codename}) derived from a Debian bookworm root: Ubuntu's archive is not reachable here`, { skip }, async (t) => {
    requireAgent();
    const base = join(ws.dir(`ubuntu-${version}`), 'root');
    const moved = await preparedUbuntuRoot(version, base);
    t.same(moved.sort(), ubuntuSourceFiles(version), "Ubuntu's apt sources were in place (then moved aside so apt works offline)");

    const root = await ws.overlay(base, `ubuntu-${version}-prepared`);
    const prepared = await checkBothWays(root);

    await t.test(`detected as Ubuntu ${version}, family debian`, async (t) => {
      for (const [mode, run] of prepared) {
        const distro = run.report.host.distro;
        t.match(distro, { id: 'ubuntu', version, codename, family: 'debian', packageManager: 'apt' }, `${mode}: ${distro.name}`);
        t.match(distro.name, new RegExp(`^Ubuntu ${version.replace('.', '\\.')}`), `${mode}: named Ubuntu ${version}`);
      }
    });

    await t.test('prepared as a vendor would: exit 0, no fail, only justified warnings', async (t) => {
      for (const [mode, run] of prepared) {
        const justified = [
          // openssh-server's postinst made them when the tarball was built; prepareAsVendor keeps them.
          ...hostKeyPaths(root).map((key) => `ssh-host-keys host-key ${key}`),
          // No vendor message of the day: prepareAsVendor writes none.
          'motd no-motd -',
          // Live only: ufw is not running in the test's network namespace; the root is on this machine's disk.
          ...(mode === 'live' ? ['firewall runtime-differs /etc/ufw/ufw.conf'] : []),
          ...(mode === 'live' && filesystemOver25GiB(root) ? ['disk-size disk-too-big /'] : []),
        ].sort();
        t.equal(run.code, 0, `${mode}: exit 0`);
        t.same(problemsOf(run.report), justified, `${mode}: only the justified warnings (${version} is in standard support on ${TEST_TODAY})`);
        t.equal(checkOf(run.report, 'os-supported').status, 'pass', `${mode}: os-supported passes`);
        t.same(checkOf(run.report, 'firewall').findings.filter((f) => f.code !== 'runtime-differs'), [], `${mode}: ufw enabled at boot, SSH allowed`);
        t.match(checkOf(run.report, 'security-updates').summary, /no security update pending \(security lists refreshed\)/, `${mode}: ${codename}-security refreshed`);
      }
    });

    await t.test('one planted problem (root password): passwords fail, exit 1', async (t) => {
      const dirty = await ws.overlay(base, `ubuntu-${version}-root-password`);
      const profile = { ...realDebianProfile('bookworm'), name: `ubuntu-${version}-real`, codename };
      const problem = problemsFor(profile).find((p) => p.name === 'root-password');
      if (!problem) throw new Error('the problem table has no root-password');
      const ledger = new SecretLedger();
      await problem.plant({ root: dirty, profile, ledger });
      const runs = await checkBothWays(dirty);
      for (const [i, [mode, run]] of runs.entries()) {
        t.same(missingExpectations(run.report, problem.expect), [], `${mode}: passwords fails password-hash /etc/shadow`);
        t.same(changedChecks(prepared[i][1].report, run.report), ['passwords'], `${mode}: only passwords changed`);
        t.equal(run.code, 1, `${mode}: exit 1`);
        t.same(leakedSecrets(ledger.secrets, [run.stdout, run.stderr]), [], `${mode}: the hash is not printed`);
      }
    });
  });
}
