// --image on a real bookworm root with every problem of the real-root scenarios planted, written
// into a GPT disk (BIOS boot partition, ext4 root) and converted with qemu-img to every format
// DigitalOcean imports: `check --image` reports exactly what `check --root` reports on the root it
// came from (disk-size aside: only the image knows its disk) and leaves the file byte-identical;
// a run killed (SIGKILL) or stopped (SIGTERM) mid-check leaves nothing attached after the next
// run; `cleanup --image --yes` on the fixable problems, then `check --image`, passes.
import t from 'tap';
import { REAL_ROOTS, requires } from './helpers/requires.js';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKS_BY_ID } from '../checks/index.js';
import { convertImage, gptExt4Image, IMAGE_FORMATS, MIB, sha256 } from '../fixtures/image/disk-images.js';
import { REAL_ROOT_PROBLEMS, SYNTHETIC_ONLY_PROBLEMS, TRAPS, type RealProblem } from '../fixtures/real/real-problems.js';
import { parityView } from '../fixtures/real/report-views.js';
import { addAppAccount, finishAsCarefulVendor, preparedRoot, realDebianProfile, Workspace } from '../fixtures/real/scenario.js';
import { combinableProblemsFor } from '../fixtures/synthetic/problems.js';
import { SecretLedger } from '../fixtures/synthetic/secrets.js';
import { AGENT, parseCleanup, parseReport, requireAgent, runAgent, TEST_TODAY } from './helpers/agent.js';
import { leakedSecrets, missingExpectations } from './helpers/expect.js';
import { leftoversUnder, NOTHING_LEFT } from './helpers/image-work.js';

const SUITE = 'bookworm';
const skip = requires({ ...REAL_ROOTS, commands: [...(REAL_ROOTS.commands ?? []), 'qemu-img', 'qemu-storage-daemon', 'sfdisk', 'losetup', 'fusermount3'] });
const ws = new Workspace('image-real');
t.teardown(() => ws.dispose());
t.setTimeout(10 * 60_000);
const RUN_TIMEOUT_MS = 180_000;

interface Applied {
  actions: { check: string; kind: string; path?: string; status: string; reason?: string }[];
}

t.test(`${SUITE}: every problem, --image in every format against --root`, { skip }, async (t) => {
  requireAgent();
  const profile = realDebianProfile(SUITE);
  const base = await preparedRoot(SUITE, join(ws.dir('base'), 'root'));
  finishAsCarefulVendor(base);
  await addAppAccount(base);
  const root = await ws.overlay(base, 'all');
  const ledger = new SecretLedger();
  const problems: RealProblem[] = [...REAL_ROOT_PROBLEMS, ...combinableProblemsFor(profile).filter((p) => !SYNTHETIC_ONLY_PROBLEMS[p.name]), ...TRAPS];
  for (const problem of problems) await problem.plant({ root, profile, ledger });
  const images = ws.dir('images');
  const work = join(images, 'work');
  const env = { AGENT_IMAGE_WORK_DIR: work };
  const raw = join(images, 'disk.raw');
  gptExt4Image(root, raw, 1024 * MIB);

  const viaRoot = runAgent(['check', '--root', root, '--format', 'json'], { timeoutMs: RUN_TIMEOUT_MS });
  const rootReport = parseReport(viaRoot.stdout);
  t.equal(viaRoot.code, 1, '--root: exit 1');
  t.same(missingExpectations(rootReport, problems.flatMap((p) => p.expect)), [], '--root: every planted problem found');
  const withoutDiskSize = { leaveOut: new Set(['disk-size']) };

  for (const format of IMAGE_FORMATS) {
    await t.test(format, async (t) => {
      const file = join(images, `disk.${format}`);
      if (format !== 'raw') convertImage(raw, format, file);
      const before = sha256(file);
      const run = runAgent(['check', '--image', file, '--format', 'json'], { env, timeoutMs: RUN_TIMEOUT_MS });
      const report = parseReport(run.stdout);
      t.equal(run.code, 1, 'exit 1, as --root', { stderr: run.stderr });
      t.same(parityView(report, withoutDiskSize), parityView(rootReport, withoutDiskSize), 'the same checks, statuses and findings (status, code, path) as --root');
      t.same(
        report.checks.flatMap((c) => c.findings.map((f) => f.message)).sort(),
        rootReport.checks.flatMap((c) => (c.id === 'disk-size' ? [] : c.findings.map((f) => f.message))).sort(),
        'the same messages',
      );
      t.same(report.host.distro, rootReport.host.distro, 'the same distribution');
      const diskSize = report.checks.find((c) => c.id === 'disk-size');
      t.same([diskSize?.status, diskSize?.summary], ['pass', "the image's disk is 1.0 GiB"], 'disk-size: the virtual size of the image');
      t.same(leakedSecrets(ledger.secrets, [run.stdout, run.stderr]), [], 'no planted secret in the output');
      t.equal(sha256(file), before, 'the file is byte-identical afterwards');
      t.same(leftoversUnder(work), NOTHING_LEFT, 'nothing left attached');
      if (format !== 'raw' && format !== 'qcow2') rmSync(file);
    });
  }

  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    await t.test(`${signal} during a check of the qcow2, then the next run`, async (t) => {
      const file = join(images, 'disk.qcow2');
      const before = sha256(file);
      const child = spawn(AGENT, ['check', '--image', file, '--format', 'json'], { env: { PATH: process.env.PATH ?? '', AGENT_TODAY: TEST_TODAY, ...env }, stdio: 'ignore' });
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
      // Wait for the image's root to be mounted: the checks are running on it then.
      const mounted = join(work, `image-${child.pid}`, 'root');
      const until = Date.now() + 60_000;
      while (!leftoversUnder(work).mounts.includes(mounted) && Date.now() < until && child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
      t.ok(leftoversUnder(work).mounts.includes(mounted), 'the root was mounted when the signal came');
      child.kill(signal);
      const end = await exited;
      if (signal === 'SIGKILL') {
        const left = leftoversUnder(work);
        t.ok(left.mounts.length > 0 && left.loops.length > 0 && left.daemons.length === 1, 'a killed run leaves mounts, loop devices and its daemon', left);
        const next = runAgent(['check', '--image', file, '--only', 'tmp-dirs'], { env, timeoutMs: RUN_TIMEOUT_MS });
        t.match(next.stderr, /^agent: removed what an interrupted run left attached: \d+ mounts, 1 loop device, 1 qemu-storage-daemon\n/, 'the next run says what it removed');
        t.equal(next.code, 1, 'and checks as usual');
      } else {
        t.same(end, { code: 143, signal: null }, 'SIGTERM: detached, then exit 143');
      }
      t.same(leftoversUnder(work), NOTHING_LEFT, 'nothing left attached');
      t.equal(sha256(file), before, 'the file is byte-identical');
    });
  }
});

