// Where an action may act: the path resolved inside the target with its last component never
// followed, and never the running agent binary (or a directory holding it) unless asked.
import { posix } from 'node:path';
import type { Host } from '../host.js';
import { agentBinaryPath } from '../self.js';

export class RefusedError extends Error {}

export interface Guard {
  /** Host path of the action's target; the parents are resolved inside the root, the last part is not. */
  resolve(targetPath: string): string;
  /** True when removing hostPath would remove the running agent. */
  holdsAgent(hostPath: string): boolean;
}

export function makeGuard(host: Host, removeSelf: boolean): Guard {
  const self = removeSelf ? undefined : agentBinaryPath();
  return {
    resolve(targetPath: string): string {
      if (!targetPath.startsWith('/')) throw new RefusedError(`not an absolute path: ${targetPath}`);
      const normal = posix.normalize(targetPath);
      if (normal === '/') throw new RefusedError('refusing to act on /');
      return host.hostPath(normal, false);
    },
    holdsAgent(hostPath: string): boolean {
      return self !== undefined && (self === hostPath || self.startsWith(`${hostPath}/`));
    },
  };
}
