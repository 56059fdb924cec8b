// How an action is described to people (the plan) and recorded (the outcome, and the JSON report).
import type { PackageAdapter } from '../../distros/package-adapter.js';
import { assertNever, type Action, type ActionRecord, type ActionStatus, type PlannedAction } from './actions.js';

/** The argv of a package step, from the target's adapter. */
export function packageCommand(adapter: PackageAdapter, action: Extract<Action, { kind: 'run' }>): string[] {
  return adapter.command(action.step, action.packages);
}

export function describeAction(action: Action, adapter: PackageAdapter): string {
  switch (action.kind) {
    case 'run':
      return `run: ${packageCommand(adapter, action).join(' ')}`;
    case 'lock-account':
      return `remove the password hash of ${action.account} in ${action.path} (locked, no hash)`;
    case 'set-mode':
      return `set mode ${action.mode.toString(8)} on ${action.path}`;
    case 'make-directory':
      return `create directory ${action.path} with mode ${action.mode.toString(8)}`;
    case 'create-file':
      return `create empty ${action.path} with mode ${action.mode.toString(8)}`;
    case 'remove-file':
      return `remove file ${action.path}`;
    case 'remove-tree':
      return `remove tree ${action.path}`;
    case 'truncate-file':
      return `truncate file ${action.path}`;
    case 'zero-free-space':
      return `fill the free space of ${action.path} with zeros, then remove the file`;
    case 'trim-free-space':
      return `discard the free blocks of ${action.path} (fstrim; a zero fill where the disk cannot discard)`;
    case 'remove-self':
      return "remove the agent's own binary";
    default:
      return assertNever(action);
  }
}

export function toRecord(action: PlannedAction, adapter: PackageAdapter, status: ActionStatus, reason?: string, path?: string): ActionRecord {
  const where = path ?? ('path' in action ? action.path : undefined);
  return {
    check: action.check,
    kind: action.kind,
    ...(where !== undefined ? { path: where } : {}),
    ...(action.kind === 'lock-account' ? { account: action.account } : {}),
    ...(action.kind === 'run' ? { command: packageCommand(adapter, action).join(' ') } : {}),
    status,
    ...(reason ? { reason } : {}),
  };
}
