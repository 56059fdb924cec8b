// --zero-free-space: fills the free space of the target's filesystem with zeros and removes the
// file again, so the snapshot compresses well. The file is removed when interrupted, too.
import { statfsSync, unlinkSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

const CHUNK = Buffer.alloc(4 * 1024 * 1024);

function progressBar(done: number, total: number): string {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const width = 30;
  const filled = Math.round(share * width);
  return `\ragent: zeroing free space [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${Math.round(share * 100)}%`;
}

/** Zero-fills the file system of dir (on this machine). Returns what it did; throws what stopped it (the file is removed either way). */
export async function zeroFreeSpace(dir: string, showProgress: boolean): Promise<string> {
  const file = join(dir, `.marketplace-agent-zero-${process.pid}`);
  const removeFile = () => {
    try {
      unlinkSync(file);
    } catch {
      // not created, or already gone
    }
  };
  const onSignal = () => {
    removeFile();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const { bavail, bsize } = statfsSync(dir);
  const total = bavail * bsize;
  let written = 0;
  let lastShown = -1;
  const handle = await open(file, 'wx', 0o600);
  try {
    for (;;) {
      try {
        const { bytesWritten } = await handle.write(CHUNK, 0, CHUNK.length);
        written += bytesWritten;
        if (bytesWritten < CHUNK.length) break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC' || (err as NodeJS.ErrnoException).code === 'EDQUOT') break;
        throw err;
      }
      const percent = Math.floor((written / Math.max(total, 1)) * 100);
      if (showProgress && percent !== lastShown) {
        process.stderr.write(progressBar(written, total));
        lastShown = percent;
      }
    }
    await handle.sync().catch(() => undefined);
    if (showProgress) process.stderr.write(`${progressBar(total, total)}\n`);
    return `${Math.round(written / 1024 / 1024)} MiB of zeros written and removed`;
  } finally {
    await handle.close().catch(() => undefined);
    removeFile();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
