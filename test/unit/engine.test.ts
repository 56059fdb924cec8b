// runChecks with fake check modules: errors, timeouts, skips, severity, ignore lists, statuses.
import t from 'tap';
import { Host } from '../../agent/host.js';
import { runChecks, toCheckReport, type EngineOptions } from '../../agent/engine.js';
import { defineCheck } from '../../agent/check.js';
import { fixes } from '../../agent/cleanup/actions.js';
import type { CheckDefinition, CheckModule, CheckReport, CheckResult, Finding, Severity } from '../../agent/types.js';

const host = new Host('/nonexistent-root-for-engine-tests', 'root');

function finding(status: Finding['status'], code: string, path?: string): Finding {
  return { status, code, message: `${code} message`, ...(path ? { path } : {}), fixable: false };
}

// The codes the fake findings use; 'fixed' carries a fix, the others none.
const CODES = { ok: null, p: null, w: null, f: null, e: null, fixed: (f: Finding) => [fixes.removeFile(f.path ?? '/x')] };

function fake(id: string, run: () => Promise<CheckResult>, more: Partial<CheckDefinition> = {}): CheckModule {
  return defineCheck({
    id,
    title: `${id} title`,
    description: 'd',
    explain: { looksAt: '', why: '', manualFix: '' },
    severity: 'fail' as Severity,
    remedy: 'r',
    codes: CODES,
    run,
    ...more,
  });
}

const found = (...findings: Finding[]) => async (): Promise<CheckResult> => ({ findings });
const never = () => new Promise<CheckResult>(() => {});

interface Case {
  title: string;
  module: CheckModule;
  options?: Partial<EngineOptions>;
  expect: Partial<CheckReport> & { codes?: Array<[string, Finding['status']]> };
}

const CASES: Case[] = [
  { title: 'no findings is pass', module: fake('a', found()), expect: { status: 'pass', summary: 'no problem found', codes: [] } },
  { title: 'pass findings only', module: fake('a', found(finding('pass', 'ok'))), expect: { status: 'pass', summary: 'no problem found' } },
  {
    title: 'fail beats error beats warn',
    module: fake('a', found(finding('warn', 'w'), finding('fail', 'f'), finding('error', 'e'), finding('pass', 'p'))),
    expect: { status: 'fail', summary: '3 problems' },
  },
  { title: 'error beats warn', module: fake('a', found(finding('warn', 'w'), finding('error', 'e'))), expect: { status: 'error', summary: '2 problems' } },
  { title: 'warn', module: fake('a', found(finding('pass', 'p'), finding('warn', 'w'))), expect: { status: 'warn', summary: '1 problem' } },
  {
    title: 'a check that throws is error with its first line',
    module: fake('a', async () => {
      throw new Error('cannot read the thing\nsecond line');
    }),
    expect: { status: 'error', summary: 'could not check: cannot read the thing', findings: [] },
  },
  {
    title: 'a check that throws synchronously',
    module: fake('a', () => {
      throw new Error('sync boom');
    }),
    expect: { status: 'error', summary: 'could not check: sync boom' },
  },
  {
    title: 'a thrown non-Error',
    module: fake('a', async () => {
      throw 'a string';
    }),
    expect: { status: 'error', summary: 'could not check: a string' },
  },
  { title: 'a check that never resolves times out', module: fake('a', never), options: { timeoutMs: 50 }, expect: { status: 'error', summary: 'could not check: did not finish within 0.05 s' } },
  { title: 'appliesTo false', module: fake('a', found(finding('fail', 'f')), { appliesTo: () => false }), expect: { status: 'skip', summary: 'does not apply to this target', findings: [] } },
  { title: 'appliesTo reason', module: fake('a', found(finding('fail', 'f')), { appliesTo: async () => 'no sshd installed' }), expect: { status: 'skip', summary: 'no sshd installed' } },
  {
    title: 'appliesTo that throws is error',
    module: fake('a', found(), {
      appliesTo: () => {
        throw new Error('no passwd');
      },
    }),
    expect: { status: 'error', summary: 'could not check: no passwd' },
  },
  {
    title: 'severity override warn caps fail findings',
    module: fake('a', found(finding('fail', 'f'), finding('error', 'e'), finding('warn', 'w'))),
    options: { severityOverrides: { a: 'warn' } },
    expect: { status: 'error', codes: [['f', 'warn'], ['e', 'error'], ['w', 'warn']] },
  },
  {
    title: 'severity override warn on fail only',
    module: fake('a', found(finding('fail', 'f'))),
    options: { severityOverrides: { a: 'warn' } },
    expect: { status: 'warn', codes: [['f', 'warn']] },
  },
  { title: 'a module with severity warn caps its own fails', module: fake('a', found(finding('fail', 'f')), { severity: 'warn' }), expect: { status: 'warn' } },
  {
    title: 'override fail does not raise warn findings',
    module: fake('a', found(finding('warn', 'w')), { severity: 'warn' }),
    options: { severityOverrides: { a: 'fail' } },
    expect: { status: 'warn', codes: [['w', 'warn']] },
  },
  { title: 'an override for another check does nothing', module: fake('a', found(finding('fail', 'f'))), options: { severityOverrides: { b: 'warn' } }, expect: { status: 'fail' } },
  {
    title: 'ignore drops matching findings before the status is derived',
    module: fake('a', found(finding('fail', 'f', '/var/log/cpanel-install.log'), finding('warn', 'w', '/var/log/syslog'))),
    options: { ignore: { a: (f) => f.path === '/var/log/cpanel-install.log' } },
    expect: { status: 'warn', codes: [['w', 'warn']], summary: '1 problem' },
  },
  {
    title: 'ignoring everything is pass',
    module: fake('a', found(finding('fail', 'f'))),
    options: { ignore: { a: () => true } },
    expect: { status: 'pass', codes: [], summary: 'no problem found' },
  },
  {
    title: 'a check turned off in the config is skipped without calling it',
    module: fake('a', never, {
      appliesTo: () => {
        throw new Error('must not be called');
      },
    }),
    options: { off: new Set(['a']), timeoutMs: 50 },
    expect: { status: 'skip', summary: 'turned off in the config file', findings: [], durationMs: 0 },
  },
  { title: 'off for another check does nothing', module: fake('a', found(finding('warn', 'w'))), options: { off: new Set(['b']) }, expect: { status: 'warn' } },
  {
    title: 'a forced status and summary are kept',
    module: fake('a', async () => ({ status: 'error', summary: 'package database locked', findings: [finding('warn', 'w')] })),
    expect: { status: 'error', summary: 'package database locked' },
  },
  {
    title: 'a custom summary with derived status',
    module: fake('a', async () => ({ summary: '3 keys', findings: [finding('fail', 'f')] })),
    expect: { status: 'fail', summary: '3 keys' },
  },
];

