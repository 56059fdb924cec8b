// Scratch space for the agent's own temporary files. On a live machine /tmp is part of the image
// (and the tmp-dirs check looks at it), so /run, a tmpfs that no snapshot keeps, comes first.
import { accessSync, chmodSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function makeScratchDir(prefix: string): string {
  const base = writable('/run') ? '/run' : tmpdir();
  return mkdtempSync(join(base, `marketplace-agent-${prefix}-`));
}

let commandTemp: string | undefined;

/**
 * TMPDIR of every command the agent runs. apt's download sandbox user (_apt) and apt-key write
 * their temporary files there, so it is world-writable and sticky like /tmp; but it is the
 * agent's own, so an image whose /tmp is broken gets that reported by tmp-dirs instead of also
 * breaking the package refresh. Made on first use, removed when the agent exits.
 */
export function commandTempDir(): string {
  if (commandTemp === undefined) {
    const dir = makeScratchDir('tmp');
    chmodSync(dir, 0o1777);
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    commandTemp = dir;
  }
  return commandTemp;
}
