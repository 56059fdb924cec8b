// The problems table, with the fix: for each row, cleanup plans exactly what the row says (or
// publishes the finding as not fixable, for the reason the row gives), the plan answers the
// report, and after `cleanup --yes` the re-check no longer reports what was fixed. One test file
// per profile runs this (test/problems/cleanup-*.test.ts): one apt and one RPM profile, since the
// fixes do not depend on the release within a family.
// Rows that touch neither packages nor their sources skip security-updates (see needsRefresh).
import t from 'tap';
import { CLEANUP_APPLY, requires, RPM_ROOTS } from './requires.js';
import { join } from 'node:path';
import { makeSyntheticRoot } from '../../fixtures/synthetic/make-root.js';
import { needsRefresh, problemsFor, refreshArgs } from '../../fixtures/synthetic/problems.js';
import { PROFILES } from '../../fixtures/synthetic/profiles.js';
import { findingsOf, parseCleanup, runAgent, type CleanupReportJson } from './agent.js';
import { leakedSecrets } from './expect.js';
import { matchesFix, planMismatches } from './fix-plan.js';

/** The rows of one profile. */
export function problemsCleanupSuite(profileName: string): void {
  const profile = PROFILES.find((p) => p.name === profileName)!;
  t.test(profile.name, { skip: requires(CLEANUP_APPLY) || (profile.rpmDistro ? requires(RPM_ROOTS) : false) }, async (t) => {
    const dir = t.testdir();
    for (const problem of problemsFor(profile)) {
      t.test(problem.name, async (t) => {
        const { root, expected, secrets } = await makeSyntheticRoot(join(dir, problem.name), profile, [problem]);
        const skip = refreshArgs(needsRefresh(problem));
        const planRun = runAgent(['cleanup', ...skip, '--root', root, '--format', 'json']);
        const plan = parseCleanup<CleanupReportJson>(planRun.stdout);
        const before = plan.before!;
        t.same(planMismatches(before, plan.actions), [], 'the plan is the fixes of the fixable findings');
        for (const e of expected) {
          const finding = before.checks.find((c) => c.id === e.check)?.findings.find((f) => f.code === e.code && (e.path === undefined || f.path === e.path));
          if (!finding) {
            t.fail(`${e.check} ${e.code} ${e.path ?? ''} is reported`);
            continue;
          }
          if (typeof e.fix === 'string') {
            t.equal(finding.fixable, false, `${e.code}: not fixable (${e.fix})`);
            continue;
          }
          t.equal(finding.fixable, true, `${e.code}: fixable`);
          for (const fix of e.fix) {
            t.ok(plan.actions.some((a) => a.check === e.check && matchesFix(a, fix)), `${e.code}: plans ${fix.kind} ${fix.path ?? fix.step ?? ''}`);
          }
        }
        const applyRun = runAgent(['cleanup', ...skip, '--root', root, '--yes', '--format', 'json']);
        const applied = parseCleanup<CleanupReportJson>(applyRun.stdout);
        t.same(applied.actions.filter((a) => a.status === 'failed'), [], 'no action failed');
        const after = findingsOf(applied.after!);
        for (const e of expected) {
          const still = after.some((f) => f.check === e.check && f.code === e.code && (e.path === undefined || f.path === e.path));
          // Package steps run on a live machine only: in --root mode they are skipped, the finding stays.
          const fixedHere = Array.isArray(e.fix) && e.fix.every((fix) => fix.kind !== 'run');
          if (fixedHere) t.notOk(still, `${e.code}: gone after cleanup --yes`);
          else t.ok(still, `${e.code}: still reported (${typeof e.fix === 'string' ? e.fix : 'package steps are skipped in --root mode'})`);
        }
        t.same(leakedSecrets(secrets, [planRun.stdout, planRun.stderr, applyRun.stdout, applyRun.stderr]), [], 'no planted secret in any output');
      });
    }
  });
}
