// agent cleanup on synthetic roots: the plan changes nothing, --yes fixes what it planned and
// nothing else, links are removed as links, the running agent is kept, a second run plans
// nothing, and a second concurrent cleanup is refused.
import t from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, readFileSync, symlinkSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirtyRoot, makeSyntheticRoot } from '../fixtures/synthetic/make-root.js';
import { PROFILES } from '../fixtures/synthetic/profiles.js';
import { parseShadow } from '../agent/facts/accounts.js';
import { AGENT, AS_NON_ROOT, parseCleanup, parseReport, runAgent } from './helpers/agent.js';
import { changedPaths, snapshotTree } from './helpers/tree-snapshot.js';
import { writeFile } from '../fixtures/synthetic/tree.js';
import { CLEANUP_APPLY, requires, RPM_ROOTS } from './helpers/requires.js';


interface CleanupJson {
  mode: string;
  actions: { check: string; kind: string; path?: string; status: string; reason?: string }[];
  after?: unknown;
}

/** What a vendor's image holds besides the problems: none of it may change. */
function plantInnocentFiles(root: string): void {
  writeFile(root, '/srv/app/data/db.sqlite', Buffer.alloc(8192, 7));
  writeFile(root, '/home/app/Documents/notes.txt', 'keep me\n');
  writeFile(root, '/etc/skel/.profile', '# profile\n');
  writeFile(root, '/etc/app/app.conf', 'listen = 8080\n');
}

for (const profile of PROFILES) {
  t.test(`${profile.name}: plan, apply, re-check`, { skip: requires({ ...CLEANUP_APPLY, commands: profile.rpmDistro ? RPM_ROOTS.commands : [] }) }, async (t) => {
    const dir = t.testdir();
    const { root } = await makeDirtyRoot(join(dir, 'root'), profile);
    plantInnocentFiles(root);
    // Traps: links named like a log and a key, pointing at the image's shadow file.
    symlinkSync('/etc/shadow', join(root, 'var/log/shadow.log'));
    symlinkSync('/etc/shadow', join(root, 'root/.ssh/id_ecdsa'));
    const shadowBefore = readFileSync(join(root, 'etc/shadow'), 'utf8');

    const before = snapshotTree(root);
    const plan = runAgent(['cleanup', '--root', root, '--format', 'json']);
    t.equal(plan.code, 0, 'the plan exits 0');
    const planned = parseCleanup<CleanupJson>(plan.stdout);
    t.equal(planned.mode, 'plan');
    t.same(changedPaths(before, snapshotTree(root)), [], 'the plan changes nothing');
    t.ok(planned.actions.length > 10, 'it plans the fixes');

    const apply = runAgent(['cleanup', '--root', root, '--yes', '--format', 'json'], { timeoutMs: 120_000 });
    const applied = parseCleanup<CleanupJson>(apply.stdout);
    t.equal(applied.mode, 'apply');
    t.same(applied.actions.filter((a) => a.status === 'failed'), [], 'no action failed');
    const after = parseReport(JSON.stringify(applied.after));
    // What is left is what cleanup cannot fix (the vendor's), or package steps (skipped in --root mode).
    const packageChecks = new Set(['security-updates', 'do-agent', 'package-cache']);
    for (const check of after.checks.filter((c) => !packageChecks.has(c.id))) {
      t.same(check.findings.filter((f) => f.fixable), [], `${check.id}: nothing fixable is left`);
    }

    // Every changed path is one an action named (or lies under a removed tree).
    const touched = applied.actions.filter((a) => a.status === 'done' && a.path).map((a) => a.path as string);
    const explained = (path: string) => touched.some((p) => path === p || path.startsWith(`${p}/`)) || /^\/etc\/\.?(shadow|gshadow|passwd)/.test(path);
    const changed = changedPaths(before, snapshotTree(root));
    t.same(changed.filter((path) => !explained(path)), [], 'nothing outside the plan changed');
    for (const innocent of ['/srv/app/data/db.sqlite', '/home/app/Documents/notes.txt', '/etc/skel/.profile', '/etc/skel/.bashrc', '/etc/app/app.conf']) {
      t.notOk(changed.includes(innocent), `${innocent} is byte-identical`);
    }
    t.notOk(existsSync(join(root, 'var/log/shadow.log')), 'the log-named link is gone');
    t.notOk(existsSync(join(root, 'root/.ssh/id_ecdsa')), 'the key-named link is gone');
    const shadowAfter = parseShadow(readFileSync(join(root, 'etc/shadow'), 'utf8'));
    t.same([...parseShadow(shadowBefore).keys()], [...shadowAfter.keys()], 'every account is still in /etc/shadow');
    t.equal(shadowAfter.get('root')?.passwordField, '!', 'root is locked without a hash');

    const again = parseCleanup<CleanupJson>(runAgent(['cleanup', '--root', root, '--format', 'json']).stdout);
    const stillPlanned = again.actions.filter((a) => a.status === 'planned' && a.kind !== 'run');
    t.same(stillPlanned, [], 'a second cleanup plans nothing');
  });
}

