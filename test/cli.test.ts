// The command-line contract: help, version, list, explain, usage errors and exit codes.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { AGENT, AS_NON_ROOT, parseReport, runAgent } from './helpers/agent.js';
import { CHECKS } from '../checks/index.js';
import { makeSyntheticRoot } from '../fixtures/synthetic/make-root.js';
import { PROFILES } from '../fixtures/synthetic/profiles.js';
import { join } from 'node:path';

const ubuntu = PROFILES.find((p) => p.name === 'ubuntu-24.04')!;

t.test('--version runs with an empty environment', async (t) => {
  const result = spawnSync('env', ['-i', AGENT, '--version'], { encoding: 'utf8' });
  t.equal(result.status, 0);
  t.match(result.stdout, /^\d+\.\d+\.\d+\n$/);
  t.equal(result.stderr, '');
});

t.test('help', async (t) => {
  const main = runAgent(['--help']);
  t.equal(main.code, 0);
  for (const command of ['check', 'list', 'explain', 'help']) t.match(main.stdout, new RegExp(`\\n  ${command} `));
  t.match(main.stdout, /Exit codes:/);
  const check = runAgent(['help', 'check']);
  t.equal(check.code, 0);
  for (const option of ['--root', '--format', '--only', '--skip', '--strict', '--no-color']) t.match(check.stdout, option);
  t.same(runAgent(['check', '--help']).stdout, check.stdout, 'check --help and help check agree');
  t.equal(runAgent([]).code, 2, 'no command is a usage error');
});

const USAGE_ERRORS: Array<[string, string[], RegExp]> = [
  ['unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
  ['unknown option', ['check', '--frob'], /Unknown option '--frob'/i],
  ['unknown global option', ['--frob'], /unknown option '--frob'/],
  ['unknown check id in --only', ['check', '--root', '/', '--only', 'nope'], /unknown check id 'nope'/],
  ['unknown check id in --skip', ['check', '--root', '/', '--skip', 'passwords,nope'], /unknown check id 'nope'/],
  ['bad format', ['check', '--root', '/', '--format', 'xml'], /--format xml/],
  ['missing root dir', ['check', '--root', '/no/such/dir'], /no such directory/],
  ['root is a file', ['check', '--root', '/etc/hostname'], /not a directory/],
  ['explain unknown id', ['explain', 'nope'], /unknown check id 'nope'/],
  ['explain without id', ['explain'], /missing ID/],
  ['extra argument', ['list', 'extra'], /unexpected argument 'extra'/],
  ['bad timeout', ['check', '--root', '/', '--timeout', '0'], /--timeout 0/],
  ['help for unknown command', ['help', 'nope'], /unknown command 'nope'/],
];

t.test('usage errors: one line, a hint, exit 2, no stack', async (t) => {
  for (const [name, args, message] of USAGE_ERRORS) {
    const result = runAgent(args);
    t.equal(result.code, 2, `${name}: exit 2`);
    t.match(result.stderr, message, `${name}: says what is wrong`);
    t.match(result.stderr, /Try 'agent --help'/, `${name}: usage hint`);
    t.equal(result.stderr.trim().split('\n').length, 2, `${name}: one line plus the hint`);
    t.notMatch(result.stderr, /\s+at\s/, `${name}: no stack trace`);
    t.equal(result.stdout, '', `${name}: nothing on stdout`);
  }
});

t.test('live mode needs root: exit 3 and one line', async (t) => {
  const result = runAgent(['check'], AS_NON_ROOT);
  t.equal(result.code, 3);
  t.match(result.stderr, /needs root/);
  t.equal(result.stderr.trim().split('\n').length, 1);
});

t.test('list is driven by the registry', async (t) => {
  const text = runAgent(['list']);
  t.equal(text.code, 0);
  for (const check of CHECKS) t.match(text.stdout, check.id);
  const json = JSON.parse(runAgent(['list', '--format', 'json']).stdout);
  t.same(
    json.map((row: { id: string }) => row.id),
    CHECKS.map((c) => c.id),
  );
  for (const row of json) {
    const check = CHECKS.find((c) => c.id === row.id)!;
    t.same(row, { id: check.id, title: check.title, severity: check.severity, fixable: check.canFix, liveOnly: check.liveOnly, description: check.description, codes: Object.keys(check.codes) });
  }
});

t.test('explain every check', async (t) => {
  for (const check of CHECKS) {
    const result = runAgent(['explain', check.id]);
    t.equal(result.code, 0, check.id);
    t.match(result.stdout, 'Looks at:');
    t.match(result.stdout, 'Why it matters:');
    t.match(result.stdout, 'Fix by hand:');
  }
});

t.test('--only and --skip select checks; --strict turns warnings into exit 1', async (t) => {
  const dir = t.testdir();
  const { root } = await makeSyntheticRoot(join(dir, 'root'), ubuntu, []);
  const only = parseReport(runAgent(['check', '--root', root, '--format', 'json', '--only', 'passwords,log-files']).stdout);
  t.same(only.checks.map((c) => c.id), ['passwords', 'log-files']);
  const skip = parseReport(runAgent(['check', '--root', root, '--format', 'json', '--skip', 'passwords']).stdout);
  t.notOk(skip.checks.some((c) => c.id === 'passwords'));
  t.equal(skip.checks.length, CHECKS.length - 1);
  // A log over 50 bytes is a warning: exit 0, or 1 with --strict.
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(root, 'var/log/syslog'), 'x'.repeat(100));
  t.equal(runAgent(['check', '--root', root]).code, 0);
  t.equal(runAgent(['check', '--root', root, '--strict']).code, 1);
});

