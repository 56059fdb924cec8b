// What a fix may do, as data: check modules plan actions, the cleanup engine prints, applies and
// records them. Nothing outside these kinds ever changes the target.

export type ActionKind =
  | 'run' // a package command (live mode only)
  | 'remove-file' // unlink a file or a symlink (never its target)
  | 'remove-tree' // a directory and everything under it, links removed as links
  | 'truncate-file' // empty a regular file, keeping it (and its owner and mode)
  | 'lock-account' // replace a password field by "!" in an accounts file, atomically
  | 'set-mode'
  | 'make-directory'
  | 'create-file' // an empty file with a mode (RevokedKeys)
  | 'trim-free-space' // discard the free blocks of a file system (--reclaim-free-space)
  | 'plan'; // a fix that could not even be planned (recorded as failed, with the reason)

/** Order of application: packages first (they write logs), logs last. */
export const PHASE = {
  packages: 10,
  agents: 20,
  accounts: 30,
  ssh: 40,
  histories: 50,
  state: 60,
  tmp: 70,
  logs: 90,
} as const;

export interface Action {
  check: string;
  kind: ActionKind;
  phase: number;
  /** Target path (inside the image). */
  path?: string;
  /** argv of a `run` action. */
  command?: string[];
  mode?: number;
  /** The account whose password field a lock-account action clears. */
  account?: string;
  /** Set when the fix decided not to act, with the reason (shown in the plan). */
  skip?: string;
  /** Part of the package upgrade, which --no-upgrade leaves out. */
  upgrade?: boolean;
}

export type ActionStatus = 'planned' | 'done' | 'failed' | 'skipped';

export interface ActionRecord {
  check: string;
  kind: ActionKind;
  path?: string;
  account?: string;
  command?: string;
  status: ActionStatus;
  reason?: string;
}

export function describeAction(action: Action): string {
  switch (action.kind) {
    case 'run':
      return `run: ${action.command?.join(' ')}`;
    case 'lock-account':
      return `remove the password hash of ${action.account} in ${action.path} (locked, no hash)`;
    case 'set-mode':
      return `set mode ${action.mode?.toString(8)} on ${action.path}`;
    case 'make-directory':
      return `create directory ${action.path} with mode ${action.mode?.toString(8)}`;
    case 'create-file':
      return `create empty ${action.path} with mode ${action.mode?.toString(8)}`;
    case 'plan':
      return `plan the fixes of ${action.check}`;
    default:
      return `${action.kind.replace('-', ' ')} ${action.path}`;
  }
}

export function toRecord(action: Action, status: ActionStatus, reason?: string): ActionRecord {
  return {
    check: action.check,
    kind: action.kind,
    ...(action.path !== undefined ? { path: action.path } : {}),
    ...(action.account !== undefined ? { account: action.account } : {}),
    ...(action.command ? { command: action.command.join(' ') } : {}),
    status,
    ...(reason ? { reason } : {}),
  };
}
