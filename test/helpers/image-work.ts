// What an --image run may leave on this machine, looked up in the kernel's own tables: mounts and
// loop devices under a work directory, qemu-storage-daemons started for it.
import { readdirSync, readFileSync } from 'node:fs';

export interface Leftovers {
  mounts: string[];
  loops: string[];
  daemons: number[];
  dirs: string[];
}

export function leftoversUnder(base: string): Leftovers {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => Boolean(p) && p.startsWith(`${base}/`));
  const loops = readdirSync('/sys/block')
    .filter((name) => name.startsWith('loop'))
    .filter((name) => {
      try {
        return readFileSync(`/sys/block/${name}/loop/backing_file`, 'utf8').startsWith(`${base}/`);
      } catch {
        return false;
      }
    });
  const daemons = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmdline.includes('qemu-storage-daemon') && cmdline.includes(`${base}/`);
      } catch {
        return false;
      }
    });
  let dirs: string[] = [];
  try {
    dirs = readdirSync(base);
  } catch {
    // never created
  }
  return { mounts, loops, daemons, dirs };
}

export const NOTHING_LEFT: Leftovers = { mounts: [], loops: [], daemons: [], dirs: [] };
