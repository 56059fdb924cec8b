// Where an action may act: the path resolved inside the target with its last component never
// followed, and never so as to remove or replace the running agent's file unless asked. What an
// action does to its path is data on its kind (KINDS[kind].destroys): a mode change on /tmp while
// the agent runs from /tmp is harmless and allowed; unlinking the agent is not.
import { posix } from 'node:path';
import type { Host } from '../host.js';
import { agentBinaryPath } from '../self.js';
import { KINDS, pathOf, type Action } from './actions.js';

class RefusedError extends Error {}

export const RUNNING_AGENT = 'it is the running agent (use --remove-self)';

export interface Guard {
  /** Host path of the action's target; the parents are resolved inside the root, the last part is not. */
  resolve(targetPath: string): string;
  /** True when hostPath is the running agent's file or a directory holding it. */
  holdsAgent(hostPath: string): boolean;
  /** Why the action may not run at all, or undefined. A tree holding the agent is emptied around it. */
  refusal(action: Action): string | undefined;
}

/** `agentFile`: where the running agent is on this machine (agent/self.ts knows; tests say). */
export function makeGuard(host: Host, removeSelf: boolean, agentFile = agentBinaryPath()): Guard {
  const self = removeSelf ? undefined : agentFile;
  const resolve = (targetPath: string): string => {
    if (!targetPath.startsWith('/')) throw new RefusedError(`not an absolute path: ${targetPath}`);
    const normal = posix.normalize(targetPath);
    if (normal === '/') throw new RefusedError('refusing to act on /');
    return host.hostPath(normal, false);
  };
  const holdsAgent = (hostPath: string) => self !== undefined && (self === hostPath || self.startsWith(`${hostPath}/`));
  return {
    resolve,
    holdsAgent,
    refusal(action) {
      const path = pathOf(action);
      // What destroys nothing (a mode change, a trim) may act anywhere, / included.
      if (path === undefined || KINDS[action.kind].destroys === 'nothing') return undefined;
      let hostPath: string;
      try {
        hostPath = resolve(path);
      } catch (err) {
        return err instanceof RefusedError ? err.message : undefined;
      }
      // A tree that holds the agent is emptied around it (see apply.ts); the agent itself is never a target.
      return hostPath === self ? RUNNING_AGENT : undefined;
    },
  };
}
