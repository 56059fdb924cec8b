// log-files: classifyLogFile by name and size (real files for real Stats: sparse or not), and run().
import t from 'tap';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync, writeSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Host } from '../../agent/host.js';
import { classifyLogFile, logFiles, type LogKind } from '../../checks/log-files.js';

const dir = mkdtempSync(join(tmpdir(), 'log-files-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

function fileStats(name: string, make: (path: string) => void): Stats {
  const path = join(dir, name);
  make(path);
  return statSync(path);
}

const STATS = {
  empty: fileStats('empty', (p) => writeFileSync(p, '')),
  small: fileStats('small', (p) => writeFileSync(p, 'x'.repeat(10))),
  fifty: fileStats('fifty', (p) => writeFileSync(p, 'x'.repeat(50))),
  fiftyOne: fileStats('fifty-one', (p) => writeFileSync(p, 'x'.repeat(51))),
  big: fileStats('big', (p) => writeFileSync(p, 'x'.repeat(100_000))),
  // A login record file with no record: all holes.
  sparse: fileStats('sparse', (p) => {
    writeFileSync(p, '');
    truncateSync(p, 292 * 1000);
  }),
  // lastlog with one record, for uid 1000: holes before it, one allocated block.
  sparseWithRecord: fileStats('sparse-record', (p) => {
    const fd = openSync(p, 'w');
    writeSync(fd, Buffer.alloc(292, 1), 0, 292, 292 * 1000);
    closeSync(fd);
  }),
  records: fileStats('records', (p) => writeFileSync(p, Buffer.alloc(384 * 3, 7))),
  smallRecord: fileStats('small-record', (p) => writeFileSync(p, Buffer.alloc(20, 7))),
};

t.test('the sparse fixtures are sparse', async (t) => {
  t.ok(STATS.sparse.size > 0 && STATS.sparse.blocks === 0, `size ${STATS.sparse.size}, blocks ${STATS.sparse.blocks}`);
  t.ok(STATS.sparseWithRecord.blocks > 0 && STATS.sparseWithRecord.blocks * 512 < STATS.sparseWithRecord.size);
});

const CASES: ReadonlyArray<[path: string, stats: keyof typeof STATS, kind: LogKind | null]> = [
  ['/var/log/syslog', 'big', 'log'],
  ['/var/log/syslog', 'small', null],
  ['/var/log/syslog', 'empty', null],
  ['/var/log/cloud-init.log', 'big', 'log'],
  ['/var/log/cloud-init.log', 'small', null],
  ['/var/log/cloud-init.log', 'fifty', null],
  ['/var/log/cloud-init.log', 'fiftyOne', 'log'],
  ['/var/log/Xorg.0.log', 'big', 'log'],
  ['/var/log/php8.1-fpm.log', 'big', 'log'],
  ['/var/log/nginx/access.log', 'big', 'log'],
  ['/var/log/syslog.1', 'big', 'archive'],
  ['/var/log/syslog.1', 'empty', 'archive'],
  ['/var/log/syslog.2.gz', 'small', 'archive'],
  ['/var/log/messages-20240101', 'small', 'archive'],
  ['/var/log/messages-20240101.gz', 'big', 'archive'],
  ['/var/log/apt/eipp.log.xz', 'small', 'archive'],
  ['/var/log/dpkg.log.old', 'small', 'archive'],
  ['/var/log/kern.log.10.zst', 'small', 'archive'],
  ['/var/log/wtmp.1', 'records', 'archive'],
  ['/var/log/journal/0123abcd/system.journal', 'small', 'journal'],
  ['/var/log/journal/0123abcd/user-1000.journal~', 'empty', 'journal'],
  ['/var/log/journal/0123abcd/system@0005a-0001.journal', 'big', 'journal'],
  ['/var/log/system.journal', 'small', null], // a journal name outside the journal directory
  ['/var/log/journal/0123abcd/notes.txt', 'small', null],
  ['/var/log/wtmp', 'sparse', null],
  ['/var/log/wtmp', 'records', 'login-records'],
  ['/var/log/wtmp', 'smallRecord', 'login-records'],
  ['/var/log/wtmp', 'empty', null],
  ['/var/log/btmp', 'records', 'login-records'],
  ['/var/log/lastlog', 'sparse', null],
  ['/var/log/lastlog', 'sparseWithRecord', 'login-records'],
  ['/var/log/faillog', 'sparse', null],
];

for (const [path, stats, kind] of CASES) {
  t.test(`classifyLogFile ${path} (${stats})`, async (t) => t.equal(classifyLogFile(path, STATS[stats]), kind));
}

t.test('run() on a root: codes per file, links reported and never followed', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'log-files-root-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const files: Record<string, string> = {
    'var/log/syslog': 'x'.repeat(100),
    'var/log/syslog.1': '',
    'var/log/small.log': 'x',
    'var/log/apt/history.log': 'x'.repeat(60),
    'var/log/journal/abc/system.journal': 'x',
    'etc/shadow': 'x'.repeat(1000),
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  symlinkSync('/etc/shadow', join(root, 'var/log/evil.log'));
  symlinkSync('/etc', join(root, 'var/log/etc-dir'));
  const result = await logFiles.run(new Host(root, 'root'));
  t.same(
    result.findings.map((f) => [f.path, f.code, f.status]).sort(),
    [
      ['/var/log/apt/history.log', 'log', 'warn'],
      ['/var/log/evil.log', 'symlink', 'warn'],
      ['/var/log/journal/abc/system.journal', 'journal', 'warn'],
      ['/var/log/syslog', 'log', 'warn'],
      ['/var/log/syslog.1', 'archive', 'warn'],
    ],
  );
  t.match(result.summary, /^5 log files to clean, /);
});

t.test('run() with no /var/log', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'log-files-empty-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const result = await logFiles.run(new Host(root, 'root'));
  t.same(result, { summary: 'no logs to clean', findings: [] });
});
