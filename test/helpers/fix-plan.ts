// What a cleanup plan must say about a report: every fixable finding has an action of its check
// at its path, and every planned action answers a fixable finding (the fix is the finding's).
import type { PlannedFix } from '../../fixtures/synthetic/problems.js';
import type { CleanupRecordJson, ReportJson } from './agent.js';

// A package step as its command says it, whatever the package manager.
const STEP_COMMANDS: Record<string, RegExp> = {
  purge: /\b(purge|remove)\b/,
  refresh: /\b(update|makecache)$/,
  upgrade: /\b(dist-upgrade|upgrade|update)\b/,
  autoremove: /\bautoremove\b/,
  clean: /\bclean\b/,
};

export function matchesFix(record: CleanupRecordJson, fix: PlannedFix): boolean {
  if (record.kind !== fix.kind) return false;
  if (fix.path !== undefined && record.path !== fix.path) return false;
  return fix.step === undefined || STEP_COMMANDS[fix.step].test(record.command ?? '');
}

/** Disagreements between a report's fixable findings and the plan made from it (empty: none). */
export function planMismatches(report: ReportJson, actions: readonly CleanupRecordJson[]): string[] {
  const problems: string[] = [];
  const fromChecks = actions.filter((a) => a.check !== 'cleanup');
  for (const check of report.checks) {
    for (const finding of check.findings.filter((f) => f.fixable)) {
      const answered = fromChecks.some((a) => a.check === check.id && (finding.path === undefined || a.path === undefined || a.path === finding.path));
      if (!answered) problems.push(`fixable ${check.id} ${finding.code} ${finding.path ?? ''} has no action`);
    }
  }
  for (const action of fromChecks) {
    const findings = report.checks.find((c) => c.id === action.check)?.findings.filter((f) => f.fixable) ?? [];
    // A host key's fix also removes its .pub: the action's path extends the finding's.
    const answers = findings.some((f) => f.path === undefined || action.path === undefined || action.path === f.path || action.path.startsWith(`${f.path}.`));
    if (!answers) problems.push(`planned ${action.check} ${action.kind} ${action.path ?? action.command ?? ''} answers no fixable finding`);
  }
  return problems;
}
