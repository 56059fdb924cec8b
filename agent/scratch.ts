// Scratch space for the agent's own temporary files. On a live machine /tmp is part of the image
// (and the tmp-dirs check looks at it), so /run, a tmpfs that no snapshot keeps, comes first.
import { accessSync, constants, mkdtempSync } from 'node:fs';
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
