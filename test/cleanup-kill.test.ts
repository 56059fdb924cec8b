// kill -9 at many points of `cleanup --yes`: the accounts files always parse with every account
// in them, and a re-run completes the job.
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePasswd, parseShadow } from '../agent/facts/accounts.js';
import { addAccount } from '../fixtures/synthetic/accounts.js';
import { makeDirtyRoot } from '../fixtures/synthetic/make-root.js';
import { PROFILES } from '../fixtures/synthetic/profiles.js';
import { writeFile } from '../fixtures/synthetic/tree.js';
import { AGENT, parseCleanup, runAgent, TEST_TODAY } from './helpers/agent.js';
import { CLEANUP_APPLY, requires } from './helpers/requires.js';

const KILLS = 30;
const profile = PROFILES.find((p) => p.name === 'debian-12')!;

function accountsIntact(t: Test, root: string, names: string[], context: string): void {
  for (const file of ['etc/shadow', 'etc/shadow-']) {
    const text = readFileSync(join(root, file), 'utf8');
    const lines = text.split('\n').filter(Boolean);
    t.ok(lines.every((line) => line.split(':').length === 9), `${context}: every ${file} line has its 9 fields`);
    if (file === 'etc/shadow') t.same([...parseShadow(text).keys()], names, `${context}: every account is still in ${file}`);
  }
  t.equal(parsePasswd(readFileSync(join(root, 'etc/passwd'), 'utf8')).malformed.length, 0, `${context}: /etc/passwd parses`);
}

t.test('kill -9 during cleanup --yes', { skip: requires(CLEANUP_APPLY) }, async (t) => {
  const dir = t.testdir();
  const { root } = await makeDirtyRoot(join(dir, 'root'), profile);
  // Enough work that kills land in every phase: many accounts with hashes, many logs.
  for (let i = 0; i < 200; i++) addAccount(root, { name: `user${i}`, uid: 2000 + i, home: `/home/user${i}`, password: `$6$salt${i}$${'h'.repeat(86)}` });
  for (let i = 0; i < 300; i++) writeFile(root, `/var/log/app/app.log.${i}.gz`, 'x'.repeat(100));
  const names = [...parseShadow(readFileSync(join(root, 'etc/shadow'), 'utf8')).keys()];

  const started = Date.now();
  runAgent(['cleanup', '--root', root, '--format', 'json']); // warm the page cache; plan only
  const planMs = Date.now() - started;
  for (let i = 0; i < KILLS; i++) {
    // Spread the kills over the run, from right after start to past the plan's own duration.
    const delay = Math.round(((i + 1) / KILLS) * Math.max(planMs * 2, 400));
    const child = spawn(AGENT, ['cleanup', '--root', root, '--yes', '--format', 'json'], { env: { PATH: process.env.PATH, AGENT_TODAY: TEST_TODAY }, stdio: 'ignore' });
    const exited = once(child, 'exit');
    await new Promise((resolve) => setTimeout(resolve, delay));
    child.kill('SIGKILL');
    await exited;
    accountsIntact(t, root, names, `killed after ${delay} ms`);
  }
  const final = parseCleanup<{ actions: { status: string }[]; after: { checks: { id: string; status: string; findings: { code: string }[] }[] } }>(
    runAgent(['cleanup', '--root', root, '--yes', '--format', 'json'], { timeoutMs: 120_000 }).stdout,
  );
  t.same(final.actions.filter((a) => a.status === 'failed'), [], 'the re-run completes');
  accountsIntact(t, root, names, 'after the re-run');
  const statuses = Object.fromEntries(final.after.checks.map((c) => [c.id, c.status]));
  // What the all-problems root leaves to the vendor (a second uid-0 account, a '*' in passwd) stays.
  const left = final.after.checks.find((c) => c.id === 'passwords')?.findings.map((f) => f.code) ?? [];
  t.same(left.sort(), ['extra-uid0', 'passwd-field'], 'no hash, no empty password, no stale temporary copy');
  t.equal(statuses['log-files'], 'pass');
});