t.test(`${SUITE}: cleanup --image --yes on the fixable problems, then check --image passes`, { skip }, async (t) => {
  const profile = realDebianProfile(SUITE);
  const base = await preparedRoot(SUITE, join(ws.dir('cleanup-base'), 'root'));
  finishAsCarefulVendor(base);
  await addAppAccount(base);
  const root = await ws.overlay(base, 'fixable');
  const ledger = new SecretLedger();
  // An installed package is purged only by a package command, which needs the image running
  // (skipped with --root, and so with --image).
  const needsPackageCommand = (p: RealProblem) => p.expect.some((e) => e.code === 'package');
  const fixable = combinableProblemsFor(profile).filter(
    (p) => !SYNTHETIC_ONLY_PROBLEMS[p.name] && !needsPackageCommand(p) && p.expect.every((e) => CHECKS_BY_ID.get(e.check)?.codes[e.code]),
  );
  t.ok(fixable.length >= 15, `${fixable.length} fixable problems planted`);
  for (const problem of fixable) await problem.plant({ root, profile, ledger });
  const images = ws.dir('cleanup-images');
  const work = join(images, 'work');
  const env = { AGENT_IMAGE_WORK_DIR: work };
  const raw = join(images, 'disk.raw');
  gptExt4Image(root, raw, 1024 * MIB);
  const file = join(images, 'disk.qcow2');
  convertImage(raw, 'qcow2', file);

  const plan = runAgent(['cleanup', '--image', file], { env, timeoutMs: RUN_TIMEOUT_MS });
  t.equal(plan.code, 0, 'the plan: exit 0');
  t.match(plan.stdout, `Cleanup plan for ${file}`, 'the plan names the image file');
  const run = runAgent(['cleanup', '--image', file, '--yes', '--reclaim-free-space', '--format', 'json'], { env, timeoutMs: RUN_TIMEOUT_MS });
  const applied = parseCleanup<Applied>(run.stdout);
  t.same(applied.actions.filter((a) => a.status === 'failed'), [], 'no action failed', { stderr: run.stderr });
  t.equal(applied.actions.find((a) => a.kind === 'trim-free-space')?.status, 'done', 'the free space was trimmed');
  t.equal(run.code, 0, 'cleanup exits 0: its re-check passes');
  const check = runAgent(['check', '--image', file, '--format', 'json'], { env, timeoutMs: RUN_TIMEOUT_MS });
  t.equal(check.code, 0, 'check --image passes afterwards', { failing: parseReport(check.stdout).checks.filter((c) => c.status === 'fail').map((c) => c.id) });
  t.same(leakedSecrets(ledger.secrets, [plan.stdout, run.stdout, run.stderr, check.stdout]), [], 'no planted secret in any output');
  t.same(leftoversUnder(work), NOTHING_LEFT, 'nothing left attached');
  t.notOk(existsSync(work) && readdirSync(work).length > 0, 'no work directory left');
});
