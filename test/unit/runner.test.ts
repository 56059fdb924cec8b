// runCommand: argument arrays, a timeout that kills the whole process group, captured output,
// a result instead of an exception; describeFailure: one line, never a credential.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeFailure, runCommand, type RunResult } from '../../agent/runner.js';

const EXITS: ReadonlyArray<{ title: string; command: string; args: string[]; code: number; stdout: string; stderr: string }> = [
  { title: 'success', command: 'sh', args: ['-c', 'echo out; echo err >&2'], code: 0, stdout: 'out\n', stderr: 'err\n' },
  { title: 'exit code 3', command: 'sh', args: ['-c', 'echo partial; exit 3'], code: 3, stdout: 'partial\n', stderr: '' },
  { title: 'false', command: 'false', args: [], code: 1, stdout: '', stderr: '' },
  { title: 'no shell: arguments are literal', command: 'echo', args: ['$HOME', '`id`', 'a b'], code: 0, stdout: '$HOME `id` a b\n', stderr: '' },
  { title: 'input goes to stdin', command: 'cat', args: [], code: 0, stdout: '', stderr: '' },
];

for (const c of EXITS) {
  t.test(c.title, async (t) => {
    const r = await runCommand(c.command, c.args, { timeoutMs: 10_000 });
    t.equal(r.code, c.code);
    t.equal(r.signal, null);
    t.equal(r.stdout, c.stdout);
    t.equal(r.stderr, c.stderr);
    t.equal(r.timedOut, false);
    t.equal(r.spawnError, undefined);
    t.equal(r.command, [c.command, ...c.args].join(' '));
    t.ok(r.durationMs >= 0);
  });
}

t.test('input, cwd, env and LC_ALL', async (t) => {
  const r = await runCommand('sh', ['-c', 'cat; pwd; echo "$RUNNER_X $LC_ALL"'], { input: 'piped\n', cwd: '/tmp', env: { RUNNER_X: 'y' } });
  t.equal(r.stdout, 'piped\n/tmp\ny C.UTF-8\n');
  const noPath = await runCommand('sh', ['-c', 'echo "$PATH"'], { env: { PATH: undefined } });
  t.match(noPath.stdout, /\/usr\/bin/, 'a PATH is supplied when none is set');
});

t.test('a command that exits before reading its input does not crash', async (t) => {
  const r = await runCommand('true', [], { input: 'x'.repeat(1024 * 1024) });
  t.equal(r.code, 0);
});

t.test('onStderr streams stderr', async (t) => {
  const chunks: Buffer[] = [];
  const r = await runCommand('sh', ['-c', 'echo progress >&2'], { onStderr: (chunk) => chunks.push(chunk) });
  t.equal(Buffer.concat(chunks).toString(), 'progress\n');
  t.equal(r.stderr, 'progress\n');
});

t.test('maxBytes bounds the captured output', async (t) => {
  const r = await runCommand('sh', ['-c', 'head -c 200000 /dev/zero | tr "\\0" a'], { maxBytes: 10 });
  t.equal(r.code, 0);
  t.ok(r.stdout.length > 0, 'something is kept');
  t.equal(r.stdout.length, 10, 'exactly maxBytes are kept');
});

t.test('maxBytes: output under the limit is complete', async (t) => {
  const r = await runCommand('sh', ['-c', 'head -c 100000 /dev/zero | tr "\\0" a'], { maxBytes: 1024 * 1024 });
  t.equal(r.stdout.length, 100000);
});

function pidsAlive(pids: number[]): number[] {
  // A killed orphan may stay a zombie when pid 1 does not reap: that is dead too.
  return pids.filter((pid) => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  });
}

t.test('a timeout kills the whole process group', async (t) => {
  // The shell prints its children's pids, then waits on them.
  const started = Date.now();
  const r = await runCommand('sh', ['-c', 'sleep 100 & echo $!; sleep 100 & echo $!; echo $$; wait'], { timeoutMs: 500 });
  const elapsed = Date.now() - started;
  t.equal(r.timedOut, true);
  t.equal(r.signal, 'SIGKILL');
  t.equal(r.code, null);
  t.ok(elapsed < 5000, `returned after ${elapsed} ms`);
  const pids = r.stdout.trim().split('\n').map(Number);
  t.equal(pids.length, 3, 'saw the shell and both sleeps');
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.same(pidsAlive(pids), [], 'no process of the group survives');
  t.match(describeFailure(r), /^sh timed out after \d+ s$/);
});

