// Finds the Linux root among the partitions (the file system holding /etc/os-release; on btrfs
// also a subvolume one level down, such as @ or root), then builds the tree the image sees when it
// boots: the root, with the separate file systems its own fstab names (/usr, /home, /var...)
// bind-mounted where it mounts them.
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { resolveTargetParts } from '../target-path.js';
import { parseFstab, partitionOf, subvolumeOf, type FstabEntry } from './fstab.js';
import { isMountable, mountPartition, unmountPartition, type MountedPartition } from './mount-partition.js';
import { partitionName, type Partition } from './partitions.js';
import { ImageError, mustTool } from './system.js';

export interface ImageMount {
  /** Where the image mounts it (/, /usr...). */
  path: string;
  /** Where it is on this machine. */
  hostPath: string;
  partition: Partition;
}

export interface ImageTree {
  root: string;
  mounts: ImageMount[];
  /** Things worth telling the user (a second root, an fstab entry left out). */
  notes: string[];
}

// /etc/os-release is usually a link to ../usr/lib/os-release: with /usr separate, the link is
// all the root holds, so lstat (not stat) decides.
function holdsRoot(dir: string): boolean {
  try {
    return lstatSync(join(dir, 'etc/os-release')) !== undefined && lstatSync(join(dir, 'etc')).isDirectory();
  } catch {
    return false;
  }
}

/** The directory of the root inside a mounted partition: '' or a btrfs subvolume's name. */
function rootDirIn(mounted: MountedPartition): string | undefined {
  if (holdsRoot(mounted.target)) return '';
  if (mounted.partition.fsType !== 'btrfs') return undefined;
  const subdirs = readdirSync(mounted.target, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return subdirs.find((name) => holdsRoot(join(mounted.target, name)));
}

/** Reads a regular file of the image, resolving links inside it, at most 1 MiB. */
function readImageFile(root: string, path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(join(root, ...resolveTargetParts(root, path, true)), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    if (!fstatSync(fd).isFile()) return undefined;
    const buf = Buffer.alloc(1024 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Where a directory of a mounted file system is on this machine, or why it cannot be used. */
function mountTarget(root: string, path: string): string | { reason: string } {
  let onHost: string;
  try {
    // Resolved inside the image: a link such as /home -> / must never lead a mount onto the host.
    onHost = join(root, ...resolveTargetParts(root, path, true));
  } catch {
    return { reason: 'cannot be resolved' };
  }
  try {
    if (lstatSync(onHost).isDirectory()) return onHost;
  } catch {
    return { reason: 'is missing' };
  }
  return { reason: 'is not a directory' };
}

function depth(path: string): number {
  return path.split('/').filter(Boolean).length;
}

/** The fstab entries of this disk that the checks need mounted, with their partitions. */
function extraMounts(fstab: FstabEntry[], partitions: readonly Partition[], notes: string[]): { entry: FstabEntry; partition: Partition }[] {
  const mounts: { entry: FstabEntry; partition: Partition }[] = [];
  for (const entry of fstab) {
    if (entry.mountPoint === '/' || entry.type === 'swap' || entry.options.includes('bind')) continue;
    const partition = partitionOf(entry, partitions);
    if (!partition) continue; // tmpfs, another disk, the network
    if (!isMountable(partition)) {
      // The EFI system partition and the like hold nothing the checks read.
      if (partition.fsType !== 'vfat') notes.push(`${entry.mountPoint} (${partitionName(partition)}, ${partition.fsType ?? 'no file system'}) is not mounted: not a Linux file system`);
      continue;
    }
    mounts.push({ entry, partition });
  }
  return mounts.sort((a, b) => depth(a.entry.mountPoint) - depth(b.entry.mountPoint));
}

function describeCandidates(partitions: readonly Partition[]): string {
  if (partitions.length === 0) return 'the disk has no partitions';
  return `found ${partitions.map((p) => `${partitionName(p)}: ${p.fsType ?? 'no file system'}`).join(', ')}`;
}

export function assembleTree(view: string, partitions: readonly Partition[], dir: string, writable: boolean): ImageTree {
  const notes: string[] = [];
  const candidates = partitions.filter(isMountable);
  if (candidates.length === 0) throw new ImageError(`no Linux root on the disk: no ext4, xfs or btrfs file system (${describeCandidates(partitions)})`);
  // Probe read-only: only what the image uses is mounted writable afterwards.
  let mounted = candidates.map((p) => mountPartition(view, p, dir, false));
  const roots = mounted.flatMap((m) => {
    const sub = rootDirIn(m);
    return sub === undefined ? [] : [{ mounted: m, sub }];
  });
  if (roots.length === 0) throw new ImageError(`no Linux root on the disk: no file system holds /etc/os-release (${describeCandidates(partitions)})`);
  const [chosen, ...others] = roots;
  for (const other of others) notes.push(`${partitionName(other.mounted.partition)} holds another Linux root; checking ${partitionName(chosen.mounted.partition)}`);
  const fstab = parseFstab(readImageFile(join(chosen.mounted.target, chosen.sub), '/etc/fstab') ?? '');
  const extras = extraMounts(fstab, partitions, notes);
  const used = new Set([chosen.mounted.partition.number, ...extras.map((e) => e.partition.number)]);

  for (const m of mounted.filter((m) => !used.has(m.partition.number) || writable)) unmountPartition(m);
  mounted = writable
    ? [...used].map((n) => mountPartition(view, partitions.find((p) => p.number === n) as Partition, dir, true))
    : mounted.filter((m) => used.has(m.partition.number));
  const byNumber = new Map(mounted.map((m) => [m.partition.number, m]));

  const root = join(dir, 'root');
  mkdirSync(root, { mode: 0o700 });
  const rootSource = join(byNumber.get(chosen.mounted.partition.number)!.target, chosen.sub);
  mustTool('mount', ['--bind', rootSource, root], 'cannot mount the root');
  const mounts: ImageMount[] = [{ path: '/', hostPath: root, partition: chosen.mounted.partition }];
  for (const { entry, partition } of extras) {
    const target = mountTarget(root, entry.mountPoint);
    if (typeof target !== 'string') {
      notes.push(`${entry.mountPoint} (${partitionName(partition)}) is not mounted: the mount point ${target.reason}`);
      continue;
    }
    // The subvolume is resolved inside its file system too: subvol=../../etc must not reach the host.
    const source = mountTarget(byNumber.get(partition.number)!.target, subvolumeOf(entry) ?? '/');
    if (typeof source !== 'string') {
      notes.push(`${entry.mountPoint} (${partitionName(partition)}) is not mounted: its subvolume ${source.reason}`);
      continue;
    }
    mustTool('mount', ['--bind', source, target], `cannot mount ${entry.mountPoint} from ${partitionName(partition)}`);
    mounts.push({ path: entry.mountPoint, hostPath: target, partition });
  }
  return { root, mounts, notes };
}
