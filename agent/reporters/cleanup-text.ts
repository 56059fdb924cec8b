// The cleanup plan and its outcome, for people: one line per action, then what is left to do by hand.
import type { ActionRecord } from '../cleanup/actions.js';
import type { CleanupOutput } from '../cleanup/output.js';
import type { Report } from '../report.js';
import { printable } from './escape.js';
import { append } from '../append.js';

const MARKS: Record<ActionRecord['status'], string> = { planned: '*', done: '+', failed: 'x', skipped: '-' };

function actionLines(output: CleanupOutput, outcome: boolean): string[] {
  return output.json.actions.map((record, index) => {
    const reason = record.reason ? ` (${record.status === 'skipped' && !outcome ? 'skipped: ' : ''}${printable(record.reason)})` : '';
    const status = outcome ? `: ${record.status}` : '';
    return `  ${MARKS[record.status]} [${record.check}] ${printable(output.descriptions[index] ?? record.kind)}${status}${reason}`;
  });
}

function unfixedLines(output: CleanupOutput): string[] {
  if (output.unfixed.length === 0) return [];
  return ['', 'Left for you (cleanup does not fix these; see the report and agent explain ID):', ...output.unfixed.map((u) => `  ! [${u.check}] ${u.reason}`)];
}

function renderPlan(output: CleanupOutput): string {
  const { actions } = output.json;
  const planned = actions.filter((r) => r.status === 'planned').length;
  const lines = [`Cleanup plan for ${printable(output.target)} (nothing was changed; run with --yes to apply):`, ''];
  append(lines, actionLines(output, false));
  if (actions.length === 0) lines.push('  nothing to do');
  append(lines, unfixedLines(output));
  lines.push('', `${planned} action${planned === 1 ? '' : 's'} planned, ${actions.length - planned} skipped.`);
  if (actions.some((r) => r.kind === 'run' && r.status === 'planned')) lines.push('After the package steps the checks run again, and what the packages wrote (logs, caches) is cleaned too.');
  return lines.join('\n') + '\n';
}

function renderOutcome(output: CleanupOutput, renderReport: (report: Report) => string): string {
  const count = (status: ActionRecord['status']) => output.json.actions.filter((r) => r.status === status).length;
  const lines = ['Cleanup:', ...actionLines(output, true), `${count('done')} done, ${count('failed')} failed, ${count('skipped')} skipped.`, '', 'Checks after cleanup:', ''];
  return lines.join('\n') + (output.json.after ? renderReport(output.json.after) : '');
}

export function renderCleanup(output: CleanupOutput, renderReport: (report: Report) => string): string {
  return output.json.mode === 'plan' ? renderPlan(output) : renderOutcome(output, renderReport);
}
