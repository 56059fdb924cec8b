// Opens the target: this machine (live, needs root) or an image mounted at --root DIR.
import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Host, type HostSettings } from '../host.js';
import { IncompleteError, UsageError } from './usage-error.js';

export function openTarget(rootOption: string | undefined, settings: HostSettings): Host {
  if (rootOption === undefined) {
    if (process.getuid?.() !== 0) {
      throw new IncompleteError('checking this machine needs root (it reads /etc/shadow and every home): run it with sudo, or pass --root DIR for a mounted image');
    }
    return new Host('/', 'live', settings);
  }
  if (rootOption === '') throw new UsageError('--root needs a directory');
  const root = resolve(rootOption);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch {
    throw new UsageError(`--root ${rootOption}: no such directory`);
  }
  if (!isDirectory) throw new UsageError(`--root ${rootOption}: not a directory`);
  try {
    accessSync(root, constants.R_OK | constants.X_OK);
  } catch {
    throw new IncompleteError(`--root ${rootOption}: cannot read the directory (permission denied)`);
  }
  return new Host(root, root === '/' ? 'live' : 'root', settings);
}
