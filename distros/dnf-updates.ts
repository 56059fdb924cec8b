// Pending updates of an EL-family target (CentOS, Rocky, AlmaLinux, CloudLinux, Fedora), and which
// of them are security updates, for the security-updates check.
//
// Live: the system's own dnf (or yum on EL7). Root (--root DIR): this machine's dnf with
// --installroot, which must leave the image exactly as it was. Measured with Debian 12's dnf 4.14
// and rpm 4.18 against the fixture roots (test/dnf-updates.test.ts):
// - --setopt=cachedir is used as given, on the HOST; logdir and persistdir are prefixed with the
//   root (dnf.log, dnf.rpm.log, dnf.librepo.log, expired_repos.json land inside it); hawkey.log
//   goes to the host path. So one scratch path P exists both on the host and inside the root.
// - Merely reading an sqlite rpmdb writes to it: rpm opens it in WAL mode, which rewrites
//   rpmdb.sqlite-shm and CREATES -shm and -wal when the image has none. dnf and rpm therefore read
//   a copy of /var/lib/rpm placed in P inside the root (%_dbpath in a .rpmmacros under HOME=P).
//   Debian's rpm also reads EL7/EL8 Berkeley DB databases (bdb_ro backend).
// - Without that .rpmmacros Debian's rpm looks in ~/.rpmdb, sees no packages, and dnf reports "no
//   updates" with exit 0; so an rpmdb that lists no packages is an error here, never "up to date".
// - The image's /etc/dnf/dnf.conf (or EL7's /etc/yum.conf) is passed with --config: without it
//   dnf would read the host's (Debian's says skip_if_unavailable=True: an unreachable repository
//   is then silently ignored). Repositories come from the image's repo directories. Host plugins
//   are not loaded (--noplugins): they belong to this machine, not to the image.
// - No enabled repository: makecache exits 0, check-update exits 1 with "There are no enabled
//   repositories". Such an image can never receive a security update; that is ok:false with a
//   reason starting "no enabled repository", never an empty success.
// - check-update exits 100 when it lists updates, 0 when none; updateinfo list exits 0 either way.
// - Offline in root mode the scratch cache starts empty, so it is seeded with the repodata of the
//   image's own /var/cache/dnf (copied, never used in place); none there -> ok:false.
import type { Host } from '../agent/host.js';
import { scanRoot } from './dnf-installroot.js';
import { scan, ScanFailure, type Driver } from './dnf-scan.js';
import type { ScanOptions, UpdateScan } from './updates.js';

export type { PendingUpdate, ScanOptions, UpdateScan } from './updates.js';
export { parseCheckUpdate, parseUpdateinfoList } from './dnf-output.js';
export { NO_HOST_DNF } from './dnf-installroot.js';

function liveDriver(tool: 'dnf' | 'yum', offline: boolean): Driver {
  const base = ['-y', '--setopt=skip_if_unavailable=False'];
  if (tool === 'dnf') {
    return {
      tool, base, env: { LC_ALL: 'C' },
      refresh: [['--refresh', 'makecache']],
      query: ['-C'], // after makecache, or offline: never touch the network again
      rpm: [], requirePackages: false, notes: [],
    };
  }
  // yum (EL7): `makecache fast` skips updateinfo, which yum then fetches for --security; so the
  // queries may download after a refresh, and use only the cache when offline.
  return {
    tool, base, env: { LC_ALL: 'C' },
    refresh: [['clean', 'expire-cache'], ['makecache', 'fast']],
    query: offline ? ['-C'] : [],
    rpm: [], requirePackages: false, notes: [],
  };
}

export async function scanDnfUpdates(host: Host, packageManager: 'dnf' | 'yum', options: ScanOptions): Promise<UpdateScan> {
  // Root mode always uses this machine's dnf, also for EL7 (yum) images: yum has no installroot
  // mode that leaves the image untouched, and dnf reads EL7 repositories and rpmdbs.
  if (host.mode === 'root') return scanRoot(host, options);
  try {
    return await scan(host, liveDriver(packageManager, options.offline), options);
  } catch (err) {
    if (err instanceof ScanFailure) return { ok: false, reason: err.message };
    throw err;
  }
}
