// `--image FILE` for check and cleanup: attach the file, then run exactly the `--root` code path on
// the mounted tree. Errors become the CLI's one-line errors and exit codes.
import { existsSync } from 'node:fs';
import { IncompleteError, UsageError } from '../cli/usage-error.js';
import { ImageError } from './system.js';
import { withImage, type ImageInfo } from './with-image.js';

export type { ImageInfo } from './with-image.js';

export function validateImageOption(image: string, root: string | undefined): void {
  if (root !== undefined) throw new UsageError('--image and --root: give one target');
  if (image === '') throw new UsageError('--image needs a file');
  if (!existsSync(image)) throw new UsageError(`--image ${image}: no such file`);
}

export async function onImage(image: string, root: string | undefined, writable: boolean, run: (root: string, info: ImageInfo) => Promise<number>): Promise<number> {
  validateImageOption(image, root);
  try {
    return await withImage(image, { writable, notify: (message) => process.stderr.write(`agent: ${message}\n`) }, run);
  } catch (err) {
    if (err instanceof ImageError) throw new IncompleteError(`--image ${image}: ${err.message}`);
    throw err;
  }
}
