// The JSON reporter keeps everything exact, awkward paths included.
import t from 'tap';
import { jsonReporter } from '../../agent/reporters/json.js';
import { REPORTERS } from '../../agent/reporters/index.js';
import type { Report } from '../../agent/report.js';

const report: Report = {
  schemaVersion: 1,
  agent: { name: 'marketplace-image-agent', version: '0.1.0' },
  startedAt: '2026-01-02T03:04:05.000Z',
  durationMs: 1234,
  target: { root: '/mnt/image', mode: 'root' },
  host: { distro: { id: 'ubuntu', name: 'Ubuntu 24.04 LTS', version: '24.04', codename: 'noble', family: 'debian', packageManager: 'apt' } },
  summary: { pass: 1, warn: 1, fail: 1, skip: 0, error: 0 },
  verdict: 'fail',
  checks: [
    { id: 'a', title: 'A', status: 'pass', summary: 'ok', durationMs: 1, findings: [] },
    {
      id: 'b',
      title: 'B',
      status: 'fail',
      summary: '2 problems',
      durationMs: 2,
      findings: [
        { status: 'fail', code: 'x', message: 'bad "quoted" \\ thing', path: '/home/a\nb/\u001b[31mred\ufffd<&>', fixable: true },
        { status: 'warn', code: 'y', message: 'emoji 🎉 and \u2028 separator', fixable: false },
      ],
    },
    { id: 'c', title: 'C', status: 'warn', summary: '1 problem', durationMs: 3, findings: [{ status: 'warn', code: 'z', message: 'm', fixable: true }] },
  ],
};

t.test('json round-trips exactly', async (t) => {
  const text = jsonReporter.report(report, { color: false, modules: new Map() });
  t.ok(text.endsWith('}\n'), 'ends with a newline');
  t.same(JSON.parse(text), report);
  t.notMatch(text, /\u001b/, 'no raw escape character in the output');
  t.match(text, /\\u001b\[31m/, 'the escape is kept as a JSON escape');
});

t.test('the same with color on: JSON never colours', async (t) => {
  t.equal(jsonReporter.report(report, { color: true, modules: new Map() }), jsonReporter.report(report, { color: false, modules: new Map() }));
});

t.test('REPORTERS names every format', async (t) => {
  t.same([...REPORTERS.keys()].sort(), ['json', 'junit', 'text']);
  t.equal(REPORTERS.get('json'), jsonReporter);
});
