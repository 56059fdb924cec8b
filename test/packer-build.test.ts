// The agent as Packer's last provisioners, driven by the real client: `packer build` of
// examples/packer/qemu-local.pkr.hcl boots a dirty copy of the booted-and-used image under qemu,
// uploads dist/agent, runs `cleanup --yes` and `check --report`, downloads the report and powers
// off (fixtures/real/packer-build.ts). The output image is then loop-mounted and checked again.
// A second build keeps a problem cleanup cannot fix: the agent's exit code fails it, no image.
// Each build takes 2-3 minutes under software emulation.
import t from 'tap';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKS_BY_ID } from '../checks/index.js';
import { mustRunInRoot } from '../fixtures/real/ns-run.js';
import { packerBuild } from '../fixtures/real/packer-build.js';
import { dirtyBuildImage, mountReadOnly } from '../fixtures/real/packer-image.js';
import { realDebianProfile } from '../fixtures/real/scenario.js';
import { combinableProblemsFor, problemsFor, type Problem } from '../fixtures/synthetic/problems.js';
import { SecretLedger } from '../fixtures/synthetic/secrets.js';
import { findingsOf, parseReport, requireAgent, runAgent, TEST_TODAY } from './helpers/agent.js';
import { leakedSecrets, missingExpectations } from './helpers/expect.js';
import { BOOTED_IMAGE, requires } from './helpers/requires.js';

const skip = requires({ ...BOOTED_IMAGE, commands: [...(BOOTED_IMAGE.commands ?? []), 'packer', 'qemu-img', 'xorriso'] });
const AGENT_ENV = [`AGENT_TODAY=${TEST_TODAY}`];

// Fixable problems left out of the dirty image, and why.
const NOT_PLANTED: Readonly<Record<string, string>> = {
  'revoked-keys-missing': 'sshd refuses every key while its RevokedKeys file is missing: Packer could not log in to run the agent',
  'pending-security-update': "synthetic; the image's local security repository holds a real pending update",
};

const profile = realDebianProfile('bookworm');
const byName = (name: string): Problem => problemsFor(profile).find((p) => p.name === name)!;
const fixableProblems = combinableProblemsFor(profile).filter((p) => !NOT_PLANTED[p.name] && p.expect.every((e) => CHECKS_BY_ID.get(e.check)?.codes[e.code]));

t.setTimeout(40 * 60_000);

