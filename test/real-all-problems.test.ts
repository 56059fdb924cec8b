// Every problem at once on a prepared real root (bullseye, bookworm, trixie), plus traps: links in
// /var/log and ~/.ssh pointing at /etc/shadow, a FIFO in /var/log, a newline in a file name. The
// agent finishes, reports every expectation, prints no planted secret in text, JSON or JUnit, and
// judges the image the same live and from outside. Run as a user who cannot read some files, a
// check that needed one is `error`, never `pass`.
import t from 'tap';
import { chmodSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { combinableProblemsFor } from '../fixtures/synthetic/problems.js';
import { SecretLedger } from '../fixtures/synthetic/secrets.js';
import { runAgentInRoot } from '../fixtures/real/agent-in-root.js';
import { SUITES } from '../fixtures/real/debian-roots.js';
import { assertParity } from '../fixtures/real/parity.js';
import { REAL_ROOT_PROBLEMS, SYNTHETIC_ONLY_PROBLEMS, TRAPS, type RealProblem } from '../fixtures/real/real-problems.js';
import { AGENT_OWN_APT_LOG, checkOf } from '../fixtures/real/report-views.js';
import { addAppAccount, preparedRoot, realDebianProfile, Workspace } from '../fixtures/real/scenario.js';
import { findingsOf, parseReport, requireAgent, runAgent, statusesOf, TEST_TODAY } from './helpers/agent.js';
import { leakedSecrets, missingExpectations } from './helpers/expect.js';
import { REAL_ROOTS, requires } from './helpers/requires.js';

const skip = requires(REAL_ROOTS);
const FORMATS = ['json', 'text', 'junit'] as const;
// The agent must finish on its own well within this; a kill means it hung (on the FIFO, say).
const RUN_TIMEOUT_MS = 120_000;


const ws = new Workspace('real-all');
t.teardown(() => ws.dispose());
t.setTimeout(10 * 60_000);

for (const suite of SUITES) {
  t.test(`${suite}: every problem at once, plus traps`, { skip }, async (t) => {
    requireAgent();
    const profile = realDebianProfile(suite);
    const base = await preparedRoot(suite, join(ws.dir(`${suite}-base`), 'root'));
    const root = await ws.overlay(base, `${suite}-all`);
    await addAppAccount(root);
    const ledger = new SecretLedger();
    // The real recipes first: they use the root's own tools (ufw cannot edit rules a synthetic
    // plant rewrote by hand), then the synthetic plants, then the traps.
    const problems: RealProblem[] = [
      ...REAL_ROOT_PROBLEMS,
      ...combinableProblemsFor(profile).filter((p) => !SYNTHETIC_ONLY_PROBLEMS[p.name]),
      ...TRAPS,
    ];
    for (const problem of problems) await problem.plant({ root, profile, ledger });
    const expected = problems.flatMap((p) => p.expect);

    const outputs: string[] = [];
    const viaRoot = Object.fromEntries(
      FORMATS.map((format) => {
        const run = runAgent(['check', '--root', root, '--format', format], { timeoutMs: RUN_TIMEOUT_MS });
        outputs.push(run.stdout, run.stderr);
        return [format, run];
      }),
    ) as Record<(typeof FORMATS)[number], ReturnType<typeof runAgent>>;
    const live: Record<string, { code: number | null; signal: string | null; stdout: string; stderr: string }> = {};
    for (const format of FORMATS) {
      live[format] = await runAgentInRoot(root, ['check', '--format', format], { today: TEST_TODAY, timeoutMs: RUN_TIMEOUT_MS });
      outputs.push(live[format].stdout, live[format].stderr);
    }
    const rootReport = parseReport(viaRoot.json.stdout);
    const liveReport = parseReport(live.json.stdout);

    await t.test('the agent finishes and exits 1, in every format, live and --root', async (t) => {
      for (const format of FORMATS) {
        t.equal(viaRoot[format].code, 1, `--root --format ${format}: exit 1 (not killed after ${RUN_TIMEOUT_MS / 1000} s)`);
        t.equal(live[format].signal, null, `live --format ${format}: not killed`);
        t.equal(live[format].code, 1, `live --format ${format}: exit 1`);
      }
    });

    await t.test('every expectation is reported, live and --root', async (t) => {
      for (const [mode, report] of [['--root', rootReport], ['live', liveReport]] as const) {
        t.same(missingExpectations(report, expected), [], `${mode}: all ${expected.length} expected findings`);
        for (const m of problems.flatMap((p) => p.messages ?? [])) {
          const messages = checkOf(report, m.check).findings.filter((f) => f.code === m.code).map((f) => f.message);
          t.ok(messages.includes(m.message), `${mode}: ${m.check} says "${m.message}"`, { found: messages });
        }
        for (const path of problems.flatMap((p) => p.noFindingAt ?? [])) {
          t.same(findingsOf(report).filter((f) => f.path === path), [], `${mode}: no finding for the FIFO ${path}`);
        }
      }
    });

    await t.test('no planted secret in any output (text, json, junit; live and --root)', async (t) => {
      t.ok(ledger.secrets.length > 20, `${ledger.secrets.length} secrets planted`);
      t.same(leakedSecrets(ledger.secrets, outputs), []);
    });

    await t.test('odd names: text and JUnit escape them, JSON keeps them exact', async (t) => {
      for (const [mode, text, junit] of [['--root', viaRoot.text.stdout, viaRoot.junit.stdout], ['live', live.text.stdout, live.junit.stdout]]) {
        t.match(text, '/var/log/app/evil\\nname.log', `${mode}: text shows the newline escaped`);
        t.notMatch(text, /\u001b/, `${mode}: text has no escape sequence (not a terminal)`);
        t.notMatch(junit, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/, `${mode}: JUnit carries no control characters`);
      }
    });

    await t.test('parity: live and --root agree but for live-only checks and the firewall runtime state', async (t) => {
      assertParity(t, liveReport, rootReport);
      t.notOk(existsSync(join(root, AGENT_OWN_APT_LOG)), `the live runs leave no ${AGENT_OWN_APT_LOG} (apt's planner log)`);
    });

    await t.test('--root as uid 65534 with sshd_config made unreadable: those checks error, never pass', async (t) => {
      const sshdConfig = join(root, 'etc/ssh/sshd_config');
      const mode = statSync(sshdConfig).mode & 0o7777;
      chmodSync(sshdConfig, 0o600);
      let run;
      try {
        run = runAgent(['check', '--root', root, '--format', 'json'], { uid: 65534, timeoutMs: RUN_TIMEOUT_MS });
      } finally {
        chmodSync(sshdConfig, mode);
      }
      const report = parseReport(run.stdout);
      const statuses = statusesOf(report);
      t.equal(statuses['openssh-server'], 'error', 'openssh-server: sshd_config unreadable');
      t.equal(statuses['ssh-config'], 'error', 'ssh-config: sshd_config unreadable');
      // Unreadable anyway for uid 65534 in a real root: /etc/shadow is root:shadow 0640.
      // fail where a problem is certain (a second uid-0 account), error otherwise: never pass.
      t.ok(['error', 'fail'].includes(statuses.passwords), 'passwords: /etc/shadow unreadable is never a pass');
      t.ok(findingsOf(report).some((f) => f.check === 'passwords' && f.code === 'unreadable' && f.path === '/etc/shadow'), 'passwords names /etc/shadow as unread');
      t.equal(run.code, 1, 'exit 1: other checks still fail (the verdict is the worst status)');
      t.same(
        checkOf(report, 'openssh-server').findings.filter((f) => f.code === 'no-sftp'),
        [],
        'openssh-server claims nothing about sftp it could not read',
      );
      t.notMatch(checkOf(report, 'ssh-config').summary, /names no RevokedKeys/, 'ssh-config does not claim what the unread file says');
      t.same(leakedSecrets(ledger.secrets, [run.stdout, run.stderr]), [], 'no planted secret in the output');
    });
  });
}
