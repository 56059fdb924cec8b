// `agent cleanup`: plan; with --yes apply (packages first, then re-plan the rest so the package
// steps' own logs go too), optionally zero the free space, check again, report.
import { rmSync } from 'node:fs';
import { CHECKS_BY_ID } from '../../checks/index.js';
import { PHASE, toRecord, type Action, type ActionRecord } from '../cleanup/actions.js';
import { applyAction } from '../cleanup/apply.js';
import { makeGuard } from '../cleanup/guard.js';
import { acquireLock, LockedError } from '../cleanup/lock.js';
import { buildPlan } from '../cleanup/plan.js';
import { zeroFreeSpace } from '../cleanup/zero-fill.js';
import { runChecks } from '../engine.js';
import { EXIT, exitCodeOf, type Report } from '../report.js';
import { renderOutcome, renderPlan } from '../reporters/cleanup-text.js';
import { textReporter } from '../reporters/text.js';
import { agentBinaryPath } from '../self.js';
import { openSession, refreshHost, reportOf, type Session, type SessionOptions } from './session.js';
import { IncompleteError, UsageError } from './usage-error.js';

export interface CleanupOptions extends SessionOptions {
  yes?: boolean;
  noUpgrade?: boolean;
  zeroFreeSpace?: boolean;
  removeSelf?: boolean;
  format?: string;
  color: boolean;
}

export interface CleanupReport {
  schemaVersion: 1;
  mode: 'plan' | 'apply';
  actions: ActionRecord[];
  before?: Report;
  after?: Report;
}

async function applyAll(session: Session, actions: readonly Action[], removeSelf: boolean): Promise<ActionRecord[]> {
  const guard = makeGuard(session.host, removeSelf);
  const records: ActionRecord[] = [];
  for (const action of actions) records.push(await applyAction(session.host, action, guard));
  return records;
}

/** Packages and agents first; then the rest is planned again, on what the package steps left. */
async function applyInStages(session: Session, first: Action[], options: CleanupOptions): Promise<ActionRecord[]> {
  const early = first.filter((a) => a.phase < PHASE.accounts);
  const records = await applyAll(session, early, options.removeSelf ?? false);
  const changed = records.some((r) => r.status === 'done');
  const earlyModules = new Set(early.map((a) => a.check));
  if (changed) refreshHost(session);
  const rest = changed
    ? (await buildPlan(session.host, session.modules.filter((m) => !earlyModules.has(m.id)), session.engine, false)).actions.filter((a) => a.phase >= PHASE.accounts)
    : first.filter((a) => a.phase >= PHASE.accounts);
  records.push(...(await applyAll(session, rest, options.removeSelf ?? false)));
  return records;
}

function removeOwnBinary(): ActionRecord {
  const self = agentBinaryPath();
  if (self === undefined) {
    return { check: 'cleanup', kind: 'remove-file', path: process.argv0, status: 'failed', reason: 'cannot tell which file the agent was started from' };
  }
  try {
    rmSync(self);
    return { check: 'cleanup', kind: 'remove-file', path: self, status: 'done' };
  } catch (err) {
    return { check: 'cleanup', kind: 'remove-file', path: self, status: 'failed', reason: (err as Error).message.split('\n')[0] };
  }
}

export async function cleanupCommand(options: CleanupOptions): Promise<number> {
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format ${format}: not one of text, json`);
  const session = await openSession(options, format === 'json');
  const context = { color: options.color, modules: CHECKS_BY_ID };
  let release: (() => void) | undefined;
  if (options.yes) {
    try {
      release = acquireLock(session.host.root);
    } catch (err) {
      if (err instanceof LockedError) throw new IncompleteError(err.message);
      throw err;
    }
  }
  try {
    const plan = await buildPlan(session.host, session.modules, session.engine, options.noUpgrade ?? false);
    if (!options.yes) {
      const records = plan.actions.map((a) => toRecord(a, a.skip ? 'skipped' : 'planned', a.skip));
      const output: CleanupReport = { schemaVersion: 1, mode: 'plan', actions: records, before: await reportOf(session, plan.reports) };
      process.stdout.write(format === 'json' ? JSON.stringify(output, null, 2) + '\n' : renderPlan(plan.actions, session.host.mode === 'live' ? 'this machine' : session.host.root));
      return EXIT.ok;
    }
    const records = await applyInStages(session, plan.actions, options);
    if (options.zeroFreeSpace) records.push(await zeroFreeSpace(session.host, process.stderr.isTTY === true));
    refreshHost(session);
    const after = await reportOf(session, await runChecks(session.host, session.modules, session.engine));
    if (options.removeSelf) records.push(removeOwnBinary());
    const output: CleanupReport = { schemaVersion: 1, mode: 'apply', actions: records, after };
    process.stdout.write(format === 'json' ? JSON.stringify(output, null, 2) + '\n' : renderOutcome(records) + textReporter.render(after, context));
    const code = exitCodeOf(after.verdict, false);
    return code === EXIT.ok && records.some((r) => r.status === 'failed') ? EXIT.incomplete : code;
  } finally {
    release?.();
  }
}
