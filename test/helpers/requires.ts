// What a test needs from the machine, as tap's skip reason: one line that says what is missing and
// what to run. `npm test` as root installs every package of test/setup/debian-packages.ts first, so
// a skip there means the install failed; as another user the root-only tests skip by name.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { packageOf } from '../setup/debian-packages.js';

export const IS_ROOT = process.getuid?.() === 0;

export interface Requirements {
  /** Why the test needs root (namespaces, chroot, loop mounts...); leave out when it does not. */
  root?: string;
  /** Commands it runs (each must be listed in test/setup/debian-packages.ts, or an absolute path). */
  commands?: readonly string[];
}

// sbin too: a user's PATH often lacks it, yet root's tools there are what the tests look for.
const SEARCH_DIRS = [...(process.env.PATH ?? '').split(':').filter(Boolean), '/usr/local/sbin', '/usr/sbin', '/sbin'];

/** Whether command (a name looked up on PATH, or an absolute path) is an executable file. */
export function hasCommand(command: string): boolean {
  const candidates = command.startsWith('/') ? [command] : SEARCH_DIRS.map((dir) => join(dir, command));
  return candidates.some((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** false when the machine has everything, else the one-line skip reason. */
export function requires(needs: Requirements): string | false {
  if (needs.root !== undefined && !IS_ROOT) return `needs root (${needs.root}): run npm test as root`;
  const missing = (needs.commands ?? []).filter((command) => !hasCommand(command));
  if (missing.length === 0) return false;
  const packages = [...new Set(missing.map((command) => packageOf(command)?.name ?? `(unlisted: ${command})`))];
  // As root, npm test has tried to install them: its "test set-up:" lines say why it could not.
  return `needs ${missing.join(', ')} (Debian ${packages.length > 1 ? 'packages' : 'package'} ${packages.join(', ')}), not installed: run npm test as root, which installs them, or apt-get install ${packages.join(' ')}`;
}

// What the test families need, named once.
/** Real Debian roots (fixtures/real): chroot, namespaces, overlay mounts, the local security repository. */
export const REAL_ROOTS: Requirements = {
  root: 'chroot, namespaces and overlay mounts of real Debian roots',
  commands: ['mmdebstrap', 'zstd', 'unshare', 'ip', 'mount', 'apt-ftparchive', 'ssh-keygen'],
};
/** RPM fixture roots: rpm --root chroots, and the skeleton sets owners. */
export const RPM_ROOTS: Requirements = { root: 'rpm --root chroots, and the skeleton sets owners', commands: ['rpm', 'rpmbuild', 'ssh-keygen'] };
/** RPM roots with a dnf repository holding a security advisory. */
export const DNF_ROOTS: Requirements = { root: RPM_ROOTS.root, commands: [...(RPM_ROOTS.commands ?? []), 'dnf', 'createrepo_c', 'modifyrepo_c', 'rpmsign', 'gpg'] };
/** Running the agent as another user (uid 65534). */
export const OTHER_USER: Requirements = { root: 'switches to uid 65534 with setpriv', commands: ['setpriv'] };
/** cleanup --yes on a fixture root: it rewrites files only root may write, as in a real image (/etc/machine-id is mode 0444). */
export const CLEANUP_APPLY: Requirements = { root: 'cleanup --yes rewrites files only root may write, such as the 0444 /etc/machine-id' };
/** A private mount namespace with its own tmpfs mounts. */
export const MOUNT_NAMESPACE: Requirements = { root: 'a private mount namespace (unshare -m) with tmpfs mounts', commands: ['unshare', 'mount'] };
/** The booted-and-used VM image (fixtures/real/booted-image.ts): built as a root, booted once under qemu, loop-mounted. */
export const BOOTED_IMAGE: Requirements = {
  root: 'the booted image is built with mmdebstrap --mode=root and loop-mounted',
  commands: [...(REAL_ROOTS.commands ?? []), 'qemu-system-x86_64', 'mkfs.ext4', 'debugfs', 'e2fsck', 'losetup'],
};

/** MOUNT_NAMESPACE, and that unshare -m works here (a container may forbid it even to root). */
export function requiresMountNamespace(): string | false {
  const missing = requires(MOUNT_NAMESPACE);
  if (missing) return missing;
  const probe = spawnSync('unshare', ['-m', '--propagation', 'private', 'true'], { encoding: 'utf8' });
  return probe.status === 0 ? false : `needs a private mount namespace, and unshare -m fails here: ${(probe.stderr || probe.error?.message || '').trim()}`;
}
