// Where the running agent's own binary is: the tmp-dirs check does not count it as a leftover and
// cleanup never removes it (unless --remove-self), even when a Packer provisioner put it in /tmp.
import { realpathSync } from 'node:fs';

export function agentBinaryPath(): string | undefined {
  try {
    return realpathSync(process.execPath);
  } catch {
    return undefined;
  }
}
