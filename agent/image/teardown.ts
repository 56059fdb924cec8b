// Detaches everything an attached image holds under one work directory, found from the kernel's
// own tables rather than a journal: the mounts under the directory (/proc/self/mountinfo), the loop
// devices whose backing file is in it (/sys/block/loop*/loop/backing_file), and the
// qemu-storage-daemon whose pid file is in it. A run that was killed between creating a loop device
// and writing anything down still leaves nothing behind, and a run's own teardown and the sweep of
// a dead run's leftovers are one code path.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sleepSync, tryTool, waitSync } from './system.js';

export interface Removed {
  mounts: number;
  loops: number;
  daemons: number;
}

/** The disk view (FUSE export or bind-mounted raw file) inside a work directory. */
export const DISK_VIEW = 'disk';
export const DAEMON_PID_FILE = 'qsd.pid';

// mountinfo escapes space, tab, newline and backslash as octal.
function unescapeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

export function mountPoints(): string[] {
  let text: string;
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((field): field is string => Boolean(field))
    .map(unescapeMountPath);
}

function under(dir: string, path: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

/** Loop devices (name, backing file) as the kernel sees them. */
export function loopDevices(): { name: string; backingFile: string }[] {
  let names: string[];
  try {
    names = readdirSync('/sys/block').filter((name) => name.startsWith('loop'));
  } catch {
    return [];
  }
  const loops: { name: string; backingFile: string }[] = [];
  for (const name of names) {
    try {
      // A deleted or lazily unmounted backing file reads as "PATH (deleted)": still ours.
      const backingFile = readFileSync(`/sys/block/${name}/loop/backing_file`, 'utf8').trim().replace(/ \(deleted\)$/, '');
      loops.push({ name, backingFile });
    } catch {
      // not attached
    }
  }
  return loops;
}

function unmount(path: string): boolean {
  // Busy right after a killed child: the kernel needs a moment to drop its references.
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryTool('umount', [path]).code === 0) return true;
    if (!mountPoints().includes(path)) return true;
    sleepSync(100);
  }
  // Still busy: detach it from the tree now; the kernel frees it when the last user goes.
  return tryTool('umount', ['--lazy', path]).code === 0;
}

function unmountAllUnder(dir: string, keep: (path: string) => boolean): number {
  let count = 0;
  // Deepest first, and the last of stacked mounts first (mountinfo lists them in mount order).
  const points = mountPoints().filter((p) => under(dir, p) && !keep(p)).reverse();
  points.sort((a, b) => b.split('/').length - a.split('/').length);
  for (const point of points) if (unmount(point)) count++;
  return count;
}

function detachLoopsUnder(dir: string): number {
  const ours = loopDevices().filter((loop) => under(dir, loop.backingFile));
  for (const loop of ours) tryTool('losetup', ['--detach', `/dev/${loop.name}`]);
  // Detaching is deferred while the device is still open; the disk view cannot go before it.
  waitSync(() => !loopDevices().some((loop) => under(dir, loop.backingFile)), 5_000);
  return ours.length;
}

// A daemonized process is reaped by pid 1, which may take its time: a zombie has exited.
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function stopDaemon(dir: string): number {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(join(dir, DAEMON_PID_FILE), 'utf8'), 10);
  } catch {
    return 0;
  }
  if (!Number.isInteger(pid) || pid <= 1 || !alive(pid)) return 0;
  // Only the daemon this directory started: a reused pid belongs to someone else.
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return 0;
  }
  if (!cmdline.includes('qemu-storage-daemon') || !cmdline.includes(dir)) return 0;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 0;
  }
  // It writes the qcow2's metadata out before exiting: wait for that, kill only a hung one.
  if (!waitSync(() => !alive(pid), 30_000, 50)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
    waitSync(() => !alive(pid), 5_000, 50);
  }
  return 1;
}

/**
 * Detaches everything under dir, in the order that frees each layer: the file systems, the loop
 * devices on the disk view, the daemon behind it, the disk view itself. Then removes dir when
 * nothing is mounted under it any more (never deleting through a mount).
 */
export function teardownWorkDir(dir: string): Removed {
  const view = join(dir, DISK_VIEW);
  const mounts = unmountAllUnder(dir, (p) => p === view);
  const loops = detachLoopsUnder(dir);
  let viewMounts = 0;
  // Unmounting the FUSE export first lets the daemon see it go; its pid file is read before.
  const daemonFirst = mountPoints().includes(view) ? unmountAllUnder(dir, () => false) : 0;
  viewMounts += daemonFirst;
  const daemons = stopDaemon(dir);
  // A daemon killed hard leaves its FUSE mount behind ("transport endpoint is not connected").
  viewMounts += unmountAllUnder(dir, () => false);
  if (!mountPoints().some((p) => under(dir, p))) rmSync(dir, { recursive: true, force: true });
  return { mounts: mounts + viewMounts, loops, daemons };
}
