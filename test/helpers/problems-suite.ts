// One problem at a time: planting it in a clean root changes exactly the checks that the problem
// table names, and they report the expected finding and path; nothing else moves. One test file
// per package family runs this (test/problems/), so each stays well inside tap's per-file timeout
// as the table grows, and the two run side by side. Rows that touch neither packages nor their
// sources skip security-updates, against a baseline that skips it too (see needsRefresh): its
// refresh in a scratch copy is most of a synthetic root's check, and a synthetic root has no lists
// on disk for --offline to read. A row whose checks do not depend on the release runs on the first
// profile of its family only (see rowsFor): every profile's dirty root still plants every row
// (test/synthetic-roots.test.ts).
import t from 'tap';
import { join } from 'node:path';
import { makeSyntheticRoot } from '../../fixtures/synthetic/make-root.js';
import { needsRefresh, problemsFor, refreshArgs, type Problem } from '../../fixtures/synthetic/problems.js';
import { PROFILES, type Profile } from '../../fixtures/synthetic/profiles.js';
import { parseReport, runAgent, type ReportJson } from './agent.js';
import { leakedSecrets, missingExpectations } from './expect.js';
import { requires, RPM_ROOTS } from './requires.js';

function byCheck(report: ReportJson): Map<string, string> {
  return new Map(report.checks.map((c) => [c.id, JSON.stringify({ status: c.status, findings: c.findings.map((f) => [f.status, f.code, f.path]) })]));
}

// The checks whose findings depend on the release: its packages and their versions, its sources,
// its defaults (ufw or firewalld, update-motd.d or /etc/motd). Their rows run on every profile.
const RELEASE_CHECKS = new Set(['os-supported', 'security-updates', 'package-sources', 'package-cache', 'cloud-init', 'openssh-server', 'firewall', 'do-agent', 'motd']);

/** The rows to plant one at a time in a profile: all on the first profile of the family, on the
 * others the rows of release-dependent checks, those about sources, and those only they have. */
function rowsFor(profile: Profile): Problem[] {
  const first = PROFILES.find((p) => p.family === profile.family);
  return problemsFor(profile).filter(
    (problem) => profile === first || needsRefresh(problem) || problem.profiles !== undefined || problem.expect.some((e) => RELEASE_CHECKS.has(e.check)),
  );
}

export function problemsSuite(family: Profile['family']): void {
  for (const profile of PROFILES.filter((p) => p.family === family)) {
    t.test(profile.name, { skip: profile.rpmDistro ? requires(RPM_ROOTS) : false }, async (t) => {
      const dir = t.testdir();
      const clean = await makeSyntheticRoot(join(dir, 'clean'), profile, []);
      const check = (root: string, refresh: boolean) => runAgent(['check', ...refreshArgs(refresh), '--format', 'json', '--root', root]);
      const baselines = new Map([true, false].map((refresh) => [refresh, parseReport(check(clean.root, refresh).stdout)]));
      // What lets the other rows skip it: in the clean root, skipping it changes no other check.
      const other = (report: ReportJson) => [...byCheck(report)].filter(([id]) => id !== 'security-updates');
      t.same(other(baselines.get(false)!), other(baselines.get(true)!), 'clean root: skipping security-updates changes no other check');
      for (const problem of rowsFor(profile)) {
        t.test(problem.name, async (t) => {
          const { root, expected, secrets } = await makeSyntheticRoot(join(dir, problem.name), profile, [problem]);
          const refresh = needsRefresh(problem);
          const baselineReport = baselines.get(refresh)!;
          const baseline = byCheck(baselineReport);
          const run = check(root, refresh);
          const report = parseReport(run.stdout);
          t.same(missingExpectations(report, expected), [], 'the expected findings are reported');
          const changed = [...byCheck(report)].filter(([id, state]) => baseline.get(id) !== state).map(([id]) => id);
          t.same(changed.sort(), [...new Set(expected.map((e) => e.check))].sort(), 'exactly the expected checks change');
          // CentOS 7 fails os-supported already when clean.
          const fails = baselineReport.verdict === 'fail' || expected.some((e) => e.status === 'fail');
          t.equal(run.code, fails ? 1 : 0, 'exit code');
          t.same(leakedSecrets(secrets, [run.stdout, run.stderr]), []);
        });
      }
    });
  }
}
