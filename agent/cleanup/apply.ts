// Applies one planned action to the target. Symlinks are never followed: a link named like a log
// or a key is removed as a link, its target untouched. A path that is already gone is "skipped".
import { chmodSync, closeSync, constants, fchmodSync, fstatSync, ftruncateSync, lstatSync, mkdirSync, openSync, readdirSync, rmdirSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { PackageAdapter } from '../../distros/package-adapter.js';
import { describeFsError, type Host } from '../host.js';
import { describeFailure } from '../runner.js';
import { agentBinaryPath } from '../self.js';
import { lockAccount, replaceAtomically } from './account-edit.js';
import { assertNever, type ActionOf, type ActionStatus, type PlannedAction } from './actions.js';
import type { Guard } from './guard.js';
import { packageCommand } from './records.js';
import { reclaimFreeSpace, type ReclaimOptions } from './reclaim.js';
import { zeroFreeSpace } from './zero-fill.js';
import { append } from '../append.js';

const PACKAGE_COMMAND_TIMEOUT_MS = 60 * 60 * 1000;

export interface ApplyContext {
  host: Host;
  adapter: PackageAdapter;
  guard: Guard;
  /** The image file behind the target (--image), for what reclaiming its free space gained; progress on a terminal. */
  freeSpace: ReclaimOptions;
}

export interface Outcome {
  status: Exclude<ActionStatus, 'planned'>;
  reason?: string;
  /** The path the record names when the action has none of its own (the agent's file). */
  path?: string;
}

const done = (reason?: string): Outcome => ({ status: 'done', ...(reason ? { reason } : {}) });
const skipped = (reason: string): Outcome => ({ status: 'skipped', reason });
const failed = (reason: string): Outcome => ({ status: 'failed', reason });

function exists(hostPath: string): boolean {
  return lstatSync(hostPath, { throwIfNoEntry: false }) !== undefined;
}

/** Removes a tree without following links; keeps whatever holds the running agent. Returns kept paths. */
function removeTree(hostPath: string, guard: Guard): string[] {
  const stats = lstatSync(hostPath);
  if (!stats.isDirectory()) {
    if (guard.holdsAgent(hostPath)) return [hostPath];
    unlinkSync(hostPath);
    return [];
  }
  const kept: string[] = [];
  for (const name of readdirSync(hostPath)) append(kept, removeTree(join(hostPath, name), guard));
  if (kept.length === 0) rmdirSync(hostPath);
  return kept;
}

/**
 * Empties a file in place (a daemon keeps writing to the same log). O_NONBLOCK: a FIFO must not
 * block; the fstat refuses it. Truncation is O(1) even for a 10 GB sparse log. A file with other
 * hard links (a "log" linked to /etc/shadow) is not truncated, which would empty its other names:
 * this name is replaced by a new empty file with the same owner and mode, the others untouched.
 */
function truncate(hostPath: string): string | undefined {
  const fd = openSync(hostPath, constants.O_WRONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new Error('not a regular file');
    if (stats.nlink > 1) {
      replaceAtomically(hostPath, Buffer.alloc(0));
      return `it has ${stats.nlink} hard links: this name now holds a new empty file, the other names are untouched`;
    }
    ftruncateSync(fd, 0);
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function createEmpty(hostPath: string, mode: number): void {
  const fd = openSync(hostPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    fchmodSync(fd, mode);
  } finally {
    closeSync(fd);
  }
}

async function runPackageStep(context: ApplyContext, action: ActionOf<'run'>): Promise<Outcome> {
  const [command, ...args] = packageCommand(context.adapter, action);
  // Progress goes to stderr so a Packer log shows it; stdout stays the report's.
  const result = await context.host.run(command, args, {
    timeoutMs: PACKAGE_COMMAND_TIMEOUT_MS,
    env: { DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a' },
    onStderr: (chunk) => process.stderr.write(chunk),
  });
  process.stderr.write(result.stdout);
  return result.code === 0 ? done() : failed(describeFailure(result));
}

function removeSelf(): Outcome {
  const self = agentBinaryPath();
  if (!self) return failed("cannot tell where the agent's own file is");
  try {
    rmSync(self);
    return { status: 'done', path: self };
  } catch (err) {
    return { status: 'failed', reason: describeFsError(err), path: self };
  }
}

/** Actions on a path of the target. */
function applyToPath(context: ApplyContext, action: Exclude<PlannedAction, { kind: 'run' | 'zero-free-space' | 'trim-free-space' | 'remove-self' }>): Outcome {
  const hostPath = context.guard.resolve(action.path);
  switch (action.kind) {
    case 'remove-file':
      if (!exists(hostPath)) return skipped('already gone');
      if (lstatSync(hostPath).isDirectory()) return failed('is a directory');
      unlinkSync(hostPath);
      return done();
    case 'remove-tree':
      if (!exists(hostPath)) return skipped('already gone');
      return removeTree(hostPath, context.guard).length > 0 ? done('kept the running agent binary') : done();
    case 'truncate-file':
      if (!exists(hostPath)) return skipped('already gone');
      return done(truncate(hostPath));
    case 'lock-account':
      return lockAccount(hostPath, action.account) ? done() : skipped('already without a hash');
    case 'set-mode':
      if (lstatSync(hostPath).isSymbolicLink()) return failed('is a symbolic link');
      chmodSync(hostPath, action.mode);
      return done();
    case 'make-directory':
      if (exists(hostPath) && !lstatSync(hostPath).isDirectory()) unlinkSync(hostPath);
      mkdirSync(hostPath, { recursive: true });
      chmodSync(hostPath, action.mode);
      return done();
    case 'create-file':
      if (!exists(hostPath)) {
        createEmpty(hostPath, action.mode);
        return done();
      }
      if (!lstatSync(hostPath).isFile()) return failed('exists and is not a regular file');
      chmodSync(hostPath, action.mode);
      return done();
    default:
      return assertNever(action);
  }
}

export async function applyAction(context: ApplyContext, action: PlannedAction): Promise<Outcome> {
  try {
    switch (action.kind) {
      case 'run':
        return await runPackageStep(context, action);
      case 'zero-free-space':
        return done(await zeroFreeSpace(context.host.hostPath(action.path), context.freeSpace.showProgress));
      case 'trim-free-space':
        return await reclaimFreeSpace({ path: action.path, hostPath: context.host.hostPath(action.path) }, context.freeSpace);
      case 'remove-self':
        return removeSelf();
      default:
        return applyToPath(context, action);
    }
  } catch (err) {
    return failed(describeFsError(err));
  }
}