t.test('the running agent is never removed, even from /tmp', async (t) => {
  const dir = t.testdir();
  const { root } = await makeSyntheticRoot(join(dir, 'root'), PROFILES[0], []);
  const copy = join(root, 'tmp/agent');
  copyFileSync(AGENT, copy);
  chmodSync(copy, 0o755);
  writeFile(root, '/tmp/leftover.txt', 'x');
  // Run the copy itself, the way a Packer provisioner runs /tmp/agent.
  const { spawnSync } = await import('node:child_process');
  const own = spawnSync(copy, ['cleanup', '--root', root, '--yes', '--format', 'json'], { encoding: 'utf8', env: { PATH: process.env.PATH, AGENT_TODAY: '2026-11-24' } });
  const records = parseCleanup<CleanupJson>(own.stdout).actions.filter((a) => a.path === '/tmp/agent');
  t.same(records.map((r) => r.status), ['skipped'], 'its own binary is skipped');
  t.ok(existsSync(copy), 'and still there');
  t.notOk(existsSync(join(root, 'tmp/leftover.txt')), 'other leftovers are gone');
});

t.test('a second concurrent cleanup is refused', async (t) => {
  const dir = t.testdir();
  const { root } = await makeSyntheticRoot(join(dir, 'root'), PROFILES[0], []);
  const { createHash } = await import('node:crypto');
  const lock = `/run/lock/marketplace-agent-${createHash('sha256').update(root).digest('hex').slice(0, 16)}.lock`;
  const holder = spawn('sleep', ['30']);
  writeFileSync(lock, `${holder.pid}\n`);
  try {
    const result = runAgent(['cleanup', '--root', root, '--yes']);
    t.equal(result.code, 3);
    t.match(result.stderr, /another cleanup \(pid \d+\) is running/);
  } finally {
    holder.kill();
    await once(holder, 'exit');
  }
  // A stale lock (its holder is gone) is taken over.
  const stale = runAgent(['cleanup', '--root', root, '--yes']);
  t.not(stale.code, 3, 'a stale lock does not block');
});

t.test('not root on a live machine: exit 3, nothing changed', async (t) => {
  const result = runAgent(['cleanup', '--yes'], AS_NON_ROOT);
  t.equal(result.code, 3);
  t.match(result.stderr, /needs root/);
});

t.test('--remove-self deletes the binary at the very end, after the report', async (t) => {
  const dir = t.testdir();
  const { root } = await makeSyntheticRoot(join(dir, 'root'), PROFILES[0], []);
  const copy = join(dir, 'agent-copy');
  copyFileSync(AGENT, copy);
  chmodSync(copy, 0o755);
  const { spawnSync } = await import('node:child_process');
  const run = spawnSync(copy, ['cleanup', '--root', root, '--yes', '--remove-self', '--format', 'json'], { encoding: 'utf8', env: { PATH: process.env.PATH, AGENT_TODAY: '2026-11-24' } });
  const output = parseCleanup<CleanupJson>(run.stdout);
  t.same(output.actions.at(-1), { check: 'cleanup', kind: 'remove-self', path: copy, status: 'done' }, 'the last action removes the binary');
  t.notOk(existsSync(copy), 'and it is gone');
  t.equal(run.status, 0);
});
