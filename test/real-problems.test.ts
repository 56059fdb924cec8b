// One problem at a time on a real bookworm root prepared as a vendor would: planting it changes
// exactly the checks the problem names, with the expected finding and path, both from outside
// (--root) and live inside the root, and no planted secret shows up. The synthetic problem table
// (test/problems/) plus problems only a real root can have: a pending security update from
// a Debian-Security archive, ufw enabled by ufw itself without SSH, a password set by chpasswd.
// Rows that touch neither packages nor their sources run with --offline against offline baselines
// (needsRefresh): the refresh of the security source is the same in each of them.
import t from 'tap';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { needsRefresh, problemsFor } from '../fixtures/synthetic/problems.js';
import { SecretLedger } from '../fixtures/synthetic/secrets.js';
import { runAgentInRoot } from '../fixtures/real/agent-in-root.js';
import { mustRunInRoot } from '../fixtures/real/ns-run.js';
import { REAL_ROOT_PROBLEMS, SYNTHETIC_ONLY_PROBLEMS, type RealProblem } from '../fixtures/real/real-problems.js';
import { AGENT_OWN_APT_LOG, changedChecks, checkOf, problemsOf } from '../fixtures/real/report-views.js';
import { addAppAccount, filesystemOver25GiB, finishAsCarefulVendor, preparedRoot, realDebianProfile, Workspace } from '../fixtures/real/scenario.js';
import { parseReport, requireAgent, runAgent, TEST_TODAY, type ReportJson } from './helpers/agent.js';
import { leakedSecrets, missingExpectations } from './helpers/expect.js';
import { REAL_ROOTS, requires } from './helpers/requires.js';

const SUITE = 'bookworm';
const skip = requires(REAL_ROOTS);

const ws = new Workspace('real-problems');
t.teardown(() => ws.dispose());
// A root per row of the problems table, each checked twice: below tap's 15 minutes a file.
t.setTimeout(14 * 60_000);

interface Checked {
  code: number | null;
  stdout: string;
  stderr: string;
  report: ReportJson;
}

function checkWithRoot(root: string, args = ['check', '--format', 'json']): Checked {
  const run = runAgent([...args, '--root', root], { timeoutMs: 120_000 });
  return { ...run, report: parseReport(run.stdout) };
}

async function checkLive(root: string, args = ['check', '--format', 'json']): Promise<Checked> {
  const run = await runAgentInRoot(root, args, { today: TEST_TODAY });
  return { ...run, report: parseReport(run.stdout) };
}

