// Real Debian roots (bullseye, bookworm, trixie) prepared as a vendor would prepare them
// (prepareAsVendor: upgraded from the local security repository, ufw enabled with SSH allowed, no
// keys, passwords or histories, logs emptied): `agent check` exits 0 with no fail, from outside
// (--root) and live inside the root alike, and every warning it gives is one we can justify. Live
// and --root agree on everything but what only a running machine has.
import t, { type Test } from 'tap';
import { join } from 'node:path';
import { runAgentInRoot } from '../fixtures/real/agent-in-root.js';
import { SUITES, type Suite } from '../fixtures/real/debian-roots.js';
import { assertParity } from '../fixtures/real/parity.js';
import { changedChecks, checkOf, problemsOf } from '../fixtures/real/report-views.js';
import { filesystemOver25GiB, hostKeyPaths, preparedRoot, Workspace } from '../fixtures/real/scenario.js';
import { parseReport, requireAgent, runAgent, TEST_TODAY, type ReportJson } from './helpers/agent.js';
import { REAL_ROOTS, requires } from './helpers/requires.js';

const skip = requires(REAL_ROOTS);

// bullseye's Debian LTS ended on 2026-08-31, before TEST_TODAY: at TEST_TODAY its os-supported
// rightly fails (asserted below). To see everything else pass, its prepared root is checked on a
// day inside its LTS.
const BULLSEYE_LTS_DAY = '2026-01-15';
const dayFor = (suite: Suite) => (suite === 'bullseye' ? BULLSEYE_LTS_DAY : TEST_TODAY);

const ws = new Workspace('real-prepared');
t.teardown(() => ws.dispose());
t.setTimeout(10 * 60_000);

interface Checked {
  code: number | null;
  stdout: string;
  stderr: string;
  report: ReportJson;
}

function checkWithRoot(root: string, today: string): Checked {
  const run = runAgent(['check', '--root', root, '--format', 'json'], { env: { AGENT_TODAY: today }, timeoutMs: 120_000 });
  return { ...run, report: parseReport(run.stdout) };
}

async function checkLive(root: string, today: string): Promise<Checked> {
  const run = await runAgentInRoot(root, ['check', '--format', 'json'], { today });
  return { ...run, report: parseReport(run.stdout) };
}

/** Every warning a prepared root may give, "check code path" -> why it is there. */
function justifiedWarnings(suite: Suite, mode: 'live' | 'root', root: string): Map<string, string> {
  const why = new Map<string, string>();
  if (suite === 'bookworm') why.set('os-supported extended-support -', "bookworm's regular security support ended on 2026-06-10; it is on Debian LTS until 2028-06-30");
  if (suite === 'bullseye') why.set('os-supported extended-support -', `on ${BULLSEYE_LTS_DAY} bullseye is on Debian LTS (until 2026-08-31)`);
  for (const key of hostKeyPaths(root)) {
    why.set(`ssh-host-keys host-key ${key}`, "baked into the tarball by openssh-server's postinst; prepareAsVendor keeps host keys on purpose (cloud-init regenerates them)");
  }
  why.set('motd no-motd -', "a minbase root has only Debian's stock /etc/motd and prepareAsVendor adds no vendor message");
  if (mode === 'live') {
    why.set('firewall runtime-differs /etc/ufw/ufw.conf', "ufw is enabled at boot, but nothing started it in the test's fresh network namespace");
    if (filesystemOver25GiB(root)) why.set('disk-size disk-too-big /', "the root lives on this machine's disk, which is larger than 25 GiB");
  }
  return why;
}

function assertPrepared(t: Test, mode: 'live' | 'root', run: Checked, why: Map<string, string>): void {
  t.equal(run.code, 0, 'exit 0');
  t.equal(run.stderr, '', 'nothing on stderr');
  t.equal(run.report.target.mode, mode);
  t.same(problemsOf(run.report, 'fail'), [], 'no fail');
  t.same(problemsOf(run.report, 'error'), [], 'no error');
  t.same(problemsOf(run.report), [...why.keys()].sort(), 'only the justified warnings');
  for (const [warning, reason] of why) t.comment(`${mode} warn ${warning}: ${reason}`);
  t.match(checkOf(run.report, 'ssh-host-keys').summary, /regenerates them at first boot/, 'the host-key warning says cloud-init regenerates them');
  t.match(checkOf(run.report, 'security-updates').summary, /no security update pending \(security lists refreshed\)/, 'the lists were refreshed, offline, from the local repository');
}

for (const suite of SUITES) {
  t.test(`${suite}: prepared as a vendor would prepare it`, { skip }, async (t) => {
    requireAgent();
    const base = await preparedRoot(suite, join(ws.dir(`${suite}-base`), 'root'));
    t.ok(hostKeyPaths(base).length > 0, `the tarball carries SSH host keys: ${hostKeyPaths(base).join(', ')}`);
    const today = dayFor(suite);

    if (suite === 'bookworm') {
      // Before any overlay of `base` is mounted: this run writes into base (apt lists). A chroot
      // into a plain directory has no filesystem mounted at "/": disk-size must still find the one
      // holding / (statfs), not error.
      await t.test('live, chrooted into a plain directory (/ is not a mount point)', async (t) => {
        const run = await checkLive(base, today);
        const diskSize = checkOf(run.report, 'disk-size');
        t.not(diskSize.status, 'error', `disk-size finds the filesystem holding / (${diskSize.summary})`);
        assertPrepared(t, 'live', run, justifiedWarnings(suite, 'live', base));
      });
    }

    const root = await ws.overlay(base, `${suite}-prepared`);
    const viaRoot = checkWithRoot(root, today);
    const live = await checkLive(root, today);

    await t.test('--root: exit 0, no fail, only justified warnings', async (t) => {
      assertPrepared(t, 'root', viaRoot, justifiedWarnings(suite, 'root', root));
    });
    await t.test('live (root mounted, as on a Droplet): exit 0, no fail, only justified warnings', async (t) => {
      assertPrepared(t, 'live', live, justifiedWarnings(suite, 'live', root));
    });
    await t.test('parity: live and --root agree but for live-only checks and the firewall runtime state', async (t) => {
      assertParity(t, live.report, viaRoot.report);
    });

    if (suite === 'bullseye') {
      await t.test(`on ${TEST_TODAY} bullseye is past its LTS (2026-08-31): only os-supported changes, to fail`, async (t) => {
        const runs: [string, Checked, Checked][] = [
          ['--root', checkWithRoot(root, TEST_TODAY), viaRoot],
          ['live', await checkLive(root, TEST_TODAY), live],
        ];
        for (const [mode, now, before] of runs) {
          t.same(changedChecks(before.report, now.report), ['os-supported'], `${mode}: only os-supported changed`);
          t.same(problemsOf(now.report, 'fail'), ['os-supported end-of-life -'], `${mode}: os-supported fails end-of-life`);
          t.equal(now.code, 1, `${mode}: exit 1`);
        }
      });
    }
  });
}
