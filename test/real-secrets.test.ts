// Issue 11's scenario on a real bookworm root: every secret beyond SSH and every leftover of the
// build Droplet's life at once (credential stores, tokens in application files, build-time
// secrets, shared TLS keys, random seeds and leases, mail, a swap file, unsigned sources), plus
// the traps that look like them and are not. Live and --root report the same; `cleanup --yes`
// removes the credential stores and leftovers and truncates the mail, while the application's
// files, the TLS keys and the swap file stay byte-identical; no planted secret is ever printed.
import t from 'tap';
import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { runAgentInRoot } from '../fixtures/real/agent-in-root.js';
import { addAppAccount, preparedRoot, realDebianProfile, Workspace } from '../fixtures/real/scenario.js';
import { combinableProblemsFor, type Expectation } from '../fixtures/synthetic/problems.js';
import { CREDENTIAL_PROBLEMS } from '../fixtures/synthetic/problems-credentials.js';
import { HOST_PROBLEMS } from '../fixtures/synthetic/problems-host.js';
import { SHARED_SECRET_PROBLEMS } from '../fixtures/synthetic/problems-shared.js';
import { SecretLedger } from '../fixtures/synthetic/secrets.js';
import { findingsOf, parseCleanup, parseReport, requireAgent, runAgent, TEST_TODAY } from './helpers/agent.js';
import { leakedSecrets, missingExpectations } from './helpers/expect.js';
import { REAL_ROOTS, requires } from './helpers/requires.js';
import { changedPaths, snapshotTree } from './helpers/tree-snapshot.js';

/** The checks of issue 11, and their rows of the problems table (traps among them). */
const ROWS = new Set([...CREDENTIAL_PROBLEMS, ...SHARED_SECRET_PROBLEMS, ...HOST_PROBLEMS]);
const NEW_CHECKS = new Set(['credentials', 'build-secrets', 'tls-keys', 'instance-leftovers', 'swap', 'package-sources']);
const FORMATS = ['json', 'text', 'junit'] as const;
// Namespace mounts of the live run, not the image's.
const MOUNTS = /^\/(proc|sys|dev|run)(\/|$)/;

interface Applied {
  actions: { check: string; kind: string; path?: string; status: string }[];
  after: unknown;
}

const ws = new Workspace('real-secrets');
t.teardown(() => ws.dispose());
t.setTimeout(10 * 60_000);

t.test('bookworm: every secret beyond SSH and every leftover at once', { skip: requires(REAL_ROOTS) }, async (t) => {
  requireAgent();
  const profile = realDebianProfile('bookworm');
  const base = await preparedRoot('bookworm', join(ws.dir('bookworm-base'), 'root'));
  const root = await ws.overlay(base, 'bookworm-secrets');
  await addAppAccount(root);
  const ledger = new SecretLedger();
  const rows = combinableProblemsFor(profile).filter((p) => ROWS.has(p));
  t.ok(rows.length >= 12, `${rows.length} rows of the new checks planted, traps among them`);
  for (const row of rows) await row.plant({ root, profile, ledger });
  const expected: Expectation[] = rows.flatMap((p) => p.expect);
  const fixed = expected.filter((e) => Array.isArray(e.fix) && e.path);
  const kept = expected.filter((e) => typeof e.fix === 'string' && e.path);
  t.ok(fixed.length > 0 && kept.length > 0, `${fixed.length} fixable and ${kept.length} reported-only findings`);

  const outputs: string[] = [];
  const reports: Record<string, ReturnType<typeof parseReport>> = {};
  for (const format of FORMATS) {
    const viaRoot = runAgent(['check', '--root', root, '--format', format], { timeoutMs: 120_000 });
    const live = await runAgentInRoot(root, ['check', '--format', format], { today: TEST_TODAY, timeoutMs: 120_000 });
    outputs.push(viaRoot.stdout, viaRoot.stderr, live.stdout, live.stderr);
    t.equal(viaRoot.code, 1, `--root --format ${format}: exit 1`);
    t.equal(live.code, 1, `live --format ${format}: exit 1`);
    if (format === 'json') {
      reports['--root'] = parseReport(viaRoot.stdout);
      reports.live = parseReport(live.stdout);
    }
  }
  for (const [mode, report] of Object.entries(reports)) {
    t.same(missingExpectations(report, expected), [], `${mode}: all ${expected.length} expected findings`);
    const errors = report.checks.filter((c) => NEW_CHECKS.has(c.id) && c.status === 'error').map((c) => c.id);
    t.same(errors, [], `${mode}: no new check could not check`);
  }
  const ofNew = (report: ReturnType<typeof parseReport>) =>
    findingsOf(report)
      .filter((f) => NEW_CHECKS.has(f.check))
      .map((f) => `${f.check} ${f.status} ${f.code} ${f.path ?? ''}`)
      .sort();
  t.same(ofNew(reports.live), ofNew(reports['--root']), 'live and --root report the same findings of the new checks');

  const before = snapshotTree(root);
  const run = await runAgentInRoot(root, ['cleanup', '--yes', '--offline', '--format', 'json'], { today: TEST_TODAY, timeoutMs: 300_000 });
  outputs.push(run.stdout, run.stderr);
  const applied = parseCleanup<Applied>(run.stdout);
  t.same(applied.actions.filter((a) => a.status === 'failed'), [], 'no action failed');
  const after = snapshotTree(root);

  for (const e of fixed) {
    const fix = e.fix as { kind: string; path?: string }[];
    for (const action of fix.filter((a) => a.path)) {
      const path = join(root, action.path!);
      if (action.kind === 'remove-file' || action.kind === 'remove-tree') t.notOk(existsSync(path), `${e.check} ${e.code}: ${action.path} removed`);
      if (action.kind === 'truncate-file') t.ok(lstatSync(path).isFile() && lstatSync(path).size === 0, `${e.check} ${e.code}: ${action.path} kept, empty`);
    }
  }
  for (const e of kept) t.equal(after.get(e.path!), before.get(e.path!), `${e.check} ${e.code}: ${e.path} byte-identical (${e.fix as string})`);

  const touched = applied.actions.filter((a) => a.status === 'done' && a.path).map((a) => a.path as string);
  const explained = (path: string) => MOUNTS.test(path) || touched.some((p) => path === p || path.startsWith(`${p}/`));
  t.same(changedPaths(before, after).filter((path) => !explained(path)), [], 'nothing outside the plan changed');

  const recheck = parseReport(JSON.stringify(applied.after));
  const left = findingsOf(recheck).filter((f) => fixed.some((e) => e.check === f.check && e.code === f.code && e.path === f.path));
  t.same(left, [], 'the re-check no longer reports what was fixed');
  t.same(leakedSecrets(ledger.secrets, outputs), [], `none of the ${ledger.secrets.length} planted secrets in any output`);
});
