// Mounts one partition of a disk view: a loop device at the partition's offset, then the file
// system with options that keep a read-only attach byte-identical.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { partitionName, type Partition } from './partitions.js';
import { ImageError, mustTool, tryTool, waitSync } from './system.js';
import { loopDevices } from './teardown.js';

interface FsOptions {
  /** The kernel's file system type. */
  type: string;
  /** Read-only without replaying the journal: a mount that replays writes to the image. */
  readOnly: string;
  writable: string;
}

// nouuid: an image copied from this very machine (or two copies of one image) carries the same
// xfs UUID as a mounted file system, which xfs otherwise refuses.
export const FILESYSTEMS: Readonly<Record<string, FsOptions>> = {
  ext4: { type: 'ext4', readOnly: 'ro,noload', writable: 'rw' },
  ext3: { type: 'ext4', readOnly: 'ro,noload', writable: 'rw' },
  ext2: { type: 'ext4', readOnly: 'ro,noload', writable: 'rw' },
  xfs: { type: 'xfs', readOnly: 'ro,norecovery,nouuid', writable: 'rw,nouuid' },
  btrfs: { type: 'btrfs', readOnly: 'ro,rescue=nologreplay', writable: 'rw' },
};

export function isMountable(partition: Partition): boolean {
  return partition.fsType !== undefined && FILESYSTEMS[partition.fsType] !== undefined;
}

export interface MountedPartition {
  partition: Partition;
  /** Mount point on this machine. */
  target: string;
  loop: string;
}

/** Attaches and mounts the partition at dir/p<N>. */
export function mountPartition(view: string, partition: Partition, dir: string, writable: boolean): MountedPartition {
  const fs = FILESYSTEMS[partition.fsType ?? ''];
  if (!fs) throw new ImageError(`${partitionName(partition)}: cannot mount a ${partition.fsType ?? 'unknown'} file system`);
  const loop = mustTool(
    'losetup',
    ['--find', '--show', ...(writable ? [] : ['--read-only']), '--offset', String(partition.offset), '--sizelimit', String(partition.size), view],
    `${partitionName(partition)}: cannot attach a loop device`,
  ).trim();
  const target = join(dir, `p${partition.number}`);
  mkdirSync(target, { recursive: true, mode: 0o700 });
  try {
    mustTool('mount', ['-t', fs.type, '-o', writable ? fs.writable : fs.readOnly, loop, target], `${partitionName(partition)}: cannot mount its ${partition.fsType} file system`);
  } catch (err) {
    tryTool('losetup', ['--detach', loop]);
    throw err;
  }
  return { partition, target, loop };
}

/** Unmounts and detaches a partition (to mount it again another way). */
export function unmountPartition(mounted: MountedPartition): void {
  mustTool('umount', [mounted.target], `${partitionName(mounted.partition)}: cannot unmount`);
  tryTool('losetup', ['--detach', mounted.loop]);
  const name = mounted.loop.replace('/dev/', '');
  waitSync(() => !loopDevices().some((loop) => loop.name === name), 5_000);
}
