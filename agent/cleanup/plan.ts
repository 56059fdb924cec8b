// Builds the cleanup plan: run the checks, ask each fixable module for its actions, order them by
// phase (packages first, logs last), drop duplicates.
import { runChecks, type EngineOptions } from '../engine.js';
import type { Host } from '../host.js';
import type { CheckModule, CheckReport } from '../types.js';
import type { Action } from './actions.js';

export interface Plan {
  reports: CheckReport[];
  actions: Action[];
}

function actionKey(action: Action): string {
  return JSON.stringify([action.kind, action.path, action.account, action.command]);
}

export async function buildPlan(host: Host, modules: readonly CheckModule[], engine: EngineOptions, noUpgrade: boolean): Promise<Plan> {
  const reports = await runChecks(host, modules, engine);
  const actions: Action[] = [];
  for (const module of modules) {
    const report = reports.find((r) => r.id === module.id);
    if (!module.plan || !report || report.status === 'skip') continue;
    try {
      actions.push(...(await module.plan(host, report)));
    } catch (err) {
      actions.push({ check: module.id, kind: 'plan', phase: 0, skip: `could not plan: ${(err as Error).message.split('\n')[0]}` });
    }
  }
  const seen = new Set<string>();
  const unique = actions.filter((action) => {
    const key = actionKey(action);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  for (const action of unique) if (noUpgrade && action.upgrade) action.skip = 'left out by --no-upgrade';
  // Array.prototype.sort is stable: within a phase, the modules' own order stays.
  return { reports, actions: unique.sort((a, b) => a.phase - b.phase) };
}
