// The agent as a Packer shell provisioner runs it on the build VM: the file provisioner uploaded
// the binary to /tmp/agent, an inline script makes it executable and runs
// `/tmp/agent check --report /tmp/report.json` with no terminal and PACKER_* in the environment.
// On a real bookworm root: plain text without escape sequences in the Packer log, the documented
// exit code (0 prepared, 1 dirty), a report file that validates against the schema, and the
// agent's own binary never reported as a leftover in /tmp.
import t, { type Test } from 'tap';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { combinableProblemsFor } from '../fixtures/synthetic/problems.js';
import { SecretLedger } from '../fixtures/synthetic/secrets.js';
import { packerShellStep, type PackerStepResult } from '../fixtures/real/agent-in-root.js';
import { REAL_ROOT_PROBLEMS, SYNTHETIC_ONLY_PROBLEMS } from '../fixtures/real/real-problems.js';
import { checkOf } from '../fixtures/real/report-views.js';
import { addAppAccount, preparedRoot, realDebianProfile, Workspace } from '../fixtures/real/scenario.js';
import { parseReport, requireAgent, TEST_TODAY, type ReportJson } from './helpers/agent.js';
import { leakedSecrets } from './helpers/expect.js';
import { REAL_ROOTS, requires } from './helpers/requires.js';

const SUITE = 'bookworm';
const skip = requires(REAL_ROOTS);
const LABELS: Record<string, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP', error: 'ERROR' };

const ws = new Workspace('real-packer');
t.teardown(() => ws.dispose());
t.setTimeout(10 * 60_000);

/** What every Packer run must give, whatever the image holds. Returns the report file's contents. */
function assertPackerStep(t: Test, root: string, step: PackerStepResult): ReportJson {
  t.equal(step.signal, null, 'the step finished (not killed)');
  t.notMatch(step.stdout, /\u001b/, 'no escape sequence on stdout (no terminal)');
  t.notMatch(step.stderr, /\u001b/, 'no escape sequence on stderr');
  t.equal(step.stderr, '', 'stderr empty: no progress notices without a terminal');
  t.ok(step.leftBehind.agent && step.leftBehind.report, '/tmp/agent ran and /tmp/report.json was written');
  t.notOk(existsSync(join(root, 'tmp/agent')) || existsSync(join(root, 'tmp/report.json')), 'both removed afterwards');
  const report = parseReport(step.reportFile ?? 'null');
  t.pass('the report file validates against agent/report.schema.json');
  t.equal(report.target.mode, 'live', 'the report is of a live check');
  // The text report on stdout and the JSON report file describe the same run.
  for (const check of report.checks) {
    t.match(step.stdout, `${LABELS[check.status]}  ${check.id}: `, `stdout shows ${check.id} as ${check.status}`);
  }
  t.match(step.stdout, new RegExp(`Verdict: ${report.verdict.toUpperCase()}\\n$`), 'stdout ends with the verdict');
  const tmpDirs = checkOf(report, 'tmp-dirs');
  t.same(tmpDirs.findings.filter((f) => f.path?.startsWith('/tmp/agent')), [], 'tmp-dirs does not report /tmp/agent itself');
  t.notMatch(step.stdout, '/tmp/agent', 'the text report never names /tmp/agent');
  return report;
}

t.test(`${SUITE}: Packer shell provisioner step, binary copied to /tmp/agent`, { skip }, async (t) => {
  requireAgent();
  const base = await preparedRoot(SUITE, join(ws.dir('base'), 'root'));

  await t.test('prepared root: exit 0', async (t) => {
    const root = await ws.overlay(base, 'prepared');
    const step = await packerShellStep(root, { today: TEST_TODAY });
    const report = assertPackerStep(t, root, step);
    t.equal(step.code, 0, 'exit 0: only warnings');
    t.equal(report.verdict, 'warn');
    t.equal(checkOf(report, 'tmp-dirs').status, 'pass', 'tmp-dirs passes with the agent in /tmp');
  });

  await t.test('dirty root (every problem): exit 1', async (t) => {
    const root = await ws.overlay(base, 'dirty');
    await addAppAccount(root);
    const profile = realDebianProfile(SUITE);
    const ledger = new SecretLedger();
    for (const problem of [...REAL_ROOT_PROBLEMS, ...combinableProblemsFor(profile).filter((p) => !SYNTHETIC_ONLY_PROBLEMS[p.name])]) {
      await problem.plant({ root, profile, ledger });
    }
    const step = await packerShellStep(root, { today: TEST_TODAY });
    const report = assertPackerStep(t, root, step);
    t.equal(step.code, 1, 'exit 1: checks failed');
    t.equal(report.verdict, 'fail');
    // The planted leftovers are reported; the agent beside them is not.
    t.same(
      checkOf(report, 'tmp-dirs').findings.map((f) => `${f.status} ${f.code} ${f.path}`).sort(),
      ['fail tmp-mode /tmp', 'warn leftover /var/tmp/build.tar'],
      'tmp-dirs reports the planted problems only',
    );
    t.same(leakedSecrets(ledger.secrets, [step.stdout, step.stderr, step.reportFile ?? '']), [], 'no planted secret in the Packer log or the report');
  });
});
