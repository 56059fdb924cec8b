// Issue 5's bar on real Debian roots: every fixable problem planted at once plus a pending security
// update, then `cleanup --yes` inside the root (live, upgrading from the local security repository),
// then `check` exits 0, and a tree diff shows that nothing outside the plan changed.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKS_BY_ID } from '../checks/index.js';
import { runAgentInRoot } from '../fixtures/real/agent-in-root.js';
import { SUITES } from '../fixtures/real/debian-roots.js';
import { addAppAccount, preparedRoot, realDebianProfile } from '../fixtures/real/scenario.js';
import { addLocalSecurityRepo } from '../fixtures/real/security-repo.js';
import { combinableProblemsFor } from '../fixtures/synthetic/problems.js';
import { SecretLedger } from '../fixtures/synthetic/secrets.js';
import { writeFile } from '../fixtures/synthetic/tree.js';
import { parseCleanup, parseReport, TEST_TODAY } from './helpers/agent.js';
import { leakedSecrets } from './helpers/expect.js';
import { changedPaths, snapshotTree } from './helpers/tree-snapshot.js';
import { REAL_ROOTS, requires } from './helpers/requires.js';

// What package commands legitimately change: dpkg's and apt's state, the files of the packages
// they upgrade or purge, and caches that dpkg triggers rebuild.
const PACKAGE_STATE = [/^\/var\/lib\/(dpkg|apt|ucf|systemd\/deb-systemd-helper-enabled)\//, /^\/var\/cache\/(apt|debconf|ldconfig|man)\//, /^\/usr\/share\/doc\/mpa-dummy/, /^\/etc\/ld\.so\.cache$/, /^\/var\/lib\/(dpkg|apt)$/];
// Mount points of the namespace runner (tmpfs /run and friends are not the image's).
const MOUNTS = /^\/(proc|sys|dev|run)(\/|$)/;

interface Applied {
  actions: { check: string; kind: string; path?: string; status: string; reason?: string; command?: string }[];
  after: unknown;
}

for (const suite of SUITES) {
  t.test(`${suite}: all fixable problems, then cleanup --yes inside the root, then check`, { skip: requires(REAL_ROOTS) }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), `real-cleanup-${suite}-`));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const root = await preparedRoot(suite, join(dir, 'root'));
    await addAppAccount(root);
    // A pending security update on top of the prepared root.
    await addLocalSecurityRepo(root, { pkg: 'mpa-dummy-two' });
    const ledger = new SecretLedger();
    const profile = realDebianProfile(suite);
    // The synthetic pending update replaces the package source; the rig's own repository serves one here.
    const fixable = combinableProblemsFor(profile).filter((p) => p.name !== 'pending-security-update' && p.expect.every((e) => CHECKS_BY_ID.get(e.check)?.codes[e.code]));
    for (const problem of fixable) await problem.plant({ root, profile, ledger });
    // What a vendor's product ships: none of it may change.
    writeFile(root, '/srv/app/data/db.sqlite', Buffer.alloc(4096, 3));
    writeFile(root, '/home/app/Documents/notes.txt', 'keep me\n');
    const before = snapshotTree(root);

    const run = await runAgentInRoot(root, ['cleanup', '--yes', '--format', 'json'], { today: TEST_TODAY, timeoutMs: 300_000 });
    const applied = parseCleanup<Applied>(run.stdout);
    t.same(applied.actions.filter((a) => a.status === 'failed'), [], 'no action failed');
    t.ok(applied.actions.some((a) => a.command?.includes('dist-upgrade') && a.status === 'done'), 'the upgrade ran');
    const after = parseReport(JSON.stringify(applied.after));
    // A release past its support (bullseye, after Debian LTS) fails whatever cleanup does.
    const endOfLife = after.checks.find((c) => c.id === 'os-supported')?.status === 'fail';
    const failing = after.checks.filter((c) => c.status === 'fail').map((c) => c.id);
    t.same(failing, endOfLife ? ['os-supported'] : [], 'nothing fails after cleanup but the release itself');
    t.same(after.checks.filter((c) => c.status === 'error').map((c) => `${c.id}: ${c.summary}`), [], 'and nothing errors');
    t.equal(run.code, endOfLife ? 1 : 0, 'cleanup exits as its re-check says');

    const check = await runAgentInRoot(root, ['check', '--format', 'json'], { today: TEST_TODAY });
    t.equal(check.code, endOfLife ? 1 : 0, 'check agrees afterwards');
    t.same(leakedSecrets(ledger.secrets, [run.stdout, run.stderr, check.stdout, check.stderr]), [], 'no planted secret in any output');

    const touched = applied.actions.filter((a) => a.status === 'done' && a.path).map((a) => a.path as string);
    const explained = (path: string) =>
      MOUNTS.test(path) ||
      touched.some((p) => path === p || path.startsWith(`${p}/`)) ||
      PACKAGE_STATE.some((pattern) => pattern.test(path)) ||
      /^\/etc\/\.?(shadow|gshadow)-?$/.test(path);
    const unexplained = changedPaths(before, snapshotTree(root)).filter((path) => !explained(path));
    t.same(unexplained, [], 'every changed path is one the actions name (or package state)');
  });
}
