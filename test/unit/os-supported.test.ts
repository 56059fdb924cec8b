// os-supported: today() honours AGENT_TODAY; run() on a temp root, for dates around the end of support.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Host } from '../../agent/host.js';
import { UnknownDistroError } from '../../distros/detect.js';
import { osSupported, today } from '../../checks/os-supported.js';

const saved = process.env.AGENT_TODAY;
t.teardown(() => {
  if (saved === undefined) delete process.env.AGENT_TODAY;
  else process.env.AGENT_TODAY = saved;
});

function setToday(value: string | undefined): void {
  if (value === undefined) delete process.env.AGENT_TODAY;
  else process.env.AGENT_TODAY = value;
}

const TODAYS: ReadonlyArray<[string | undefined, string | 'now']> = [
  ['2024-02-29', '2024-02-29'],
  ['1999-12-31', '1999-12-31'],
  [undefined, 'now'],
  ['', 'now'],
  ['2024-2-29', 'now'],
  ['2024-02-29T00:00:00Z', 'now'],
  ['yesterday', 'now'],
];
for (const [pinned, expected] of TODAYS) {
  t.test(`today() with AGENT_TODAY=${JSON.stringify(pinned)}`, async (t) => {
    setToday(pinned);
    t.equal(today(), expected === 'now' ? new Date().toISOString().slice(0, 10) : expected);
  });
}

const OS = {
  ubuntu2004: 'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="20.04"\nPRETTY_NAME="Ubuntu 20.04.6 LTS"\n',
  ubuntu2204: 'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\nPRETTY_NAME="Ubuntu 22.04.4 LTS"\n',
  ubuntu2404: 'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\nPRETTY_NAME="Ubuntu 24.04.1 LTS"\n',
  ubuntu2304: 'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="23.04"\n',
  ubuntu9904: 'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="99.04"\nPRETTY_NAME="Ubuntu 99.04"\n',
  debian12: 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
  fedora40: 'ID=fedora\nVERSION_ID=40\n',
  rocky9: 'ID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\n',
};

const CASES: ReadonlyArray<{ os: keyof typeof OS; day: string; code: string | null }> = [
  { os: 'ubuntu2404', day: '2026-01-01', code: null },
  { os: 'ubuntu2004', day: '2025-06-01', code: 'end-of-life' },
  { os: 'ubuntu2004', day: '2025-05-31', code: 'end-of-life-soon' }, // the last day is still supported
  { os: 'ubuntu2004', day: '2024-12-01', code: 'end-of-life-soon' },
  { os: 'ubuntu2004', day: '2024-11-29', code: null },
  { os: 'ubuntu2204', day: '2026-11-29', code: null },
  { os: 'ubuntu2204', day: '2026-12-01', code: 'end-of-life-soon' },
  { os: 'ubuntu2204', day: '2026-11-30', code: 'end-of-life-soon' }, // 2027-05-31 minus 6 months: Nov 31 clamps to Nov 30
  { os: 'ubuntu2204', day: '2030-01-01', code: 'end-of-life' },
  { os: 'debian12', day: '2026-06-10', code: null }, // the last day of regular security support
  { os: 'debian12', day: '2026-06-11', code: 'extended-support' },
  { os: 'debian12', day: '2027-12-29', code: 'extended-support' },
  { os: 'debian12', day: '2027-12-30', code: 'end-of-life-soon' }, // soon wins over extended
  { os: 'debian12', day: '2028-07-01', code: 'end-of-life' },
  { os: 'rocky9', day: '2026-01-01', code: null },
  { os: 'ubuntu2304', day: '2023-06-01', code: 'not-accepted' },
  { os: 'fedora40', day: '2024-06-01', code: 'not-accepted' },
  { os: 'ubuntu9904', day: '2026-01-01', code: 'unknown-release' },
];

function hostWith(osRelease: string): Host {
  const root = mkdtempSync(join(tmpdir(), 'os-supported-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc/os-release'), osRelease);
  return new Host(root, 'root');
}

for (const c of CASES) {
  t.test(`${c.os} on ${c.day}: ${c.code ?? 'no finding'}`, async (t) => {
    setToday(c.day);
    const result = await osSupported.run(hostWith(OS[c.os]));
    t.same(result.findings.map((f) => f.code), c.code ? [c.code] : [], 'finding codes');
    t.equal(result.status, undefined, 'status is derived by the engine');
    for (const finding of result.findings) {
      t.equal(finding.fixable, false);
      t.equal(finding.status, c.code === 'end-of-life' || c.code === 'not-accepted' || c.code === 'unknown-release' ? 'fail' : 'warn');
      t.equal(result.summary, finding.message, 'the summary is the finding');
      t.notMatch(finding.message, /\n/);
    }
    if (c.code === 'unknown-release' || c.code === 'not-accepted') t.equal(result.findings[0]?.path, '/etc/os-release');
    if (!c.code) t.match(result.summary, /gets security updates until \d{4}-\d{2}-\d{2}$/);
  });
}

t.test('an unknown distribution makes run() throw (the engine reports error)', async (t) => {
  setToday('2026-01-01');
  let err: unknown;
  try {
    await osSupported.run(hostWith('ID=arch\n'));
  } catch (e) {
    err = e;
  }
  t.ok(err instanceof UnknownDistroError);
});

t.test('metadata', async (t) => {
  t.equal(osSupported.id, 'os-supported');
  t.equal(osSupported.severity, 'fail');
  t.equal(await osSupported.appliesTo(hostWith('ID=x\n')), true);
});
