// Last step of `npm test`: runs tap with the test processes' temporary files in memory. The suite
// writes real roots, overlays, disk images and dpkg runs into temporary directories: on this
// machine's disk, fsync and unlink left the CPUs idle for minutes (real-prepared.test.ts alone took
// 40 s on the disk, 20 s on a tmpfs). A TMPDIR the caller set is kept; /dev/shm is used only when it
// is a tmpfs with room for the suite, so a machine whose /dev/shm is small runs as before.
// Not root, tap's coverage thresholds (set for the whole suite) are reported, not enforced.
import { spawn } from 'node:child_process';
import { mkdirSync, chmodSync, statfsSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TMPFS_MAGIC = 0x01021994;
// The most the suite holds at once (two files at a time, the Packer builds' disks among them), with room.
const NEEDED_BYTES = 8 * 1024 ** 3;
const SHM_DIR = '/dev/shm/marketplace-agent-tests';

function memoryTmpdir() {
  try {
    const fs = statfsSync('/dev/shm');
    if (fs.type !== TMPFS_MAGIC || fs.bavail * fs.bsize < NEEDED_BYTES) return null;
    mkdirSync(SHM_DIR, { recursive: true });
    chmodSync(SHM_DIR, 0o1777);
    return SHM_DIR;
  } catch {
    return null;
  }
}

const env = { ...process.env };
const tmpdir = env.TMPDIR ? null : memoryTmpdir();
if (tmpdir) env.TMPDIR = tmpdir;
console.log(`test set-up: temporary files in ${env.TMPDIR ?? '/tmp'}${tmpdir ? ' (tmpfs)' : ''}`);

const args = process.getuid?.() === 0 ? [] : ['--allow-incomplete-coverage'];
const tap = spawn(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules', '.bin', 'tap'), [...args, ...process.argv.slice(2)], { env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => tap.kill(signal));
tap.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 1)));
