// `agent cleanup`: run the checks and collect the fixes their findings carry. Without --yes, print
// that plan (the engine's dry run). With --yes: first the repairs the package managers need and
// the package steps; then every check runs again and every remaining fix is collected and applied
// (so what the packages wrote goes too); then the final steps, the re-check, and the report.
import { CHECKS_BY_ID } from '../../checks/index.js';
import { packageAdapter } from '../../distros/package-adapter.js';
import { actionKey, KINDS, type ActionRecord, type PlannedAction, type Stage } from '../cleanup/actions.js';
import { execute, type ExecuteOptions } from '../cleanup/execute.js';
import { makeGuard } from '../cleanup/guard.js';
import { acquireLock, LockedError } from '../cleanup/lock.js';
import type { CleanupOutput } from '../cleanup/output.js';
import { collectFixes, unfixed } from '../cleanup/plan.js';
import { describeAction } from '../cleanup/records.js';
import { runChecks } from '../engine.js';
import { EXIT, exitCodeOf } from '../report.js';
import { reporterFor } from '../reporters/index.js';
import type { CheckReport } from '../types.js';
import type { Invocation, OptionValues } from './commands.js';
import { onImage } from '../image/image-option.js';
import { openSession, refreshHost, reportOf, sessionOptionsOf, type Session, type SessionOptions } from './session.js';
import { IncompleteError, UsageError } from './usage-error.js';
import { append } from '../append.js';

const inStages = (stages: readonly Stage[]) => (action: PlannedAction) => stages.includes(KINDS[action.kind].stage);

/** The file systems whose free space is reclaimed: every one an attached image mounts, else /. */
function fileSystems(session: Session): string[] {
  return session.attachedImage?.mounts.map((mount) => mount.path) ?? ['/'];
}

/** The steps the options ask for, which answer no finding: they run last. */
function requestedSteps(session: Session, values: OptionValues): PlannedAction[] {
  const freeSpace = (kind: 'trim-free-space' | 'zero-free-space') => fileSystems(session).map((path) => ({ check: 'cleanup', kind, path }) as const);
  return [
    ...(values['reclaim-free-space'] === true ? freeSpace('trim-free-space') : []),
    ...(values['zero-free-space'] === true ? freeSpace('zero-free-space') : []),
    ...(values['remove-self'] === true ? [{ check: 'cleanup', kind: 'remove-self' } as const] : []),
  ];
}

async function executeOptions(session: Session, values: OptionValues, apply: boolean): Promise<ExecuteOptions> {
  const image = session.attachedImage;
  const showProgress = process.stderr.isTTY === true;
  return {
    host: session.host,
    adapter: await packageAdapter(session.host),
    guard: makeGuard(session.host, values['remove-self'] === true),
    apply,
    noUpgrade: values['no-upgrade'] === true,
    freeSpace: image ? { imageFile: image.file, imageCanDiscard: image.canDiscard, imageFormat: image.format, showProgress } : { showProgress },
  };
}

async function checkAll(session: Session): Promise<CheckReport[]> {
  return runChecks(session.host, session.modules, { ...session.engine, withFixes: true });
}

/** Applies the plan in rounds; returns the records of every action and the actions, in order. */
async function applyInRounds(session: Session, values: OptionValues, plan: PlannedAction[]): Promise<{ records: ActionRecord[]; actions: PlannedAction[] }> {
  const first = plan.filter(inStages(['prepare', 'packages']));
  const records = await execute(await executeOptions(session, values, true), first);
  const actions = [...first];
  let rest = plan.filter(inStages(['files']));
  if (records.some((r) => r.status === 'done')) {
    // The lists were refreshed by the first check run: the second need not fetch them again.
    refreshHost(session, { offline: true });
    const applied = new Set(first.map(actionKey));
    rest = collectFixes(await checkAll(session)).filter((a) => !applied.has(actionKey(a)) && KINDS[a.kind].stage !== 'final');
  }
  const steps = requestedSteps(session, values);
  const beforeRecheck = [...rest, ...steps.filter((a) => a.kind !== 'remove-self')];
  append(records, await execute(await executeOptions(session, values, true), beforeRecheck));
  append(actions, beforeRecheck);
  return { records, actions };
}

function describeAll(session: Session, actions: readonly PlannedAction[]): Promise<string[]> {
  return packageAdapter(session.host).then((adapter) => actions.map((action) => describeAction(action, adapter)));
}

/** --image FILE: attached (writable only with --yes), then cleaned exactly as --root cleans a directory. */
export async function cleanupCommand(invocation: Invocation): Promise<number> {
  const { values } = invocation;
  if (values['reclaim-free-space'] === true && values['zero-free-space'] === true) throw new UsageError('--reclaim-free-space and --zero-free-space: choose one');
  const image = values.image as string | undefined;
  if (image === undefined) return cleanup(invocation, sessionOptionsOf(values));
  return onImage(image, values.root as string | undefined, values.yes === true, (root, attachedImage) => cleanup(invocation, { ...sessionOptionsOf(values), root, attachedImage }));
}

async function cleanup({ values, color }: Invocation, options: SessionOptions): Promise<number> {
  const reporter = reporterFor((values.format as string | undefined) ?? 'text');
  const session = await openSession(options, reporter.name === 'json');
  const context = { color, modules: CHECKS_BY_ID };
  const target = session.host.mode === 'live' ? 'this machine' : (session.attachedImage?.file ?? session.host.root);
  let release: (() => void) | undefined;
  if (values.yes === true) {
    try {
      release = acquireLock(session.host.root);
    } catch (err) {
      if (err instanceof LockedError) throw new IncompleteError(err.message);
      throw err;
    }
  }
  try {
    const reports = await checkAll(session);
    const plan = [...collectFixes(reports), ...requestedSteps(session, values)];
    if (values.yes !== true) {
      const records = await execute(await executeOptions(session, values, false), plan);
      const output: CleanupOutput = {
        json: { schemaVersion: 1, mode: 'plan', actions: records, before: await reportOf(session, reports) },
        descriptions: await describeAll(session, plan),
        target,
        unfixed: unfixed(reports),
      };
      process.stdout.write(reporter.cleanup?.(output, context) ?? '');
      return EXIT.ok;
    }
    const { records, actions } = await applyInRounds(session, values, plan);
    refreshHost(session);
    const afterReports = await checkAll(session);
    const selfStep = requestedSteps(session, values).filter((a) => a.kind === 'remove-self');
    append(records, await execute(await executeOptions(session, values, true), selfStep));
    append(actions, selfStep);
    const after = await reportOf(session, afterReports);
    const output: CleanupOutput = {
      json: { schemaVersion: 1, mode: 'apply', actions: records, after },
      descriptions: await describeAll(session, actions),
      target,
      unfixed: unfixed(afterReports),
    };
    process.stdout.write(reporter.cleanup?.(output, context) ?? '');
    const code = exitCodeOf(after.verdict, false);
    return code === EXIT.ok && records.some((r) => r.status === 'failed') ? EXIT.incomplete : code;
  } finally {
    release?.();
  }
}
