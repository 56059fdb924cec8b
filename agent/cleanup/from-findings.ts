// Most fixes act on exactly the paths their check reported: a table from finding code to action.
import type { CheckReport, Finding } from '../types.js';
import type { Action } from './actions.js';

export type FixTable = Partial<Record<string, (finding: Finding) => Omit<Action, 'check'> | Omit<Action, 'check'>[] | null>>;

export function actionsFromFindings(report: CheckReport, table: FixTable): Action[] {
  const actions: Action[] = [];
  for (const finding of report.findings) {
    const made = table[finding.code]?.(finding);
    if (!made) continue;
    for (const action of Array.isArray(made) ? made : [made]) actions.push({ check: report.id, ...action });
  }
  return actions;
}
