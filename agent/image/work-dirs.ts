// Each attached image gets a work directory in /run (a tmpfs: a reboot clears it, as it clears
// the mounts and loop devices) named after the run that made it. A directory whose run is gone is
// what a killed run left: the next run tears it down and says so.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { teardownWorkDir, type Removed } from './teardown.js';

const BASE = '/run/marketplace-agent';
const PREFIX = 'image-';
const OWNER_FILE = 'owner';

export function workBase(): string {
  return process.env.AGENT_IMAGE_WORK_DIR ?? BASE;
}

/** The start time of a process (clock ticks since boot): with the pid it names one run, even after the pid is reused. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may hold spaces: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function ownerOf(pid: number): string {
  return `${pid} ${startTime(pid) ?? '?'}\n`;
}

function isAlive(dir: string): boolean {
  let owner: string;
  try {
    owner = readFileSync(join(dir, OWNER_FILE), 'utf8');
  } catch {
    // Made but not yet owned: its run is either starting right now or died at once. A directory
    // name carries the pid, which decides.
    const pid = Number.parseInt(dir.slice(dir.lastIndexOf(PREFIX) + PREFIX.length), 10);
    return Number.isInteger(pid) && pid !== process.pid && startTime(pid) !== undefined;
  }
  const pid = Number.parseInt(owner, 10);
  return Number.isInteger(pid) && ownerOf(pid) === owner;
}

export function createWorkDir(): string {
  mkdirSync(workBase(), { recursive: true, mode: 0o700 });
  const dir = join(workBase(), `${PREFIX}${process.pid}`);
  mkdirSync(dir, { mode: 0o700 });
  writeFileSync(join(dir, OWNER_FILE), ownerOf(process.pid));
  return dir;
}

/** Tears down the work directories of runs that are gone; returns what was removed. */
export function sweepStaleWorkDirs(): Removed {
  const total: Removed = { mounts: 0, loops: 0, daemons: 0 };
  let names: string[];
  try {
    names = readdirSync(workBase()).filter((name) => name.startsWith(PREFIX));
  } catch {
    return total;
  }
  for (const name of names) {
    const dir = join(workBase(), name);
    if (isAlive(dir)) continue;
    const removed = teardownWorkDir(dir);
    total.mounts += removed.mounts;
    total.loops += removed.loops;
    total.daemons += removed.daemons;
  }
  return total;
}

export function describeRemoved(removed: Removed): string | undefined {
  const parts: string[] = [];
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  if (removed.mounts) parts.push(plural(removed.mounts, 'mount', 'mounts'));
  if (removed.loops) parts.push(plural(removed.loops, 'loop device', 'loop devices'));
  if (removed.daemons) parts.push(plural(removed.daemons, 'qemu-storage-daemon', 'qemu-storage-daemons'));
  return parts.length ? `removed what an interrupted run left attached: ${parts.join(', ')}` : undefined;
}