t.test('a report longer than a pipe holds reaches the reader whole (the agent waits for it before exiting)', async (t) => {
  const dir = t.testdir();
  const { root } = await makeSyntheticRoot(join(dir, 'root'), ubuntu, []);
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(join(root, 'var/log/app'));
  // 3,000 log findings: about 200 KB of text and 700 KB of JSON, more than the 64 KiB a pipe takes at once.
  for (let i = 0; i < 3000; i++) writeFileSync(join(root, `var/log/app/service-${i}.log`), 'x'.repeat(100));
  const text = runAgent(['check', '--root', root, '--only', 'log-files']);
  t.ok(text.stdout.length > 128 * 1024, `${text.stdout.length} bytes of text`);
  t.match(text.stdout, /Verdict: WARN\n$/, 'the text ends with its verdict');
  const json = parseReport(runAgent(['check', '--root', root, '--only', 'log-files', '--format', 'json']).stdout);
  t.equal(json.checks[0].findings.length, 3000, 'the JSON parses, with every finding');
});

t.test('colour only when asked for', async (t) => {
  const dir = t.testdir();
  const { root } = await makeSyntheticRoot(join(dir, 'root'), ubuntu, []);
  // Not a TTY here: no escapes, whatever NO_COLOR says.
  t.notMatch(runAgent(['check', '--root', root]).stdout, /\u001b\[/);
  const tty = spawnSync('script', ['-qec', `${AGENT} check --root ${root}`, '/dev/null'], { encoding: 'utf8', env: { PATH: process.env.PATH, AGENT_TODAY: '2026-11-24', TERM: 'xterm' } });
  t.match(tty.stdout, /\u001b\[32m/, 'colours on a terminal');
  const noColor = spawnSync('script', ['-qec', `${AGENT} check --root ${root}`, '/dev/null'], { encoding: 'utf8', env: { PATH: process.env.PATH, AGENT_TODAY: '2026-11-24', NO_COLOR: '1' } });
  t.notMatch(noColor.stdout, /\u001b\[3\dm/, 'NO_COLOR respected on a terminal');
  const flag = spawnSync('script', ['-qec', `${AGENT} check --no-color --root ${root}`, '/dev/null'], { encoding: 'utf8', env: { PATH: process.env.PATH, AGENT_TODAY: '2026-11-24' } });
  t.notMatch(flag.stdout, /\u001b\[3\dm/, '--no-color respected on a terminal');
  t.notMatch(tty.stdout, /\u001b\[(2J|H|3J)/, 'never clears the screen');
});

t.test('--report writes the JSON report too', async (t) => {
  const dir = t.testdir();
  const { root } = await makeSyntheticRoot(join(dir, 'root'), ubuntu, []);
  const file = join(dir, 'report.json');
  const result = runAgent(['check', '--root', root, '--report', file]);
  t.equal(result.code, 0);
  const { readFileSync } = await import('node:fs');
  t.equal(parseReport(readFileSync(file, 'utf8')).verdict, 'pass');
  t.match(result.stdout, /Verdict: PASS/);
});
