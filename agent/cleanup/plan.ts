// The cleanup plan is what the findings of a check run carry: their fixes, each once, merged
// where one command serves several findings (purging two packages), in stage and kind order.
import type { CheckReport } from '../types.js';
import { actionKey, compareActions, type PlannedAction } from './actions.js';

export function collectFixes(reports: readonly CheckReport[]): PlannedAction[] {
  const planned = new Map<string, PlannedAction>();
  for (const report of reports) {
    for (const finding of report.findings) {
      for (const action of finding.fix ?? []) {
        const key = action.kind === 'run' ? `${report.id}:run:${action.step}` : actionKey(action);
        const known = planned.get(key);
        if (known?.kind === 'run' && action.kind === 'run' && action.packages) {
          known.packages = [...new Set([...(known.packages ?? []), ...action.packages])];
        } else if (!known) {
          planned.set(key, { ...action, check: report.id } as PlannedAction);
        }
      }
    }
  }
  // Array.prototype.sort is stable: within a kind, the registry's order of checks stays.
  return [...planned.values()].sort(compareActions);
}

/** Findings that cleanup leaves alone, and why: for the plan, so nothing is silently unfixed. */
export function unfixed(reports: readonly CheckReport[]): { check: string; reason: string }[] {
  const left: { check: string; reason: string }[] = [];
  for (const report of reports) {
    const problems = report.findings.filter((f) => f.status === 'fail' || f.status === 'warn');
    const notFixable = problems.filter((f) => !f.fixable).length;
    if (notFixable === 0) continue;
    const reason =
      report.status === 'error'
        ? `${notFixable} problem${notFixable === 1 ? '' : 's'} not fixed: the check could not read everything it needs`
        : `${notFixable} problem${notFixable === 1 ? '' : 's'} to fix by hand`;
    left.push({ check: report.id, reason });
  }
  return left;
}
