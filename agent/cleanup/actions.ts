// What a fix may do, as data: findings carry actions, the cleanup engine prints, applies and
// records them. Nothing outside these kinds ever changes the target. Adding a kind without
// handling it everywhere (KINDS, describeAction, applyAction) is a compile error.

/** Package steps, named without a package manager: the family's adapter gives the command. */
export type PackageStep = 'purge' | 'refresh' | 'upgrade' | 'autoremove' | 'clean';

export type Action =
  | { kind: 'run'; step: PackageStep; packages?: readonly string[] }
  | { kind: 'remove-file'; path: string }
  | { kind: 'remove-tree'; path: string }
  | { kind: 'truncate-file'; path: string }
  | { kind: 'lock-account'; path: string; account: string }
  | { kind: 'set-mode'; path: string; mode: number }
  | { kind: 'make-directory'; path: string; mode: number }
  | { kind: 'create-file'; path: string; mode: number }
  // The free space of the file system the image mounts at path: discarded (fstrim), or zeroed.
  | { kind: 'trim-free-space'; path: string }
  | { kind: 'zero-free-space'; path: string }
  | { kind: 'remove-self' };

export type ActionKind = Action['kind'];
export type ActionOf<K extends ActionKind> = Extract<Action, { kind: K }>;

/**
 * prepare: repairs the package managers need (a /tmp they can write to) — before the packages;
 * packages: they write logs and caches, so they run before the files are cleaned;
 * files: everything else, planned again after the packages ran; final: after the re-check.
 */
export const STAGES = ['prepare', 'packages', 'files', 'final'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * What the action does to the path it names, for the guard that protects the running agent:
 * nothing (a mode change), the path itself (unlink, truncate, rename over it), or the whole tree.
 */
export type Destroys = 'nothing' | 'path' | 'tree';

interface KindSpec {
  stage: Stage;
  /** Order inside the stage: accounts before keys, logs last. */
  order: number;
  destroys: Destroys;
}

export const KINDS: { readonly [K in ActionKind]: KindSpec } = {
  'make-directory': { stage: 'prepare', order: 0, destroys: 'path' },
  'set-mode': { stage: 'prepare', order: 1, destroys: 'nothing' },
  run: { stage: 'packages', order: 0, destroys: 'nothing' },
  'lock-account': { stage: 'files', order: 0, destroys: 'path' },
  'create-file': { stage: 'files', order: 1, destroys: 'nothing' },
  'remove-tree': { stage: 'files', order: 2, destroys: 'tree' },
  'remove-file': { stage: 'files', order: 3, destroys: 'path' },
  'truncate-file': { stage: 'files', order: 4, destroys: 'path' },
  'trim-free-space': { stage: 'final', order: 0, destroys: 'nothing' },
  'zero-free-space': { stage: 'final', order: 0, destroys: 'nothing' },
  'remove-self': { stage: 'final', order: 1, destroys: 'nothing' },
};

/**
 * Purge the DigitalOcean agent before the upgrade (no point upgrading it); refresh every list
 * before the upgrade (the check refreshed only the security ones); clean last. A refresh needs the
 * network, which --offline says not to use.
 */
export const PACKAGE_STEPS: { readonly [S in PackageStep]: { order: number; partOfUpgrade: boolean; network?: boolean } } = {
  purge: { order: 0, partOfUpgrade: false },
  refresh: { order: 1, partOfUpgrade: true, network: true },
  upgrade: { order: 2, partOfUpgrade: true },
  autoremove: { order: 3, partOfUpgrade: true },
  clean: { order: 4, partOfUpgrade: false },
};

/** An action as planned: which check's finding it answers. */
export type PlannedAction = Action & { check: string };

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

export function assertNever(value: never): never {
  throw new Error(`unhandled action kind: ${JSON.stringify(value)}`);
}

function sortKey(action: Action): number[] {
  const spec = KINDS[action.kind];
  const step = action.kind === 'run' ? PACKAGE_STEPS[action.step].order : 0;
  return [STAGES.indexOf(spec.stage), spec.order, step];
}

export function compareActions(a: Action, b: Action): number {
  const [x, y] = [sortKey(a), sortKey(b)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** Two findings that need the same action (several keys in one file) plan it once. */
export function actionKey(action: Action): string {
  return JSON.stringify(action);
}

export function pathOf(action: Action): string | undefined {
  return 'path' in action ? action.path : undefined;
}

/** Small constructors so fix tables read as data. */
export const fixes = {
  removeFile: (path: string): Action => ({ kind: 'remove-file', path }),
  removeTree: (path: string): Action => ({ kind: 'remove-tree', path }),
  truncate: (path: string): Action => ({ kind: 'truncate-file', path }),
  lockAccount: (path: string, account: string): Action => ({ kind: 'lock-account', path, account }),
  setMode: (path: string, mode: number): Action => ({ kind: 'set-mode', path, mode }),
  makeDirectory: (path: string, mode: number): Action => ({ kind: 'make-directory', path, mode }),
  createFile: (path: string, mode: number): Action => ({ kind: 'create-file', path, mode }),
  packages: (step: PackageStep, packages?: readonly string[]): Action => ({ kind: 'run', step, ...(packages ? { packages } : {}) }),
};
