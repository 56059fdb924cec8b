// The verdict and the documented exit codes.
import t from 'tap';
import { EXIT, buildReport, countStatuses, exitCodeOf, verdictOf, type Verdict } from '../../agent/report.js';
import type { Distro } from '../../distros/detect.js';
import type { CheckReport, Status } from '../../agent/types.js';

const zero: Record<Status, number> = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };

const VERDICTS: ReadonlyArray<[Partial<Record<Status, number>>, Verdict]> = [
  [{}, 'pass'],
  [{ pass: 3 }, 'pass'],
  [{ skip: 2 }, 'pass'],
  [{ pass: 1, warn: 1 }, 'warn'],
  [{ warn: 5, error: 1 }, 'error'],
  [{ error: 1, fail: 1 }, 'fail'],
  [{ fail: 1, warn: 9, skip: 9, pass: 9 }, 'fail'],
];
for (const [counts, verdict] of VERDICTS) t.test(`verdictOf ${JSON.stringify(counts)}`, async (t) => t.equal(verdictOf({ ...zero, ...counts }), verdict));

const EXITS: ReadonlyArray<[Verdict, boolean, number]> = [
  ['pass', false, 0],
  ['pass', true, 0],
  ['warn', false, 0],
  ['warn', true, 1],
  ['fail', false, 1],
  ['fail', true, 1],
  ['error', false, 3],
  ['error', true, 3],
];
for (const [verdict, strict, code] of EXITS) t.test(`exitCodeOf(${verdict}, strict ${strict})`, async (t) => t.equal(exitCodeOf(verdict, strict), code));

t.test('EXIT codes are the documented contract', async (t) => t.same(EXIT, { ok: 0, failed: 1, usage: 2, incomplete: 3 }));

function check(id: string, status: Status): CheckReport {
  return { id, title: id, status, summary: '', durationMs: 1, findings: [] };
}

t.test('countStatuses and buildReport', async (t) => {
  const checks = [check('a', 'pass'), check('b', 'warn'), check('c', 'warn'), check('d', 'skip'), check('e', 'error')];
  t.same(countStatuses(checks), { pass: 1, warn: 2, fail: 0, skip: 1, error: 1 });
  const distro: Distro = { id: 'ubuntu', name: 'Ubuntu 24.04 LTS', version: '24.04', codename: 'noble', family: 'debian', packageManager: 'apt', source: '/etc/os-release' };
  const startedAt = new Date(Date.now() - 1500);
  const report = buildReport({ startedAt, target: { root: '/mnt/image', mode: 'root' }, distro, checks });
  t.equal(report.schemaVersion, 1);
  t.equal(report.verdict, 'error');
  t.equal(report.startedAt, startedAt.toISOString());
  t.ok(report.durationMs >= 1500);
  t.same(report.host, { distro: { id: 'ubuntu', name: 'Ubuntu 24.04 LTS', version: '24.04', codename: 'noble', family: 'debian', packageManager: 'apt' } }, 'no source, no facts key');
  t.equal(report.checks, checks);
  const live = buildReport({ startedAt, target: { root: '/', mode: 'live' }, distro, checks: [], facts: { kernel: '6.8' } });
  t.same(live.host.facts, { kernel: '6.8' });
  t.equal(live.verdict, 'pass');
});
