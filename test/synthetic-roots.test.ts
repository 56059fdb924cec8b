// Every synthetic profile, clean and dirty: the agent reports each planted problem under the right
// check id and path, a clean root has nothing to report, and no output carries a planted secret.
import t from 'tap';
import { join } from 'node:path';
import { makeDirtyRoot, makeSyntheticRoot } from '../fixtures/synthetic/make-root.js';
import { PROFILES } from '../fixtures/synthetic/profiles.js';
import { findRelease } from '../distros/releases.js';
import { parseOsRelease } from '../distros/os-release.js';
import { readFileSync } from 'node:fs';
import { parseReport, runAgent, TEST_TODAY } from './helpers/agent.js';
import { CHECKS_BY_ID } from '../checks/index.js';
import { leakedSecrets, missingExpectations } from './helpers/expect.js';
import { requires, RPM_ROOTS } from './helpers/requires.js';


/** What os-supported must say for the root, from the release table (not from the agent). */
function expectedSupport(root: string): string {
  const facts = parseOsRelease(readFileSync(join(root, 'etc/os-release'), 'utf8'))!;
  const release = findRelease(facts);
  if (!release || !release.marketplace || TEST_TODAY > release.endOfFreeSecurity) return 'fail';
  const sixMonthsBefore = new Date(`${release.endOfFreeSecurity}T00:00:00Z`);
  sixMonthsBefore.setUTCMonth(sixMonthsBefore.getUTCMonth() - 6);
  if (TEST_TODAY >= sixMonthsBefore.toISOString().slice(0, 10)) return 'warn';
  return release.freeExtendedFrom && TEST_TODAY > release.freeExtendedFrom ? 'warn' : 'pass';
}

for (const profile of PROFILES) {
  t.test(profile.name, { skip: profile.rpmDistro ? requires(RPM_ROOTS) : false }, async (t) => {
    const dir = t.testdir();

    t.test('clean root: nothing to report but the release itself', async (t) => {
      const { root } = await makeSyntheticRoot(join(dir, 'clean'), profile, []);
      const run = runAgent(['check', '--root', root, '--format', 'json']);
      const report = parseReport(run.stdout);
      t.equal(run.stderr, '');
      t.equal(report.host.distro.family, profile.family);
      const support = expectedSupport(root);
      for (const check of report.checks) {
        const liveOnly = CHECKS_BY_ID.get(check.id)?.liveOnly;
        if (check.id === 'os-supported') t.equal(check.status, support, 'os-supported follows the release table');
        else t.same({ id: check.id, status: check.status, findings: check.findings }, { id: check.id, status: liveOnly ? 'skip' : 'pass', findings: [] });
      }
      t.equal(run.code, support === 'fail' ? 1 : 0, 'exit code follows the verdict');
    });

    t.test('dirty root: every planted problem, under the right check and path', async (t) => {
      const { root, expected, secrets } = await makeDirtyRoot(join(dir, 'dirty'), profile);
      const json = runAgent(['check', '--root', root, '--format', 'json']);
      t.equal(json.code, 1, 'exit 1: something failed');
      const report = parseReport(json.stdout);
      t.same(missingExpectations(report, expected), [], 'each planted problem is reported');
      const expectedChecks = new Set(expected.map((e) => e.check));
      for (const check of report.checks) {
        const untouched = check.id !== 'os-supported' && !expectedChecks.has(check.id);
        if (untouched) t.equal(check.status, CHECKS_BY_ID.get(check.id)?.liveOnly ? 'skip' : 'pass', `${check.id} has nothing planted`);
        for (const finding of check.findings) if (finding.path) t.notOk(finding.path.startsWith(root), 'paths are inside the target, not prefixed with --root');
      }
      const outputs = [json.stdout, json.stderr];
      for (const format of ['text', 'junit']) {
        const run = runAgent(['check', '--root', root, '--format', format]);
        t.equal(run.code, 1, `${format}: exit 1`);
        outputs.push(run.stdout, run.stderr);
      }
      t.same(leakedSecrets(secrets, outputs), [], 'no planted secret in any output');
    });
  });
}
