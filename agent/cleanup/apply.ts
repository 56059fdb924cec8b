// Applies one planned action to the target. Symlinks are never followed: a link named like a log
// or a key is removed as a link, its target untouched. A path that is already gone is "skipped".
import { chmodSync, closeSync, constants, fstatSync, ftruncateSync, lstatSync, mkdirSync, openSync, readdirSync, rmdirSync, unlinkSync, fchmodSync } from 'node:fs';
import { join } from 'node:path';
import { describeFsError, type Host } from '../host.js';
import { describeFailure } from '../runner.js';
import { lockAccount } from './account-edit.js';
import type { Action, ActionRecord } from './actions.js';
import { toRecord } from './actions.js';
import type { Guard } from './guard.js';

const PACKAGE_COMMAND_TIMEOUT_MS = 60 * 60 * 1000;

function exists(hostPath: string): boolean {
  try {
    lstatSync(hostPath);
    return true;
  } catch {
    return false;
  }
}

/** Removes a tree without following links; keeps whatever holds the running agent. Returns kept paths. */
function removeTree(hostPath: string, guard: Guard): string[] {
  if (guard.holdsAgent(hostPath) && !lstatSync(hostPath).isDirectory()) return [hostPath];
  const stats = lstatSync(hostPath);
  if (!stats.isDirectory()) {
    unlinkSync(hostPath);
    return [];
  }
  const kept: string[] = [];
  for (const name of readdirSync(hostPath)) kept.push(...removeTree(join(hostPath, name), guard));
  if (kept.length === 0) rmdirSync(hostPath);
  return kept;
}

/**
 * Empties a log in place (a daemon keeps writing to the same file). O_NONBLOCK: a FIFO must not
 * block; the fstat refuses it. Truncation is O(1) even for a 10 GB sparse log. A file with other
 * hard links (a "log" linked to /etc/shadow) is not truncated, which would empty its other names:
 * this name is removed instead. Returns the reason when it did so.
 */
function truncate(hostPath: string): string | undefined {
  const fd = openSync(hostPath, constants.O_WRONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new Error('not a regular file');
    if (stats.nlink > 1) {
      unlinkSync(hostPath);
      return `it has ${stats.nlink} hard links: this name was removed, the other names are untouched`;
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

async function runPackageCommand(host: Host, action: Action): Promise<ActionRecord> {
  if (host.mode !== 'live') return toRecord(action, 'skipped', 'package commands run only on the live machine (not in --root mode)');
  const [command, ...args] = action.command ?? [];
  // Progress goes to stderr so a Packer log shows it; stdout stays the report's.
  const result = await host.run(command, args, {
    timeoutMs: PACKAGE_COMMAND_TIMEOUT_MS,
    env: { DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a' },
    onStderr: (chunk) => process.stderr.write(chunk),
  });
  process.stderr.write(result.stdout);
  return result.code === 0 ? toRecord(action, 'done') : toRecord(action, 'failed', describeFailure(result));
}

export async function applyAction(host: Host, action: Action, guard: Guard): Promise<ActionRecord> {
  if (action.skip) return toRecord(action, 'skipped', action.skip);
  if (action.kind === 'run') return runPackageCommand(host, action);
  try {
    const hostPath = guard.resolve(action.path ?? '');
    // A directory holding the agent is emptied around it; the agent itself is never touched.
    const holdsAgentDir = action.kind === 'remove-tree' && exists(hostPath) && lstatSync(hostPath).isDirectory();
    if (guard.holdsAgent(hostPath) && !holdsAgentDir) return toRecord(action, 'skipped', 'it is the running agent (use --remove-self)');
    switch (action.kind) {
      case 'remove-file': {
        if (!exists(hostPath)) return toRecord(action, 'skipped', 'already gone');
        if (lstatSync(hostPath).isDirectory()) return toRecord(action, 'failed', 'is a directory');
        unlinkSync(hostPath);
        break;
      }
      case 'remove-tree': {
        if (!exists(hostPath)) return toRecord(action, 'skipped', 'already gone');
        const kept = removeTree(hostPath, guard);
        if (kept.length > 0) return toRecord(action, 'done', 'kept the running agent binary');
        break;
      }
      case 'truncate-file': {
        if (!exists(hostPath)) return toRecord(action, 'skipped', 'already gone');
        const reason = truncate(hostPath);
        if (reason) return toRecord(action, 'done', reason);
        break;
      }
      case 'lock-account':
        if (!lockAccount(hostPath, action.account ?? '')) return toRecord(action, 'skipped', 'already without a hash');
        break;
      case 'set-mode': {
        const stats = lstatSync(hostPath);
        if (stats.isSymbolicLink()) return toRecord(action, 'failed', 'is a symbolic link');
        chmodSync(hostPath, action.mode ?? 0o644);
        break;
      }
      case 'make-directory':
        if (exists(hostPath) && !lstatSync(hostPath).isDirectory()) unlinkSync(hostPath);
        mkdirSync(hostPath, { recursive: true });
        chmodSync(hostPath, action.mode ?? 0o755);
        break;
      case 'create-file':
        if (exists(hostPath)) {
          if (!lstatSync(hostPath).isFile()) return toRecord(action, 'failed', 'exists and is not a regular file');
          chmodSync(hostPath, action.mode ?? 0o600);
        } else {
          createEmpty(hostPath, action.mode ?? 0o600);
        }
        break;
    }
    return toRecord(action, 'done');
  } catch (err) {
    return toRecord(action, 'failed', describeFsError(err));
  }
}
