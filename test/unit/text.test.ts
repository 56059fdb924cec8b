// The human report: problems first, escaped paths, colour only when asked for.
import t from 'tap';
import { textReporter } from '../../agent/reporters/text.js';
import { printable } from '../../agent/reporters/escape.js';
import type { Report } from '../../agent/report.js';
import type { CheckModule, CheckReport, Finding } from '../../agent/types.js';

function f(status: Finding['status'], message: string, path?: string): Finding {
  return { status, code: 'c', message, ...(path ? { path } : {}), fixable: true };
}

const CHECKS: CheckReport[] = [
  { id: 'passes', title: 'P', status: 'pass', summary: 'no problem found', durationMs: 1, findings: [f('pass', 'hidden pass finding')] },
  { id: 'warns', title: 'W', status: 'warn', summary: '1 log file', durationMs: 1, findings: [f('warn', 'log file, 1.0 KiB', '/var/log/evil\nFAIL forged\u001b[31mred')] },
  { id: 'skips', title: 'S', status: 'skip', summary: 'no sshd', durationMs: 1, findings: [] },
  { id: 'errors', title: 'E', status: 'error', summary: 'could not check: boom', durationMs: 1, findings: [f('error', 'could not check: boom')] },
  {
    id: 'fails',
    title: 'F',
    status: 'fail',
    summary: 'root can log in with a password',
    durationMs: 1,
    findings: [f('fail', 'root can log in with a password'), f('fail', 'key file', '/root/.ssh/id_rsa'), f('warn', 'weak\tkey')],
  },
];

const report: Report = {
  schemaVersion: 1,
  agent: { name: 'marketplace-image-agent', version: '0.1.0' },
  startedAt: '2026-01-02T03:04:05.000Z',
  durationMs: 10,
  target: { root: '/mnt/img\u001b]0;title\u0007', mode: 'root' },
  host: { distro: { id: 'ubuntu', name: 'Ubuntu 24.04 LTS', version: '24.04', codename: 'noble', family: 'debian', packageManager: 'apt' } },
  summary: { pass: 1, warn: 1, fail: 1, skip: 1, error: 1 },
  verdict: 'fail',
  checks: CHECKS,
};

const modules = new Map<string, CheckModule>(
  ['warns', 'fails', 'errors'].map((id) => [id, { id, remedy: `remedy for ${id}` } as unknown as CheckModule]),
);

const plain = textReporter.report(report, { color: false, modules });
const coloured = textReporter.report(report, { color: true, modules });

t.test('no colour: no escape character anywhere, awkward paths escaped', async (t) => {
  t.notMatch(plain, /\u001b/, 'no ESC');
  t.notMatch(plain, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, 'no raw control character but newlines');
  t.match(plain, /\[\/var\/log\/evil\\nFAIL forged\\x1b\[31mred\]/, 'newline and ESC in a path are shown escaped');
  t.notMatch(plain, /^FAIL forged/m, 'a path cannot forge a line');
  t.match(plain, /on \/mnt\/img\\x1b\]0;title\\x07$/m, 'the root is escaped too');
  t.match(plain, /weak\\tkey/);
});

t.test('layout', async (t) => {
  const lines = plain.split('\n');
  t.equal(lines[0], 'marketplace-image-agent 0.1.0: Ubuntu 24.04 LTS (debian, apt) on /mnt/img\\x1b]0;title\\x07');
  const order = ['fails', 'errors', 'warns', 'skips', 'passes'].map((id) => lines.findIndex((l) => l.includes(` ${id}: `)));
  t.same([...order].sort((a, b) => a - b), order, 'fail, error, warn, skip, pass');
  t.ok(order.every((i) => i > 0));
  t.ok(lines.includes('FAIL  fails: root can log in with a password'));
  t.ok(lines.includes('      x key file [/root/.ssh/id_rsa]'));
  t.ok(lines.includes('      - weak\\tkey'));
  t.notOk(lines.includes('      x root can log in with a password'), 'a finding the summary states is not repeated');
  t.ok(lines.includes('      what to do: remedy for fails'));
  t.ok(lines.includes('      what to do: remedy for warns'));
  t.notOk(plain.includes('remedy for errors'), 'no remedy for an error');
  t.notOk(plain.includes('hidden pass finding'), 'pass findings are not listed');
  t.ok(lines.includes('SKIP  skips: no sshd'));
  t.equal(lines.at(-2), 'Summary: 1 fail, 1 error, 1 warn, 1 skip, 1 pass. Verdict: FAIL');
  t.equal(lines.at(-1), '', 'ends with a newline');
});

t.test('live mode names this machine', async (t) => {
  const live = textReporter.report({ ...report, target: { root: '/', mode: 'live' } }, { color: false, modules });
  t.match(live.split('\n')[0], / on this machine$/);
});

t.test('colour: ANSI codes on status labels and the verdict, still no raw ESC from data', async (t) => {
  t.match(coloured, /\u001b\[31mFAIL \u001b\[0m fails:/);
  t.match(coloured, /\u001b\[35mERROR\u001b\[0m errors:/);
  t.match(coloured, /\u001b\[33mWARN \u001b\[0m warns:/);
  t.match(coloured, /\u001b\[2mSKIP \u001b\[0m skips:/);
  t.match(coloured, /\u001b\[32mPASS \u001b\[0m passes:/);
  t.match(coloured, /Verdict: \u001b\[31mFAIL\u001b\[0m\n$/);
  t.match(coloured, /evil\\nFAIL forged\\x1b\[31mred/);
  t.equal(coloured.replace(/\u001b\[\d+m/g, ''), plain, 'the same text once the colour codes are removed');
});

t.test('a check with 200,000 findings (a tree of log files): every line, no stack overflow', async (t) => {
  const many = Array.from({ length: 200_000 }, (_, i) => f('warn', 'log file, 1.0 KiB', `/var/log/app/${i}.log`));
  const big: CheckReport = { id: 'warns', title: 'W', status: 'warn', summary: `${many.length} log files`, durationMs: 1, findings: many };
  const text = textReporter.report({ ...report, checks: [big], summary: { pass: 0, warn: 1, fail: 0, skip: 0, error: 0 }, verdict: 'warn' }, { color: false, modules });
  const lines = text.split('\n');
  t.equal(lines.filter((line) => line.startsWith('      - log file')).length, many.length);
  t.ok(lines.includes('      - log file, 1.0 KiB [/var/log/app/199999.log]'), 'the last one too');
});

const PRINTABLE: ReadonlyArray<[string, string]> = [
  ['plain /path', 'plain /path'],
  ['a\nb', 'a\\nb'],
  ['a\tb', 'a\\tb'],
  ['\u001b[2J', '\\x1b[2J'],
  ['\r', '\\x0d'],
  ['\u007f\u0080\u009b', '\\x7f\\x80\\x9b'],
  ['bad\ufffdutf8', 'bad\\ufffdutf8'],
  ['ünïcödé', 'ünïcödé'],
];
for (const [input, expected] of PRINTABLE) t.test(`printable ${JSON.stringify(input)}`, async (t) => t.equal(printable(input), expected));
