// The defects that led to the core redesign, each on a fixture root: "could not read" never
// becomes a verdict or a destructive plan, and `fixable` is exactly what cleanup plans.
import t from 'tap';
import { CLEANUP_APPLY, requires, RPM_ROOTS } from '../helpers/requires.js';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirtyRoot, makeSyntheticRoot } from '../../fixtures/synthetic/make-root.js';
import { PROFILES } from '../../fixtures/synthetic/profiles.js';
import { writeFile } from '../../fixtures/synthetic/tree.js';
import { SecretLedger } from '../../fixtures/synthetic/secrets.js';
import { parseCleanup, parseReport, runAgent, type CleanupReportJson } from '../helpers/agent.js';
import { planMismatches } from '../helpers/fix-plan.js';

const ubuntu = PROFILES.find((p) => p.name === 'ubuntu-24.04')!;

// What cloud-init would do with a drop-in the agent cannot read is unknown: it could turn
// ssh_deletekeys off, and then removing the host keys leaves every Droplet without them.
const UNREADABLE_DROP_INS: ReadonlyArray<[string, (path: string) => void]> = [
  ['a FIFO', (path) => execFileSync('mkfifo', [path])],
  ['larger than 1 MiB', (path) => writeFileSync(path, `# padding\n${'#'.repeat(2 * 1024 * 1024)}\nssh_deletekeys: false\n`)],
  ['not valid YAML', (path) => writeFileSync(path, 'ssh_deletekeys: [false\n')],
];

for (const [what, plant] of UNREADABLE_DROP_INS) {
  t.test(`a cloud.cfg.d drop-in that is ${what}: ssh-host-keys is error and cleanup keeps the host keys`, { skip: requires(CLEANUP_APPLY) }, async (t) => {
    const dir = t.testdir();
    const { root } = await makeSyntheticRoot(join(dir, 'root'), ubuntu, []);
    const pair = new SecretLedger().keyPair('ed25519', 'root@build');
    writeFile(root, '/etc/ssh/ssh_host_ed25519_key', { content: pair.privateKey, mode: 0o600 });
    writeFile(root, '/etc/ssh/ssh_host_ed25519_key.pub', pair.publicKey);
    mkdirSync(join(root, 'etc/cloud/cloud.cfg.d'), { recursive: true });
    plant(join(root, 'etc/cloud/cloud.cfg.d/99-vendor.cfg'));
    const check = parseReport(runAgent(['check', '--root', root, '--format', 'json', '--offline']).stdout);
    const hostKeys = check.checks.find((c) => c.id === 'ssh-host-keys')!;
    t.equal(hostKeys.status, 'error');
    t.ok(hostKeys.findings.some((f) => f.code === 'unreadable' && f.path === '/etc/cloud/cloud.cfg.d/99-vendor.cfg'), 'names the drop-in');
    t.ok(hostKeys.findings.every((f) => !f.fixable), 'nothing of it is fixable');
    const cleanup = parseCleanup<CleanupReportJson>(runAgent(['cleanup', '--root', root, '--yes', '--format', 'json', '--offline']).stdout);
    t.same(cleanup.actions.filter((a) => a.check === 'ssh-host-keys'), [], 'no host-key action');
    t.ok(existsSync(join(root, 'etc/ssh/ssh_host_ed25519_key')), 'the host key is still there');
  });
}

t.test('an unreadable sshd_config drop-in: the checks that use sshd_config are error, never pass', async (t) => {
  const dir = t.testdir();
  const { root } = await makeSyntheticRoot(join(dir, 'root'), ubuntu, []);
  execFileSync('mkfifo', [join(root, 'etc/ssh/sshd_config.d/50-vendor.conf')]);
  writeFile(root, '/etc/ssh/sshd_config', 'Include /etc/ssh/sshd_config.d/*.conf\nSubsystem sftp /usr/lib/openssh/sftp-server\n');
  const report = parseReport(runAgent(['check', '--root', root, '--format', 'json', '--offline']).stdout);
  for (const id of ['ssh-authorized-keys', 'openssh-server', 'ssh-config', 'firewall']) {
    t.equal(report.checks.find((c) => c.id === id)?.status, 'error', `${id} is error`);
  }
});

for (const profile of PROFILES) {
  t.test(`${profile.name} all-problems root: fixable findings and the plan answer each other`, { skip: profile.rpmDistro ? requires(RPM_ROOTS) : false }, async (t) => {
    const dir = t.testdir();
    const { root } = await makeDirtyRoot(join(dir, 'dirty'), profile);
    const plan = parseCleanup<CleanupReportJson>(runAgent(['cleanup', '--root', root, '--format', 'json', '--offline']).stdout);
    t.same(planMismatches(plan.before!, plan.actions), []);
    t.ok(plan.actions.length > 10, `${plan.actions.length} actions planned`);
  });
}
