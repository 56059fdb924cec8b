// What the running machine's firewall does now, asked only in live mode and only to compare with
// the boot state: a rule set loaded by hand during the build and never saved is gone after the
// snapshot, and a saved one not loaded yet is still coming. The boot state is what gets judged.
import type { Host } from '../../host.js';

const TIMEOUT_MS = 5000;

/** true/false, or null when the answer is unknown (command missing, not root, timed out). */
export type RuntimeState = boolean | null;

/**
 * Whether ufw's rules are loaded now, asked the way `ufw status` asks (ufw/backend_iptables.py,
 * get_status): `iptables -L ufw-user-input -n` exits 0 when ufw's chain is loaded, 1 when it is
 * not ("Status: inactive"); anything else is an error to ufw, unknown here. Measured in a bookworm
 * root: `ufw status` is a python3 start, about 40 ms of CPU; iptables about 3 ms.
 */
export function ufwChainState(exitCode: number | null): RuntimeState {
  return exitCode === 0 ? true : exitCode === 1 ? false : null;
}

export async function ufwRunning(host: Host): Promise<RuntimeState> {
  const result = await host.run('iptables', ['-n', '-L', 'ufw-user-input'], { timeoutMs: TIMEOUT_MS, maxBytes: 64 * 1024 });
  if (result.spawnError || result.timedOut) return null;
  return ufwChainState(result.code);
}

const UNIT_STATES = new Set(['active', 'reloading', 'inactive', 'failed', 'activating', 'deactivating', 'unknown']);

/** `systemctl is-active` prints one word; only "active" is running (activating counts as not yet). */
export async function unitRunning(host: Host, unit: string): Promise<RuntimeState> {
  const result = await host.run('systemctl', ['is-active', unit], { timeoutMs: TIMEOUT_MS, maxBytes: 4096 });
  if (result.spawnError || result.timedOut) return null;
  const word = result.stdout.trim();
  // "offline" (no systemd as PID 1), a chroot's empty answer or an error message: unknown.
  if (!UNIT_STATES.has(word)) return null;
  return word === 'active' || word === 'reloading';
}
