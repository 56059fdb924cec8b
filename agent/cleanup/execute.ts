// The one engine that prints and applies a plan: dry run and apply are the same path, which
// decides for each action whether it may run (--no-upgrade, --root mode, the running agent) and
// then either records it as planned or applies it and records the outcome.
import type { PackageAdapter } from '../../distros/package-adapter.js';
import type { Host } from '../host.js';
import { PACKAGE_STEPS, type ActionRecord, type PlannedAction } from './actions.js';
import { applyAction } from './apply.js';
import type { ReclaimOptions } from './reclaim.js';
import type { Guard } from './guard.js';
import { toRecord } from './records.js';

export interface ExecuteOptions {
  host: Host;
  adapter: PackageAdapter;
  guard: Guard;
  /** false: a dry run (nothing changes, every action is 'planned' or 'skipped'). */
  apply: boolean;
  noUpgrade: boolean;
  freeSpace: ReclaimOptions;
}

/** Why an action does not run at all, decided the same way for the plan and for the apply. */
function refusal(options: ExecuteOptions, action: PlannedAction): string | undefined {
  if (action.kind === 'run') {
    if (options.noUpgrade && PACKAGE_STEPS[action.step].partOfUpgrade) return 'left out by --no-upgrade';
    if (options.host.settings.offline && PACKAGE_STEPS[action.step].network) return 'left out by --offline';
    if (options.host.mode !== 'live') return 'package commands run only on the live machine (not in --root mode)';
    return undefined;
  }
  return options.guard.refusal(action);
}

export async function execute(options: ExecuteOptions, actions: readonly PlannedAction[]): Promise<ActionRecord[]> {
  const records: ActionRecord[] = [];
  for (const action of actions) {
    const refused = refusal(options, action);
    if (refused !== undefined) {
      records.push(toRecord(action, options.adapter, 'skipped', refused));
      continue;
    }
    if (!options.apply) {
      records.push(toRecord(action, options.adapter, 'planned'));
      continue;
    }
    const outcome = await applyAction({ host: options.host, adapter: options.adapter, guard: options.guard, freeSpace: options.freeSpace }, action);
    records.push(toRecord(action, options.adapter, outcome.status, outcome.reason, outcome.path));
  }
  return records;
}
