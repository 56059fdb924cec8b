// A real bookworm root whose /tmp has mode 755, a signed local security repository offering an
// update, and the agent uploaded to /tmp/agent as Packer's file provisioner does. apt's sandbox
// user cannot write to such a /tmp: the agent's own package commands use a temporary directory of
// the agent's, so the security check still works; cleanup repairs /tmp before the package stage.
import t, { type Test } from 'tap';
import { REAL_ROOTS, requires } from './helpers/requires.js';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT_BINARY } from '../fixtures/real/agent-in-root.js';
import { freshRoot } from '../fixtures/real/debian-roots.js';
import { runInRoot } from '../fixtures/real/ns-run.js';
import { addLocalSecurityRepo, prepareAsVendor, useOnlyLocalSources } from '../fixtures/real/security-repo.js';
import { parseCleanup, parseReport, runAgent, TEST_TODAY, type CleanupReportJson, type ReportJson } from './helpers/agent.js';


const statusOf = (report: ReportJson, id: string) => report.checks.find((c) => c.id === id);
const installed = (root: string, pkg: string) => /Package: mpa-dummy\nStatus: install ok installed\n(?:.+\n)*?Version: (.*)/.exec(readFileSync(join(root, 'var/lib/dpkg/status'), 'utf8'))?.[1] ?? pkg;

t.test('a broken /tmp with the agent in it: reported, repaired first, and the security check still works', { skip: requires(REAL_ROOTS) }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'real-broken-tmp-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const root = join(dir, 'root');
  await freshRoot('bookworm', root);
  await addLocalSecurityRepo(root);
  await prepareAsVendor(root);
  await useOnlyLocalSources(root);
  // Adding the repository again installs 1.0 over the 1.1 the vendor upgraded to: 1.1 is pending.
  await addLocalSecurityRepo(root);
  t.equal(installed(root, ''), '1.0', 'mpa-dummy 1.0 installed, 1.1 offered');
  const agent = join(root, 'tmp/agent');
  copyFileSync(AGENT_BINARY, agent);
  chmodSync(agent, 0o755);
  const breakTmp = () => chmodSync(join(root, 'tmp'), 0o755);
  const live = async (args: string[]) => runInRoot(root, ['/tmp/agent', ...args], { env: { AGENT_TODAY: TEST_TODAY }, timeoutMs: 10 * 60_000 });

  const expectBoth = (t: Test, report: ReportJson, mode: string) => {
    t.ok(statusOf(report, 'tmp-dirs')?.findings.some((f) => f.code === 'tmp-mode' && f.status === 'fail'), `${mode}: tmp-dirs fails on the mode of /tmp`);
    const security = statusOf(report, 'security-updates');
    t.equal(security?.status, 'fail', `${mode}: security-updates is fail, not error (${security?.summary})`);
    t.ok(security?.findings.some((f) => f.code === 'security-update' && /mpa-dummy 1\.0 -> 1\.1/.test(f.message)), `${mode}: the pending update is found`);
  };

  breakTmp();
  const liveCheck = await live(['check', '--format', 'json']);
  expectBoth(t, parseReport(liveCheck.stdout), 'live');

  const rootCheck = runAgent(['check', '--root', root, '--format', 'json'], { timeoutMs: 120_000 });
  expectBoth(t, parseReport(rootCheck.stdout), '--root');

  // --root: the files are fixed (/tmp first), the package step needs the image running.
  const rootCleanup = parseCleanup<CleanupReportJson>(runAgent(['cleanup', '--root', root, '--yes', '--format', 'json'], { timeoutMs: 120_000 }).stdout);
  t.equal(statSync(join(root, 'tmp')).mode & 0o7777, 0o1777, '--root cleanup: /tmp is 1777 again');
  t.equal(statusOf(rootCleanup.after!, 'security-updates')?.status, 'fail', '--root cleanup: the update is still pending (package steps skipped)');
  // From outside, a binary in the image's /tmp is just a leftover of the build.
  t.notOk(existsSync(agent), '--root cleanup: a file in the image\'s /tmp is a leftover there');

  copyFileSync(AGENT_BINARY, agent);
  chmodSync(agent, 0o755);
  breakTmp();
  const liveCleanupRun = await live(['cleanup', '--yes', '--format', 'json']);
  const liveCleanup = parseCleanup<CleanupReportJson>(liveCleanupRun.stdout);
  const kinds = liveCleanup.actions.map((a) => `${a.kind}${a.kind === 'run' ? ` ${a.command?.split(' ').at(-1)}` : ''}`);
  t.ok(kinds.indexOf('set-mode') >= 0 && kinds.indexOf('set-mode') < kinds.findIndex((k) => k.startsWith('run')), `/tmp is repaired before the package stage: ${kinds.slice(0, 4).join(', ')}`);
  t.same(liveCleanup.actions.filter((a) => a.status !== 'done' && a.status !== 'skipped'), [], 'no action failed');
  t.equal(statSync(join(root, 'tmp')).mode & 0o7777, 0o1777, 'live cleanup: /tmp is 1777 again');
  t.equal(installed(root, ''), '1.1', 'live cleanup: mpa-dummy upgraded to 1.1');
  t.equal(statusOf(liveCleanup.after!, 'security-updates')?.status, 'pass', 'the re-check: no pending security update');
  t.equal(statusOf(liveCleanup.after!, 'tmp-dirs')?.status, 'pass', 'the re-check: /tmp fine, and the agent is not a leftover');
  t.ok(existsSync(agent), 'the agent in /tmp was never removed');
});
