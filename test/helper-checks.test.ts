// At 1,000 accounts and more, `check` runs two of the per-home checks in a second process of the
// agent (agent/cli/helper-checks.ts). What it reports must be what one process reports; the helper
// must really run (seen with strace), only on such targets; a helper that fails leaves its checks
// `error`, never `pass`.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKS_BY_ID } from '../checks/index.js';
import { helperResults } from '../agent/cli/helper-checks.js';
import type { RunResult } from '../agent/runner.js';
import { makeScaleRoot } from '../fixtures/scale/scale-root.js';
import { AGENT, parseReport, requireAgent, TEST_TODAY, type ReportJson } from './helpers/agent.js';
import { requires } from './helpers/requires.js';

const HELPED = ['ssh-authorized-keys', 'ssh-private-keys'];
// strace sees the helper start; a machine that does not allow ptrace says so as the skip reason.
const STRACE =
  requires({ commands: ['strace'] }) ||
  (spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', 'true']).status === 0 ? false : 'strace cannot trace processes on this machine (ptrace not permitted)');
const dir = mkdtempSync(join(tmpdir(), 'helper-checks-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** The report without what differs between any two runs (times). */
function comparable(report: ReportJson): unknown {
  return report.checks.map((check) => ({ ...check, durationMs: undefined }));
}

/** `agent ARGS` under strace: the report, and the command lines of the agents it started. */
function tracedRun(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; helpers: string[] } {
  const log = join(dir, `strace-${Math.random().toString(36).slice(2)}.log`);
  const run = spawnSync('strace', ['-f', '-qq', '-s', '200', '-e', 'trace=execve', '-o', log, AGENT, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', AGENT_TODAY: TEST_TODAY, ...env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  // The agent's own file started with `check ... --only`, not its launcher's re-exec (/proc/self/fd/N).
  const helpers = readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line.includes(`execve("${AGENT}"`) && line.includes('"--only"'));
  return { code: run.status, stdout: run.stdout, helpers };
}

t.test('1,200 accounts: two checks run in a helper process, and the report is the one process report', { skip: STRACE }, async (t) => {
  requireAgent();
  const root = join(dir, 'accounts-1200');
  await makeScaleRoot(root, { accounts: 1200, logs: 0 });
  const args = ['check', '--root', root, '--offline', '--skip', 'security-updates', '--format', 'json'];

  const split = tracedRun(args);
  t.equal(split.helpers.length, 1, 'one helper was started');
  t.match(split.helpers[0] ?? '', `"--only", "${HELPED.join(',')}"`, `the helper runs ${HELPED.join(' and ')}`);
  t.match(split.helpers[0] ?? '', `"--root", "${root}"`, 'on the same target');

  const single = tracedRun(args, { AGENT_HELPER: '1' });
  t.same(single.helpers, [], 'AGENT_HELPER set: no helper (as in the helper itself)');
  t.equal(split.code, single.code, 'the same exit code');
  const [splitReport, singleReport] = [parseReport(split.stdout), parseReport(single.stdout)];
  t.same(comparable(splitReport), comparable(singleReport), 'the same checks, statuses, summaries and findings, in the same order');
  const keys = splitReport.checks.find((c) => c.id === 'ssh-private-keys');
  t.equal(keys?.findings.filter((f) => f.code === 'private-key').length, 1200, 'a private key found in each home, through the helper');
  t.ok(keys?.findings.every((f) => f.fixable), 'the helper findings say they can be fixed, as in one process');
});

t.test('a small target: no helper', { skip: STRACE }, async (t) => {
  requireAgent();
  const root = join(dir, 'accounts-10');
  await makeScaleRoot(root, { accounts: 10, logs: 0 });
  const run = tracedRun(['check', '--root', root, '--offline', '--format', 'json']);
  t.same(run.helpers, [], 'no helper for 10 accounts');
  t.equal(parseReport(run.stdout).checks.length, CHECKS_BY_ID.size, 'every check in the report');
});

t.test('a helper that fails leaves its checks error, never pass', async (t) => {
  const modules = HELPED.map((id) => CHECKS_BY_ID.get(id)!);
  const engine = { timeoutMs: 300_000 };
  const run = (result: Partial<RunResult>): RunResult => ({ command: 'agent', code: 0, signal: null, stdout: '', stderr: '', timedOut: false, durationMs: 1, ...result });

  const crashed = helperResults(run({ code: 3, stderr: 'agent: cannot identify the distribution: no os-release\n' }), modules, engine);
  t.same(crashed.map((c) => [c.id, c.status]), HELPED.map((id) => [id, 'error']), 'exit 3 with no report: both error');
  t.match(crashed[0].summary, /could not check: the helper process failed \(exit code 3: agent: cannot identify/, 'the reason names the exit code and the last line');

  const killed = helperResults(run({ code: null, signal: 'SIGKILL', stdout: '{"checks": [' }), modules, engine);
  t.same(killed.map((c) => c.status), ['error', 'error'], 'killed half way: error');
  t.match(killed[0].summary, /killed by SIGKILL/);

  const timedOut = helperResults(run({ code: null, signal: 'SIGKILL', timedOut: true }), modules, engine);
  t.match(timedOut[0].summary, /timed out/, 'a hung helper: timed out');

  const one = { id: HELPED[0], title: 't', status: 'pass', summary: 'no problem found', durationMs: 5, findings: [] };
  const partial = helperResults(run({ code: 0, stdout: JSON.stringify({ checks: [one] }) }), modules, engine);
  t.same(partial.map((c) => c.status), ['pass', 'error'], 'a check missing from its report: error; the other as reported');
  t.match(partial[1].summary, /helper process wrote no report|helper process failed/);

  const malformed = helperResults(run({ code: 0, stdout: JSON.stringify({ checks: [{ ...one, status: 'great' }, { id: HELPED[1] }] }) }), modules, engine);
  t.same(malformed.map((c) => c.status), ['error', 'error'], 'results without a known status or findings: error');
});
