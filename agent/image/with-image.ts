// The one entry point for an image file: attach it, find its root, run the caller on the mounted
// tree, and detach everything on success, error, SIGINT, SIGTERM and SIGHUP. A read-only attach
// (check, and cleanup's plan) leaves the file byte-identical.
import { realpathSync, statSync } from 'node:fs';
import { acquireLock, LockedError } from '../cleanup/lock.js';
import { printable } from '../reporters/escape.js';
import { assembleTree, type ImageMount } from './assemble-tree.js';
import { attachDiskView } from './disk-view.js';
import { readPartitions } from './partitions.js';
import { ImageError, requireTools } from './system.js';
import { teardownWorkDir } from './teardown.js';
import { createWorkDir, describeRemoved, sweepStaleWorkDirs } from './work-dirs.js';

export interface ImageInfo {
  /** The image file as given on the command line. */
  file: string;
  format: string;
  /** Size of the disk the image holds, in bytes. */
  virtualSize: number;
  /** Whether a discard through the mounts gives space back to the image file. */
  canDiscard: boolean;
  mounts: ImageMount[];
}

export interface ImageOptions {
  writable: boolean;
  /** Where to say what a killed run left and what was left out (stderr in the CLI). */
  notify: (message: string) => void;
}

// Needed for every format; qemu-storage-daemon only for formats other than raw.
const TOOLS = ['qemu-img', 'losetup', 'mount', 'umount', 'sfdisk', 'blkid'];

const SIGNALS: Record<string, number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };

function checkFile(file: string): string {
  let stats;
  try {
    stats = statSync(file);
  } catch {
    throw new ImageError('no such file');
  }
  if (!stats.isFile() && !stats.isBlockDevice()) throw new ImageError('not a file');
  return realpathSync(file);
}

export async function withImage<T>(file: string, options: ImageOptions, run: (root: string, info: ImageInfo) => Promise<T>): Promise<T> {
  if (process.getuid?.() !== 0) throw new ImageError('attaching an image needs root (loop devices and mounts)');
  requireTools(TOOLS, 'attaching an image');
  const path = checkFile(file);
  const stale = describeRemoved(sweepStaleWorkDirs());
  if (stale) options.notify(stale);
  // Two writers on one image corrupt it: one cleanup per image file at a time.
  let release: (() => void) | undefined;
  if (options.writable) {
    try {
      release = acquireLock(`image:${path}`);
    } catch (err) {
      if (err instanceof LockedError) throw new ImageError('another cleanup is working on this image; wait for it to finish');
      throw err;
    }
  }
  const dir = createWorkDir();
  let detached = false;
  const detach = () => {
    if (detached) return;
    detached = true;
    teardownWorkDir(dir);
    release?.();
  };
  // On a signal, let every listener of it run first (zero-fill removes its file), then exit:
  // the 'exit' listener detaches synchronously.
  const onSignal = (signal: NodeJS.Signals) => setImmediate(() => process.exit(128 + (SIGNALS[signal] ?? 0)));
  process.on('exit', detach);
  for (const signal of Object.keys(SIGNALS)) process.on(signal, onSignal);
  try {
    const view = attachDiskView(path, dir, options.writable);
    const partitions = readPartitions(view.path, view.virtualSize);
    const tree = assembleTree(view.path, partitions, dir, options.writable);
    for (const note of tree.notes) options.notify(`--image: ${printable(note)}`);
    return await run(tree.root, { file, format: view.format, virtualSize: view.virtualSize, canDiscard: view.canDiscard, mounts: tree.mounts });
  } finally {
    for (const signal of Object.keys(SIGNALS)) process.removeListener(signal, onSignal);
    process.removeListener('exit', detach);
    detach();
  }
}
