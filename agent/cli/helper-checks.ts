// On a target with thousands of accounts, the checks that read every home are bound to one core
// (system calls and parsing): at 10,000 accounts and 100,000 logs one process took 2.9 to 4.3 s
// while the other core of the 2-core VM stayed idle (BENCHMARKS.md, section 7). There, `check`
// hands some of them to a second process of the agent itself, `check --only IDS --format json` on
// the same target, and takes their results from its report as they are: one engine, the same
// checks, the same findings. A helper that fails leaves its checks `error`, never `pass`.
import { agentBinaryPath } from '../self.js';
import { readAccounts } from '../facts/accounts.js';
import { runChecks, toCheckReport, type EngineOptions } from '../engine.js';
import { describeFailure, runCommand, type RunResult } from '../runner.js';
import type { Host } from '../host.js';
import type { CheckModule, CheckReport, Status } from '../types.js';
import type { Session, SessionOptions } from './session.js';

/**
 * What the helper runs: two of the costliest checks per home (log-files, the other, stays here: its
 * 100,000 findings would cost more to pass back than to make). Together about as much work as what
 * is left in this process.
 */
const HELPER_CHECKS: ReadonlySet<string> = new Set(['ssh-private-keys', 'ssh-authorized-keys']);
/** Below this many accounts, starting a second process costs more than it saves. */
const MIN_ACCOUNTS = 1000;
/** Set in the helper's environment: a helper never starts another. */
const HELPER_ENV = 'AGENT_HELPER';
// Its report holds a finding per key and per home: room for far more than 10,000 homes.
const MAX_REPORT_BYTES = 1024 * 1024 * 1024;
const STATUSES: ReadonlySet<string> = new Set<Status>(['pass', 'warn', 'fail', 'skip', 'error']);

/** The agent's own program, as a command line (the plain runtime with its script in development). */
function agentCommand(): string[] | undefined {
  const script = process.argv[1];
  if (script && /\.[cm]?[jt]s$/.test(script)) return [process.execPath, script];
  const own = agentBinaryPath();
  return own ? [own] : undefined;
}

async function manyAccounts(host: Host): Promise<boolean> {
  try {
    return (await readAccounts(host)).passwd.length >= MIN_ACCOUNTS;
  } catch {
    // Unreadable accounts: the checks themselves say so, in this process.
    return false;
  }
}

/** The helper's command line: the same target, config and time limit; never a package refresh. */
function helperArgs(host: Host, options: SessionOptions, ids: readonly string[]): string[] {
  return [
    'check',
    '--format', 'json',
    '--offline',
    '--only', ids.join(','),
    ...(host.mode === 'live' ? [] : ['--root', host.root]),
    ...(options.config === undefined ? [] : ['--config', options.config]),
    ...(options.timeout === undefined ? [] : ['--timeout', options.timeout]),
  ];
}

/** The helper's results for modules, from its run; each check it did not report is `error`. */
export function helperResults(run: RunResult, modules: readonly CheckModule[], engine: EngineOptions): CheckReport[] {
  let checks: CheckReport[] = [];
  let reason = `the helper process failed (${describeFailure(run)})`;
  try {
    const report = JSON.parse(run.stdout) as { checks?: unknown };
    if (Array.isArray(report.checks)) checks = report.checks as CheckReport[];
  } catch {
    if (run.code === 0 || run.code === 1) reason = 'the helper process wrote no report';
  }
  const byId = new Map(checks.filter((c) => STATUSES.has(c?.status) && Array.isArray(c.findings)).map((c) => [c.id, c]));
  return modules.map((module) => byId.get(module.id) ?? toCheckReport(module, { status: 'error', summary: `could not check: ${reason}`, findings: [] }, 0, engine));
}

async function runHelper(command: string[], args: string[], modules: readonly CheckModule[], engine: EngineOptions): Promise<CheckReport[]> {
  const run = await runCommand(command[0], [...command.slice(1), ...args], {
    // Its own checks time out first; this only stops a helper that hangs as a whole.
    timeoutMs: engine.timeoutMs + 30_000,
    maxBytes: MAX_REPORT_BYTES,
    env: { [HELPER_ENV]: '1' },
  });
  return helperResults(run, modules, engine);
}

/** Runs the session's checks, with part of them in a helper process when the target is large. */
export async function runSessionChecks(session: Session, options: SessionOptions): Promise<CheckReport[]> {
  const { host, modules, engine } = session;
  const command = agentCommand();
  const helped = modules.filter((module) => HELPER_CHECKS.has(module.id) && !engine.off?.has(module.id));
  // Only when both processes have work: `--only ssh-private-keys` would only add a start-up.
  if (helped.length === 0 || helped.length === modules.length || command === undefined || process.env[HELPER_ENV] || !(await manyAccounts(host))) {
    return runChecks(host, modules, engine);
  }
  const [own, theirs] = await Promise.all([
    runChecks(host, modules.filter((module) => !helped.includes(module)), engine),
    runHelper(command, helperArgs(host, options, helped.map((module) => module.id)), helped, engine),
  ]);
  const byId = new Map([...own, ...theirs].map((check) => [check.id, check]));
  return modules.map((module) => byId.get(module.id)!);
}