t.test('packer build: a dirty image comes out clean, with the report and no secret in the log', { skip }, async (t) => {
  requireAgent();
  const dir = mkdtempSync(join(tmpdir(), 'packer-build-clean-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const ledger = new SecretLedger();
  const image = await dirtyBuildImage(dir, async (root) => {
    // The application's account, whose home some problems plant in (uid 1000 is the image's default user).
    await mustRunInRoot(root, ['useradd', '--create-home', '--uid', '1010', '--shell', '/bin/bash', 'app']);
    for (const problem of fixableProblems) await problem.plant({ root, profile, ledger });
  });
  if (image.firstBootPassword) ledger.secrets.push(image.firstBootPassword);
  // Packer's temporary key: cloud-init puts it in /root/.ssh/authorized_keys, cleanup must remove it.
  const key = ledger.keyPair('ed25519', 'packer_temporary_key');

  const build = await packerBuild(dir, image, key, AGENT_ENV);
  t.comment(`packer build took ${(build.ms / 1000).toFixed(0)} s`);
  t.equal(build.code, 0, `packer build succeeded${build.code === 0 ? '' : `:\n${build.output.slice(-3000)}`}`);
  t.match(build.output, /Provisioning with shell script/, 'the shell provisioners ran');

  // The outcome lines of cleanup in Packer's output: "    qemu.marketplace:   + [check] what: done".
  const done = [...build.output.matchAll(/^ {4}qemu\.marketplace: {3}\+ \[([\w-]+)\] (.*): done$/gm)].map((m) => ({ check: m[1], what: m[2] }));
  // package-cache's fix is `apt-get clean`, which the plan runs once, under security-updates (duplicates are dropped).
  const fixed = (check: string, path: string) =>
    done.some((d) => (d.check === check && d.what.includes(` ${path}`)) || (check === 'package-cache' && d.what === 'run: apt-get clean'));
  t.ok(fixed('ssh-authorized-keys', '/root/.ssh/authorized_keys'), "cleanup removed root's authorized_keys (Packer's key)");
  for (const problem of fixableProblems) {
    // /tmp's mode: the boot's systemd-tmpfiles already made it 1777 again.
    for (const e of problem.expect.filter((e) => e.path && e.path !== '/tmp')) {
      t.ok(fixed(e.check, e.path!), `${problem.name}: cleanup fixed ${e.path}`);
    }
  }
  t.ok(done.some((d) => d.check === 'security-updates' && d.what.includes('dist-upgrade')), 'cleanup upgraded the pending security update');

  t.ok(build.report, 'the report was downloaded');
  const report = parseReport(build.report ?? 'null');
  t.pass('the downloaded report validates against agent/report.schema.json');
  t.equal(report.target.mode, 'live', 'a live check on the build VM');
  t.same(report.checks.filter((c) => c.status === 'fail' || c.status === 'error').map((c) => c.id), [], 'nothing fails or errors after cleanup');
  // The build VM keeps running after cleanup: journald writes its journal again, in the directory
  // of the machine-id it booted with (the planted one), before the re-check may look.
  const planted = fixableProblems.flatMap((p) => p.expect).filter((e) => !(e.check === 'log-files' && e.code === 'journal'));
  t.same(missingExpectations(report, planted), planted, 'no planted problem is left in the report (but the running journal)');

  t.ok(build.outputDisk, 'the output image exists');
  const mnt = join(dir, 'output.mnt');
  const unmount = await mountReadOnly(build.outputDisk!, mnt);
  let checkOut = '';
  try {
    // --offline: the lists the VM's refresh left are what the image has.
    const check = runAgent(['check', '--root', mnt, '--format', 'json', '--offline']);
    checkOut = check.stdout + check.stderr;
    t.equal(check.code, 0, `check --root of the output image passes${check.code === 0 ? '' : `: ${checkOut.slice(-2000)}`}`);
    const found = findingsOf(parseReport(check.stdout));
    t.same(found.filter((f) => f.status === 'fail'), [], 'no failing finding in the output image');
    t.notOk(existsSync(join(mnt, 'root/.ssh/authorized_keys')), "no authorized_keys for root: Packer's key is gone");
    t.notOk(existsSync(join(mnt, 'root/.bash_history')), 'no history');
    t.same(readdirSync(join(mnt, 'tmp')).filter((n) => /^(agent|script_\d+\.sh)/.test(n)), [], "neither the agent, its report nor Packer's scripts are left in /tmp");
    // sshd recorded Packer's login in the journal; cleanup removed the logs after it.
    const logs = readdirSync(join(mnt, 'var/log'), { withFileTypes: true, recursive: true }).filter((e) => e.isFile());
    t.same(logs.filter((e) => readFileSync(join(e.parentPath, e.name)).includes('Accepted publickey')).map((e) => e.name), [], "no log holds Packer's SSH login");
  } finally {
    await unmount();
  }
  t.same(leakedSecrets(ledger.secrets, [build.output, build.log, build.report ?? '', checkOut]), [], "no planted secret in Packer's output, its log or the reports");
});

t.test("packer build: a problem cleanup cannot fix fails the build with the agent's exit code, no image", { skip }, async (t) => {
  requireAgent();
  const dir = mkdtempSync(join(tmpdir(), 'packer-build-fail-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const ledger = new SecretLedger();
  const problem = byName('first-boot-script-not-executable');
  t.notOk(CHECKS_BY_ID.get('first-boot-scripts')?.canFix, 'first-boot-scripts is a check cleanup cannot fix');
  const image = await dirtyBuildImage(dir, (root) => problem.plant({ root, profile, ledger }));
  const key = ledger.keyPair('ed25519', 'packer_temporary_key');

  const build = await packerBuild(dir, image, key, AGENT_ENV);
  t.comment(`packer build took ${(build.ms / 1000).toFixed(0)} s`);
  t.equal(build.code, 1, 'packer build failed');
  t.match(build.output, /FAIL {2}first-boot-scripts/, "the agent's report in Packer's output names the check");
  t.match(build.output, /Script exited with non-zero exit status: 1\b/, "Packer's output gives the agent's exit code");
  t.equal(build.report, null, 'no report downloaded: the build stopped at cleanup');
  t.notOk(existsSync(build.outputDir), 'no output image: Packer removed its output directory');
  t.same(leakedSecrets(ledger.secrets, [build.output, build.log]), [], "no planted secret in Packer's output or log");
  t.notOk(readFileSync(join(dir, 'console.log'), 'utf8').includes('Kernel panic'), 'the VM did not panic');
});
