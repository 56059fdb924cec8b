// Security updates decided from the security index on a real bookworm root: mpa-dummy 1.0 is
// installed, the local security archive offers 1.1 and a local -updates archive 1.2, so apt's
// simulation names only -updates; the agent must still report the security fix. mpa-other is an
// "other" update (1.0 installed, 1.1 in -updates). Live inside the root (refresh and --offline)
// and with --root from outside, which must leave the image exactly as it was; the refresh must
// leave the -updates list as it was, and cleanup's plan must refresh every list before upgrading.
import t from 'tap';
import { lstatSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAgentInRoot } from '../fixtures/real/agent-in-root.js';
import { freshRoot } from '../fixtures/real/debian-roots.js';
import { mustRunInRoot } from '../fixtures/real/ns-run.js';
import { addLocalSecurityRepo, useOnlyLocalSources } from '../fixtures/real/security-repo.js';
import { addLocalUpdatesRepo } from '../fixtures/real/updates-repo.js';
import { parseCleanup, parseReport, runAgent, TEST_TODAY } from './helpers/agent.js';
import { changedPaths, snapshotTree } from './helpers/tree-snapshot.js';

const isRoot = process.getuid?.() === 0;
// apt's file: method keeps the index as a link to the repository's file: the link's own time.
const UPDATES_LIST = 'var/lib/apt/lists/_srv_repo-updates_._Packages';

t.test('a security fix superseded in -updates is still reported', { skip: isRoot ? false : 'needs root' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'real-secindex-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const root = join(dir, 'root');
  await freshRoot('bookworm', root);
  await addLocalSecurityRepo(root);
  await useOnlyLocalSources(root);
  await addLocalUpdatesRepo(root, [{ pkg: 'mpa-dummy', version: '1.2' }, { pkg: 'mpa-other', version: '1.1', installed: '1.0' }]);
  await mustRunInRoot(root, ['apt-get', '-q', 'update'], { env: { DEBIAN_FRONTEND: 'noninteractive' } });

  const sim = await mustRunInRoot(root, ['apt-get', '-s', 'dist-upgrade']);
  t.match(sim.stdout, /^Inst mpa-dummy \[1\.0\] \(1\.2 Debian:bookworm-updates \[all\]\)$/m, "apt's simulation names only -updates for mpa-dummy");

  const expectFindings = (report: ReturnType<typeof parseReport>, mode: string) => {
    const check = report.checks.find((c) => c.id === 'security-updates');
    t.equal(check?.status, 'fail', `${mode}: fail`);
    t.same(check?.findings.filter((f) => f.code === 'security-update').map((f) => f.message), ['mpa-dummy 1.0 -> 1.1'], `${mode}: the security version, not -updates' 1.2`);
    const others = check?.findings.filter((f) => f.code === 'pending-updates').map((f) => f.message) ?? [];
    t.match(others, [/^1 other update pending \(per the other archives' lists on disk, not refreshed \(the newest changed (less than an hour|\d+ hours?|\d+ days) ago\)\)$/], `${mode}: mpa-other, and how old its list is`);
    return check;
  };

  const listBefore = lstatSync(join(root, UPDATES_LIST));
  const live = await runAgentInRoot(root, ['check', '--format', 'json', '--only', 'security-updates'], { today: TEST_TODAY });
  const liveCheck = expectFindings(parseReport(live.stdout), 'live');
  t.match(liveCheck?.summary, /security lists refreshed/, 'live: the security lists were refreshed');
  const listAfter = lstatSync(join(root, UPDATES_LIST));
  t.equal(listAfter.mtimeMs, listBefore.mtimeMs, 'live: the -updates list was not refreshed');
  t.equal(live.code, 1, 'live: exit 1');

  // The check refreshed only the security archive: cleanup's upgrade refreshes every list first.
  const plan = await runAgentInRoot(root, ['cleanup', '--format', 'json', '--only', 'security-updates'], { today: TEST_TODAY });
  const commands = parseCleanup<{ actions: { command?: string }[] }>(plan.stdout).actions.map((a) => a.command ?? '');
  const update = commands.findIndex((c) => c === 'apt-get update');
  t.ok(update >= 0 && update < commands.findIndex((c) => c.includes('dist-upgrade')), 'cleanup plans a full apt-get update before the upgrade', { commands });
  const offlinePlan = await runAgentInRoot(root, ['cleanup', '--offline', '--format', 'json', '--only', 'security-updates'], { today: TEST_TODAY });
  const offlineRefresh = parseCleanup<{ actions: { command?: string; status: string; reason?: string }[] }>(offlinePlan.stdout).actions.find((a) => a.command === 'apt-get update');
  t.same([offlineRefresh?.status, offlineRefresh?.reason], ['skipped', 'left out by --offline'], 'but not with --offline');

  const offline = await runAgentInRoot(root, ['check', '--offline', '--format', 'json', '--only', 'security-updates'], { today: TEST_TODAY });
  t.match(expectFindings(parseReport(offline.stdout), '--offline')?.summary, /offline: lists on disk, not refreshed/);

  const before = snapshotTree(root);
  for (const extra of [[], ['--offline']]) {
    const run = runAgent(['check', '--root', root, '--format', 'json', '--only', 'security-updates', ...extra]);
    expectFindings(parseReport(run.stdout), ['--root', ...extra].join(' '));
  }
  t.same(changedPaths(before, snapshotTree(root)), [], '--root leaves the image exactly as it was');
});