for (const c of CASES) {
  t.test(c.title, async (t) => {
    const [report] = await runChecks(host, [c.module], { timeoutMs: 2000, ...c.options });
    const { codes, ...expected } = c.expect;
    t.match(report, { id: 'a', title: 'a title', ...expected });
    if (expected.findings) t.same(report.findings, expected.findings);
    if (codes) t.same(report.findings.map((f) => [f.code, f.status]), codes);
    t.type(report.durationMs, 'number');
  });
}

t.test('a hanging check does not hold up the others', async (t) => {
  const started = Date.now();
  const reports = await runChecks(
    host,
    [
      fake('hangs', never),
      fake('throws', async () => {
        throw new Error('x');
      }),
      fake('slow', async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return { findings: [finding('warn', 'w')] };
      }),
      fake('fast', found()),
    ],
    { timeoutMs: 400 },
  );
  const elapsed = Date.now() - started;
  t.same(
    reports.map((r) => [r.id, r.status]),
    [
      ['hangs', 'error'],
      ['throws', 'error'],
      ['slow', 'warn'],
      ['fast', 'pass'],
    ],
    'results in module order',
  );
  t.match(reports[0].summary, /did not finish within/);
  t.ok(elapsed >= 350 && elapsed < 3000, `took ${elapsed} ms`);
  t.ok(reports[0].durationMs >= 350, 'the timed-out check reports its duration');
  t.ok(reports[3].durationMs < 350, 'the fast check finishes early');
});

// appliesTo() is raced against the timeout too: one that never settles (a hung package query)
// must not hang the whole run.
t.test('an appliesTo that never resolves times out too', async (t) => {
  const guard = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 1000));
  const outcome = await Promise.race([runChecks(host, [fake('a', found(), { appliesTo: () => new Promise(() => {}) })], { timeoutMs: 100 }), guard]);
  t.not(outcome, 'hung', 'runChecks settles');
  if (outcome !== 'hung') t.equal(outcome[0].status, 'error');
});

t.test('toCheckReport does not mutate the findings it is given', async (t) => {
  const original = finding('fail', 'f');
  const report = toCheckReport(fake('a', found()), { findings: [original] }, 5, { timeoutMs: 1, severityOverrides: { a: 'warn' } });
  t.equal(original.status, 'fail');
  t.equal(report.findings[0].status, 'warn');
  t.equal(report.durationMs, 5);
});
