// A real booted-and-used image (fixtures/real/booted-image.ts): a bookworm disk booted once under
// qemu with a NoCloud seed, so it holds what a first boot really leaves, not what a test planted.
// The agent must report each trace under the right check, and `cleanup --yes` must remove them.
// Needs root (mmdebstrap, loop mounts) and qemu; the first run on a machine builds and boots the
// image (~5 min), later runs copy and loop-mount the cached disk (~1 s).
import t from 'tap';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findingsOf, parseCleanup, parseReport, runAgent, type ReportJson } from './helpers/agent.js';
import { mountedBootedImage } from '../fixtures/real/booted-image.js';
import { SEED_PACKAGES_HINT, seedTool } from '../fixtures/real/nocloud-seed.js';
import { BOOTED_IMAGE, requires } from './helpers/requires.js';

const skip =
  requires(BOOTED_IMAGE) ||
  (seedTool() ? false : `needs a tool to make the NoCloud seed, none installed: run npm test as root, or apt-get install ${SEED_PACKAGES_HINT}`);

// A cold cache builds and boots the image first (a few minutes under software emulation).
t.setTimeout(30 * 60_000);

interface Account {
  name: string;
  uid: number;
  home: string;
}

/** Accounts of the image with uid >= 1000 (nobody excluded), from its own /etc/passwd. */
function regularAccounts(root: string): Account[] {
  return readFileSync(join(root, 'etc/passwd'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(':'))
    .map((f) => ({ name: f[0], uid: Number(f[2]), home: f[5] }))
    .filter((a) => a.uid >= 1000 && a.uid < 65534);
}

function shadowField(root: string, account: string): string | undefined {
  const line = readFileSync(join(root, 'etc/shadow'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${account}:`));
  return line?.split(':')[1];
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

// --offline: the image has no package lists (mmdebstrap drops them), so security-updates is an
// error; once cleanup has removed every failure that error alone makes the exit code 3.
function check(root: string): { report: ReportJson; out: string } {
  const r = runAgent(['check', '--root', root, '--format', 'json', '--offline']);
  if (r.code !== 0 && r.code !== 1 && r.code !== 3) throw new Error(`agent check exited ${r.code}: ${r.stderr}`);
  return { report: parseReport(r.stdout), out: r.stdout + r.stderr };
}

t.test('the agent reports what a real first boot left, and cleanup removes it', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'real-booted-'));
  const t0 = Date.now();
  const image = await mountedBootedImage(join(dir, 'root'));
  t.teardown(async () => {
    await image.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  t.comment(`image ready at ${image.root} (${image.how}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const root = image.root;
  const inImage = (p: string) => join(root, p);

  // What the first boot left, read from the image itself.
  const instances = readdirSync(inImage('var/lib/cloud/instances'));
  const hostKeys = readdirSync(inImage('etc/ssh')).filter((n) => /^ssh_host_\w+_key$/.test(n));
  const users = regularAccounts(root);
  const journals = filesUnder(inImage('var/log/journal')).filter((p) => /\.journal~?$/.test(p));
  const wtmp = statSync(inImage('var/log/wtmp'), { throwIfNoEntry: false });
  const userData = readFileSync(inImage(`var/lib/cloud/instances/${instances[0]}/user-data.txt`), 'utf8');
  const password = /^password: (\S+)$/m.exec(userData)?.[1];

  const before = check(root);
  const found = findingsOf(before.report);
  const has = (id: string, code: string, path: string) => found.some((f) => f.check === id && f.code === code && f.path === path);

  t.test('first-boot traces are there', async (t) => {
    t.same(instances, ['iid-mpa-build-vm'], 'cloud-init instance data of the seed\'s instance id');
    t.ok(hostKeys.includes('ssh_host_ed25519_key'), `host keys made at first boot: ${hostKeys.join(', ')}`);
    t.equal(users.length, 1, `one regular account, the default user: ${users.map((u) => u.name).join(', ')}`);
    t.ok(journals.length > 0, 'a persistent journal');
    t.ok(wtmp && wtmp.size > 0, 'wtmp records the boot');
    t.ok(password, 'the user data gave the default user a password');
    t.equal(readFileSync(inImage('etc/machine-id'), 'utf8').trim().length, 32, 'systemd made a machine-id');
  });

  t.test('cloud-init instance data (cloud-init-instances)', async (t) => {
    for (const name of instances) {
      t.ok(has('cloud-init-instances', 'instance-data', `/var/lib/cloud/instances/${name}`), `instance-data ${name}`);
    }
    t.ok(has('cloud-init-instances', 'instance-link', '/var/lib/cloud/instance'), 'instance-link');
  });

  t.test('SSH host keys (ssh-host-keys)', async (t) => {
    const reported = found.filter((f) => f.check === 'ssh-host-keys' && f.code === 'host-key').map((f) => f.path).sort();
    t.same(reported, hostKeys.map((n) => `/etc/ssh/${n}`).sort(), 'every host key, by path');
  });

  t.test('the default user made by cloud-init (passwords, ssh-authorized-keys)', async (t) => {
    for (const user of users) {
      const hash = shadowField(root, user.name);
      t.match(hash, /^\$/, `${user.name} got a password hash from the user data`);
      const passwordFinding = before.report.checks
        .find((c) => c.id === 'passwords')
        ?.findings.find((f) => f.code === 'password-hash' && f.path === '/etc/shadow' && f.message.includes(user.name));
      t.ok(passwordFinding, `password-hash for ${user.name}`);
      const keys = `${user.home}/.ssh/authorized_keys`;
      t.ok(existsSync(inImage(keys)), `${keys} written by cloud-init`);
      t.ok(has('ssh-authorized-keys', 'authorized-key', keys), `authorized-key in ${keys}`);
    }
    // disable_root: cloud-init also puts the key in root's file, behind a command= that refuses the login.
    if (existsSync(inImage('root/.ssh/authorized_keys'))) {
      t.ok(has('ssh-authorized-keys', 'authorized-key', '/root/.ssh/authorized_keys'), "authorized-key in root's file too");
    }
  });

  t.test('logs, journal, login records (log-files)', async (t) => {
    t.ok(has('log-files', 'log', '/var/log/cloud-init.log'), 'cloud-init.log');
    t.ok(has('log-files', 'log', '/var/log/cloud-init-output.log'), 'cloud-init-output.log');
    for (const file of journals) {
      const path = file.slice(root.length);
      t.ok(has('log-files', 'journal', path), `journal ${path}`);
    }
    if (wtmp && wtmp.size > 0) t.ok(has('log-files', 'login-records', '/var/log/wtmp'), 'login-records /var/log/wtmp');
  });

  t.test('machine-id', async (t) => {
    t.ok(has('machine-id', 'machine-id', '/etc/machine-id'));
  });

  t.test('no secret of the first boot in the output', async (t) => {
    if (password) t.notOk(before.out.includes(password), 'the user-data password is not printed');
    const keyBlob = /ssh-ed25519 (\S+)/.exec(readFileSync(inImage(`${users[0]?.home}/.ssh/authorized_keys`), 'utf8'))?.[1];
    if (keyBlob) t.notOk(before.out.includes(keyBlob), 'the authorized key is not printed');
    const hash = users[0] && shadowField(root, users[0].name);
    if (hash) t.notOk(before.out.includes(hash), 'the password hash is not printed');
  });

  await t.test('cleanup --yes removes the first boot\'s traces', async (t) => {
    const r = runAgent(['cleanup', '--root', root, '--yes', '--format', 'json', '--offline']);
    t.not(r.code, 2, r.stderr);
    const result = parseCleanup<{ actions: { check: string; kind: string; path?: string; status: string; reason?: string }[] }>(r.stdout);
    const failed = result.actions.filter((a) => a.status === 'failed');
    t.same(failed, [], 'no action failed');
    const fileActions = result.actions.filter((a) => a.path);
    t.ok(fileActions.length > 0 && fileActions.every((a) => a.status === 'done'), 'every file action done (package commands are skipped in --root mode)');

    const after = findingsOf(check(root).report);
    const gone = (id: string, code?: string) => after.filter((f) => f.check === id && (code === undefined || f.code === code));
    t.same(gone('cloud-init-instances'), [], 'no cloud-init instance data');
    t.same(gone('ssh-host-keys', 'host-key'), [], 'no host keys');
    t.same(gone('ssh-authorized-keys'), [], 'no authorized keys');
    t.same(gone('passwords'), [], 'no password hash');
    t.same(gone('log-files'), [], 'no logs, journal or login records');
    t.same(gone('machine-id'), [], 'machine-id emptied');

    t.equal(readFileSync(inImage('etc/machine-id'), 'utf8'), '', '/etc/machine-id is kept, empty');
    t.same(readdirSync(inImage('var/lib/cloud/instances')), [], 'instances emptied');
    t.notOk(lstatSync(inImage('var/lib/cloud/instance'), { throwIfNoEntry: false }), 'instance link removed');
    t.ok(existsSync(inImage('var/lib/cloud/seed')), 'the seed directory is kept');
    for (const user of users) t.match(shadowField(root, user.name), /^[!*]/, `${user.name} locked, no hash`);
    t.equal(statSync(inImage('var/log/wtmp')).size, 0, 'wtmp truncated');
    t.ok(existsSync(inImage('var/log/cloud-init.log')), 'current logs kept, truncated');
  });
});