t.test("sh -c 'sleep & sleep': both sleeps die with the shell", async (t) => {
  // An unusual duration so that no other process matches.
  const marker = '^sleep 100.0713$';
  const r = await runCommand('sh', ['-c', 'sleep 100.0713 & sleep 100.0713'], { timeoutMs: 300 });
  t.equal(r.timedOut, true);
  t.ok(r.durationMs < 5000);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const left = spawnSync('pgrep', ['-f', marker], { encoding: 'utf8' }).stdout.trim();
  t.equal(left, '', 'no sleep left behind');
});

t.test('a missing command is a spawnError, not an exception', async (t) => {
  const r = await runCommand('/nonexistent/definitely-not-a-command', ['x'], { timeoutMs: 5000 });
  t.equal(r.spawnError, '/nonexistent/definitely-not-a-command: command not found');
  t.equal(r.timedOut, false);
  t.equal(describeFailure(r), '/nonexistent/definitely-not-a-command: command not found');
  const dir = mkdtempSync(join(tmpdir(), 'runner-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'not-executable');
  writeFileSync(file, '#!/bin/sh\necho hi\n', { mode: 0o644 });
  const notExec = await runCommand(file, [], { timeoutMs: 5000 });
  t.equal(notExec.spawnError?.startsWith(`${file}: `), true, `a file that is not executable: ${notExec.spawnError}`);
  t.equal(notExec.stdout, '');
});

function result(overrides: Partial<RunResult>): RunResult {
  return { command: 'git clone x', code: 1, signal: null, stdout: '', stderr: '', timedOut: false, durationMs: 10, ...overrides };
}

const FAILURES: ReadonlyArray<{ title: string; result: RunResult; expect: string }> = [
  { title: 'exit code only', result: result({ code: 2 }), expect: 'exit code 2' },
  { title: 'last stderr line', result: result({ code: 1, stderr: 'first\nE: last line\n\n' }), expect: 'exit code 1: E: last line' },
  { title: 'signal', result: result({ code: null, signal: 'SIGSEGV' }), expect: 'killed by SIGSEGV' },
  { title: 'timeout', result: result({ timedOut: true, durationMs: 2600, command: 'apt-get update' }), expect: 'apt-get timed out after 3 s' },
  { title: 'spawn error wins', result: result({ spawnError: 'x: command not found', timedOut: true }), expect: 'x: command not found' },
  {
    title: 'user:token in a URL is hidden',
    result: result({ stderr: "fatal: unable to access 'https://user:tok@host/x': 403\n" }),
    expect: "exit code 1: fatal: unable to access 'https://***@host/x': 403",
  },
  {
    title: 'token-only userinfo is hidden',
    result: result({ stderr: 'E: Failed to fetch https://ghp_secret@example.com/repo/dists/x' }),
    expect: 'exit code 1: E: Failed to fetch https://***@example.com/repo/dists/x',
  },
  {
    title: 'several URLs on the line',
    result: result({ stderr: 'http://a:b@h1/ and ftp://c:d@h2/' }),
    expect: 'exit code 1: http://***@h1/ and ftp://***@h2/',
  },
  { title: 'a URL without credentials is kept', result: result({ stderr: 'https://host/x@y' }), expect: 'exit code 1: https://host/x@y' },
];

for (const c of FAILURES) {
  t.test(`describeFailure: ${c.title}`, async (t) => {
    const text = describeFailure(c.result);
    t.equal(text, c.expect);
    t.notMatch(text, /\n/);
    t.notMatch(text, /tok|secret|:b@|:d@/);
  });
}

t.test('describeFailure: a password containing @ is hidden', async (t) => {
  const text = describeFailure(result({ stderr: 'https://user:p@ssw0rd@host/x' }));
  t.match(text, /host\/x/);
  t.notMatch(text, /ssw0rd/, 'no part of the password');
  t.equal(text, 'exit code 1: https://***@host/x');
});
