// JUnit XML: well-formed (checked by xmllint when installed), one testcase per check, with
// failure / error / skipped / system-out as the status says, and awkward text escaped.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { junitReporter } from '../../agent/reporters/junit.js';
import { xmlText } from '../../agent/reporters/escape.js';
import type { Report } from '../../agent/report.js';
import type { CheckReport, Finding } from '../../agent/types.js';
import { requires } from '../helpers/requires.js';

const skipXmllint = requires({ commands: ['xmllint'] });

function xmllint(xml: string, xpath?: string): { ok: boolean; out: string; err: string } {
  const args = xpath ? ['--xpath', xpath, '-'] : ['--noout', '-'];
  const r = spawnSync('xmllint', args, { input: xml, encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stdout, err: r.stderr };
}

function f(status: Finding['status'], message: string, path?: string): Finding {
  return { status, code: 'c', message, ...(path ? { path } : {}), fixable: false };
}

function reportOf(checks: CheckReport[]): Report {
  const summary = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
  for (const c of checks) summary[c.status]++;
  return {
    schemaVersion: 1,
    agent: { name: 'marketplace-image-agent', version: '0.1.0' },
    startedAt: '2026-01-02T03:04:05.000Z',
    durationMs: 1234,
    target: { root: '/mnt/image', mode: 'root' },
    host: { distro: { id: 'ubuntu', name: 'Ubuntu', version: '24.04', codename: 'noble', family: 'debian', packageManager: 'apt' } },
    summary,
    verdict: 'fail',
    checks,
  };
}

const CHECKS: CheckReport[] = [
  { id: 'passes', title: 'P', status: 'pass', summary: 'no problem found', durationMs: 12, findings: [] },
  {
    id: 'fails',
    title: 'F',
    status: 'fail',
    summary: '3 problems <&>',
    durationMs: 1500,
    findings: [f('fail', 'key found', '/root/.ssh/a<&>"\'b'), f('error', 'could not read', '/x'), f('warn', 'a warning'), f('pass', 'fine')],
  },
  { id: 'errors', title: 'E', status: 'error', summary: 'could not check: boom', durationMs: 3, findings: [f('error', 'unreadable\u0007bell', '/etc/shadow')] },
  { id: 'skips', title: 'S', status: 'skip', summary: 'no sshd "installed"', durationMs: 0, findings: [] },
  { id: 'warns', title: 'W', status: 'warn', summary: '1 problem', durationMs: 4, findings: [f('warn', 'log file', '/var/log/a\nb\u001b[31m\u0000\u007f\u0085\ufffd')] },
];

const xml = junitReporter.report(reportOf(CHECKS), { color: false, modules: new Map() });

t.test('structure', async (t) => {
  t.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuite /);
  t.match(xml, /<testsuite name="marketplace-image-agent" tests="5" failures="1" errors="1" skipped="1" time="1.234" timestamp="2026-01-02T03:04:05.000Z">/);
  t.match(xml, /<testcase classname="marketplace-image-agent" name="passes" time="0.012"><\/testcase>/, 'a pass is an empty testcase');
  t.match(xml, /<testcase [^>]*name="fails" time="1.500">\n    <failure message="3 problems &#60;&#38;&#62;" type="fail">FAIL key found \(\/root\/.ssh\/a&#60;&#38;&#62;&#34;&#39;b\)\nERROR could not read \(\/x\)<\/failure>\n    <system-out>WARN a warning<\/system-out>\n  <\/testcase>/);
  t.match(xml, /<error message="could not check: boom" type="error">ERROR unreadable\\x07bell \(\/etc\/shadow\)<\/error>/);
  t.match(xml, /<skipped message="no sshd &#34;installed&#34;"\/>/);
  t.match(xml, /name="warns"[^\n]*>\n    <system-out>WARN log file \(\/var\/log\/a\\nb\\x1b\[31m\\x00\\x7f\\x85\\ufffd\)<\/system-out>/);
  t.notMatch(xml, /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/, 'no raw control characters');
  t.notMatch(xml, /fine/, 'pass findings are not listed');
});

t.test('well-formed per xmllint', { skip: skipXmllint }, async (t) => {
  const lint = xmllint(xml);
  t.ok(lint.ok, lint.err);
  const QUERIES: ReadonlyArray<[string, string]> = [
    ['count(/testsuite/testcase)', '5'],
    ['count(//failure)', '1'],
    ['count(//error)', '1'],
    ['count(//skipped)', '1'],
    ['count(//system-out)', '2'],
    ['string(//testcase[@name="fails"]/failure/@message)', '3 problems <&>'],
    ['string(//testcase[@name="skips"]/skipped/@message)', 'no sshd "installed"'],
    ['string(//testcase[@name="fails"]/failure)', 'FAIL key found (/root/.ssh/a<&>"\'b)\nERROR could not read (/x)'],
    ['string(//testcase[@name="warns"]/system-out)', 'WARN log file (/var/log/a\\nb\\x1b[31m\\x00\\x7f\\x85\\ufffd)'],
    ['string(/testsuite/@failures)', '1'],
  ];
  for (const [query, expected] of QUERIES) t.equal(xmllint(xml, query).out.trim(), expected, query);
});

t.test('an empty report is well-formed', { skip: skipXmllint }, async (t) => {
  const empty = junitReporter.report(reportOf([]), { color: false, modules: new Map() });
  t.ok(xmllint(empty).ok);
  t.equal(xmllint(empty, 'string(/testsuite/@tests)').out.trim(), '0');
});

// A file name can hold the UTF-8 bytes of U+FFFE or U+FFFF (valid UTF-8, but not XML 1.0
// characters), and lone surrogates can reach a JS string: xmlText escapes them as text.
t.test('noncharacters in a path keep the XML well-formed', { skip: skipXmllint }, async (t) => {
  const odd = junitReporter.report(reportOf([{ id: 'x', title: 'X', status: 'warn', summary: 's', durationMs: 1, findings: [f('warn', 'log', '/var/log/a\ufffeb\uffff')] }]), {
    color: false,
    modules: new Map(),
  });
  const lint = xmllint(odd);
  t.ok(lint.ok, 'xmllint accepts it');
});

const TEXTS: ReadonlyArray<[string, string]> = [
  ['plain', 'plain'],
  ['<a href="x">&\'</a>', '&#60;a href=&#34;x&#34;&#62;&#38;&#39;&#60;/a&#62;'],
  ['tab\tnl\ncr\r', 'tab\\tnl\\ncr\\x0d'],
  ['\u0000\u001b\u007f\u009f', '\\x00\\x1b\\x7f\\x9f'],
  ['ünïcödé ✓', 'ünïcödé ✓'],
  ['a\ufffeb\uffff', 'a\\ufffeb\\uffff'],
  ['lone \ud800 \udc00, pair \ud83d\ude00', 'lone \\ud800 \\udc00, pair \ud83d\ude00'],
];
for (const [input, expected] of TEXTS) t.test(`xmlText ${JSON.stringify(input)}`, async (t) => t.equal(xmlText(input), expected));