t.test(`${SUITE}: one problem at a time on a prepared real root, --root and live`, { skip }, async (t) => {
  requireAgent();
  const profile = realDebianProfile(SUITE);
  const base = await preparedRoot(SUITE, join(ws.dir('base'), 'root'));
  finishAsCarefulVendor(base);
  await addAppAccount(base);

  // The baselines: the same prepared root with nothing planted, with the refresh and --offline.
  const clean = await ws.overlay(base, 'clean');
  const argsFor = (refresh: boolean) => ['check', ...(refresh ? [] : ['--offline']), '--format', 'json'];
  const baselines = new Map<boolean, { root: Checked; live: Checked }>();
  for (const refresh of [true, false]) {
    const baseline = { root: checkWithRoot(clean, argsFor(refresh)), live: await checkLive(clean, argsFor(refresh)) };
    baselines.set(refresh, baseline);
    const how = refresh ? 'refresh' : '--offline';
    t.equal(baseline.root.code, 0, `baseline --root, ${how}: exit 0`);
    t.equal(baseline.live.code, 0, `baseline live, ${how}: exit 0`);
    // bookworm has been on Debian LTS since 2026-06-10; the rest are what live mode adds (see real-prepared.test.ts).
    t.same(problemsOf(baseline.root.report), ['os-supported extended-support -'], `baseline --root, ${how}: only the LTS warning`);
    t.same(
      problemsOf(baseline.live.report),
      [
        ...(filesystemOver25GiB(clean) ? ['disk-size disk-too-big /'] : []),
        'firewall runtime-differs /etc/ufw/ufw.conf',
        'os-supported extended-support -',
      ],
      `baseline live, ${how}: the LTS warning, ufw not running in the test namespace, and the size of this machine disk`,
    );
  }

  const problems: RealProblem[] = [...problemsFor(profile), ...REAL_ROOT_PROBLEMS];
  for (const problem of problems) {
    await t.test(problem.name, { skip: SYNTHETIC_ONLY_PROBLEMS[problem.name] ?? false }, async (t) => {
      const root = await ws.overlay(base, problem.name);
      const ledger = new SecretLedger();
      await problem.plant({ root, profile, ledger });
      const expectedChecks = [...new Set(problem.expect.map((e) => e.check))].sort();
      const fails = problem.expect.some((e) => e.status === 'fail');
      const refresh = needsRefresh(problem);
      const baseline = baselines.get(refresh)!;
      // --root first: the live run refreshes the root's package lists.
      const runs: [string, Checked, ReportJson][] = [];
      runs.push(['--root', checkWithRoot(root, argsFor(refresh)), baseline.root.report]);
      runs.push(['live', await checkLive(root, argsFor(refresh)), baseline.live.report]);
      // apt writes its planner log when the simulated upgrade installs something: not into the image.
      t.notOk(existsSync(join(root, AGENT_OWN_APT_LOG)), `live: the check leaves no ${AGENT_OWN_APT_LOG} in the root`);
      for (const [mode, run, before] of runs) {
        const report = run.report;
        t.equal(report.target.mode, mode === 'live' ? 'live' : 'root', `${mode}: mode in the report`);
        t.same(missingExpectations(report, problem.expect), [], `${mode}: the expected findings and paths`);
        t.same(changedChecks(before, report), expectedChecks, `${mode}: exactly ${expectedChecks.join(', ')} changed`);
        t.equal(run.code, fails ? 1 : 0, `${mode}: exit ${fails ? 1 : 0}`);
        for (const m of problem.messages ?? []) {
          const messages = checkOf(report, m.check).findings.filter((f) => f.code === m.code).map((f) => f.message);
          t.ok(messages.includes(m.message), `${mode}: ${m.check} says "${m.message}"`, { found: messages });
        }
        t.same(leakedSecrets(ledger.secrets, [run.stdout, run.stderr]), [], `${mode}: no planted secret in the output`);
      }
    });
  }

  // --offline: no refresh, the lists on disk decide. They offer 1.1 after the root's own apt-get update.
  await t.test('--offline: a security update the lists on disk offer is found, live and --root', async (t) => {
    const root = await ws.overlay(base, 'offline-lists');
    const recipe = REAL_ROOT_PROBLEMS.find((p) => p.name === 'pending-security-update-from-local-repo');
    if (!recipe) throw new Error('no pending-security-update-from-local-repo recipe');
    await recipe.plant({ root, profile, ledger: new SecretLedger() });
    await mustRunInRoot(root, ['apt-get', 'update']);
    const args = ['check', '--offline', '--only', 'security-updates', '--format', 'json'];
    const runs: [string, Checked][] = [
      ['live', await checkLive(root, args)],
      ['--root', checkWithRoot(root, args)],
    ];
    for (const [mode, run] of runs) {
      const check = checkOf(run.report, 'security-updates');
      t.match(check.summary, /offline/, `${mode}: the summary says the lists were not refreshed`);
      t.same(
        check.findings.map((f) => [f.status, f.code, f.message]),
        [['fail', 'security-update', 'mpa-dummy 1.0 -> 1.1']],
        `${mode}: mpa-dummy 1.0 -> 1.1 from the lists on disk`,
      );
      t.equal(run.code, 1, `${mode}: exit 1`);
    }
  });
});
