// The cleanup plan and its outcome, for people: one line per action.
import type { Action, ActionRecord } from '../cleanup/actions.js';
import { describeAction } from '../cleanup/actions.js';
import { printable } from './escape.js';

const MARKS: Record<ActionRecord['status'], string> = { planned: '*', done: '+', failed: 'x', skipped: '-' };

export function renderPlan(actions: readonly Action[], target: string): string {
  const todo = actions.filter((a) => !a.skip);
  const lines = [`Cleanup plan for ${printable(target)} (nothing was changed; run with --yes to apply):`, ''];
  for (const action of actions) {
    const skip = action.skip ? ` (skipped: ${printable(action.skip)})` : '';
    lines.push(`  ${action.skip ? MARKS.skipped : MARKS.planned} [${action.check}] ${printable(describeAction(action))}${skip}`);
  }
  if (actions.length === 0) lines.push('  nothing to do');
  lines.push('', `${todo.length} action${todo.length === 1 ? '' : 's'} planned, ${actions.length - todo.length} skipped.`, '');
  return lines.join('\n');
}

export function renderOutcome(records: readonly ActionRecord[]): string {
  const lines = ['Cleanup:'];
  for (const record of records) {
    const account = record.account ? ` (${record.account})` : '';
    const what = record.command ? `run: ${record.command}` : `${record.kind} ${record.path ?? ''}${account}`;
    const reason = record.reason ? ` (${printable(record.reason)})` : '';
    lines.push(`  ${MARKS[record.status]} [${record.check}] ${printable(what)}: ${record.status}${reason}`);
  }
  const count = (status: ActionRecord['status']) => records.filter((r) => r.status === status).length;
  lines.push(`${count('done')} done, ${count('failed')} failed, ${count('skipped')} skipped.`, '', 'Checks after cleanup:', '');
  return lines.join('\n');
}
