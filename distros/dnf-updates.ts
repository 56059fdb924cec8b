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
import { randomBytes } from 'node:crypto';
import { copyFile, lstat, mkdir, readdir, realpath, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeFsError, type Host } from '../agent/host.js';
import { describeFailure, type RunResult } from '../agent/runner.js';
import {
  compareEvr,
  parseCheckUpdate,
  parseNevra,
  parseUpdateinfoList,
  stripUrlCredentials,
  type CheckUpdateRow,
} from './dnf-output.js';
import type { PendingUpdate, ScanOptions, UpdateScan } from './updates.js';

export type { PendingUpdate, ScanOptions, UpdateScan } from './updates.js';
export { parseCheckUpdate, parseUpdateinfoList } from './dnf-output.js';

const DEFAULT_REFRESH_TIMEOUT_MS = 300_000;
const QUERY_TIMEOUT_MS = 180_000;

export const NO_HOST_DNF =
  'skip: dnf is not installed on this machine, so updates of an EL image cannot be listed from outside';

/** How to run the package tool for one scan. */
interface Driver {
  tool: 'dnf' | 'yum';
  /** Options before the subcommand on every call. */
  base: string[];
  env: Record<string, string>;
  /** Refresh commands (after base), run in order unless offline. */
  refresh: string[][];
  /** Options for the queries after a refresh or when offline. */
  query: string[];
  /** `rpm` options selecting the database. */
  rpm: string[];
  /** Root mode: an rpmdb listing no package is an error (it was not read), not an empty image. */
  requirePackages: boolean;
  notes: string[];
}

class ScanFailure extends Error {}

const fail = (reason: string): never => {
  throw new ScanFailure(stripUrlCredentials(reason));
};

function noEnabledRepo(r: RunResult): boolean {
  return /There are no enabled repo/i.test(`${r.stdout}\n${r.stderr}`);
}

/** describeFailure, plus the curl line dnf prints above its summary (it says why). */
function reasonOf(r: RunResult): string {
  const base = describeFailure(r);
  const curl = r.stderr.split('\n').map((l) => l.trim().replace(/^- /, '')).find((l) => /Curl error|librepo/i.test(l));
  return stripUrlCredentials(curl && !base.includes(curl) ? `${base} (${curl})` : base);
}

function checkNoRepo(r: RunResult, driver: Driver): void {
  if (noEnabledRepo(r)) {
    fail(`no enabled repository: the image has no enabled ${driver.tool} repository, so it cannot receive security updates`);
  }
}

async function runTool(host: Host, driver: Driver, args: string[], timeoutMs: number): Promise<RunResult> {
  return host.run(driver.tool, [...driver.base, ...args], { timeoutMs, env: driver.env });
}

/** Runs check-update (exit 100 = rows, 0 = none) and returns its rows. */
async function checkUpdate(host: Host, driver: Driver, extra: string[]): Promise<CheckUpdateRow[]> {
  const args = [...driver.query, 'check-update', ...extra];
  const r = await runTool(host, driver, args, QUERY_TIMEOUT_MS);
  checkNoRepo(r, driver);
  if (!r.timedOut && !r.spawnError && r.code === 100) {
    const rows = parseCheckUpdate(r.stdout);
    if (rows.length === 0) fail(`${driver.tool} ${['check-update', ...extra].join(' ')} exited 100 (updates available) but no update row could be read from its output`);
    return rows;
  }
  if (!r.timedOut && !r.spawnError && r.code === 0) return [];
  if (/Cache-only enabled but no cache/i.test(r.stderr)) {
    fail(`no cached repository metadata, and the scan is offline so it was not downloaded: ${reasonOf(r)}`);
  }
  return fail(`${driver.tool} ${['check-update', ...extra].join(' ')} failed: ${reasonOf(r)}`);
}

/** name.arch and name -> newest installed [epoch:]version-release (epoch 0 omitted, as dnf prints). */
async function installedVersions(host: Host, driver: Driver): Promise<Map<string, string> | null> {
  const r = await host.run('rpm', [...driver.rpm, '-qa', '--qf', '%{NAME}.%{ARCH} %{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE}\\n'], {
    timeoutMs: QUERY_TIMEOUT_MS,
    env: driver.env,
  });
  if (r.code !== 0 || r.timedOut || r.spawnError) {
    if (driver.requirePackages) fail(`cannot read the image's rpm database: ${reasonOf(r)}`);
    driver.notes.push(`installed versions unknown: rpm -qa failed: ${reasonOf(r)}`);
    return null;
  }
  const map = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const [nameArch, name, evr] = line.trim().split(' ');
    if (!evr) continue;
    const shown = evr.replace(/^0:/, '');
    for (const key of [nameArch, name]) {
      const old = map.get(key);
      if (!old || compareEvr(shown, old) > 0) map.set(key, shown);
    }
  }
  if (map.size === 0 && driver.requirePackages) {
    fail("the image's rpm database lists no installed package: it could not be read, so pending updates cannot be known");
  }
  return map;
}

/** Advisory ids per name.arch, best effort. */
async function securityAdvisories(host: Host, driver: Driver): Promise<Map<string, Set<string>>> {
  const args = driver.tool === 'yum'
    ? [...driver.query, 'updateinfo', 'list', 'security']
    : [...driver.query, 'updateinfo', 'list', '--security'];
  const r = await runTool(host, driver, args, QUERY_TIMEOUT_MS);
  const byPackage = new Map<string, Set<string>>();
  if (r.code !== 0 || r.timedOut || r.spawnError) {
    driver.notes.push(`advisory ids unknown: ${driver.tool} updateinfo list failed: ${reasonOf(r)}`);
    return byPackage;
  }
  for (const row of parseUpdateinfoList(r.stdout)) {
    if (row.type !== 'security') continue;
    const n = parseNevra(row.nevra);
    if (!n) continue;
    const key = `${n.name}.${n.arch}`;
    if (!byPackage.has(key)) byPackage.set(key, new Set());
    byPackage.get(key)?.add(row.advisory);
  }
  return byPackage;
}

async function scan(host: Host, driver: Driver, options: ScanOptions): Promise<UpdateScan> {
  // First the database: in root mode an unreadable one must not look like "nothing to update".
  const installed = await installedVersions(host, driver);

  let refreshed = false;
  if (options.offline) {
    driver.notes.push('the repository metadata was not refreshed (offline): pending updates are those the cached metadata knows, which may be out of date');
  } else {
    for (const args of driver.refresh) {
      const r = await runTool(host, driver, args, options.refreshTimeoutMs ?? DEFAULT_REFRESH_TIMEOUT_MS);
      checkNoRepo(r, driver);
      if (r.code !== 0 || r.timedOut || r.spawnError) fail(`refreshing the repository metadata failed: ${reasonOf(r)}`);
    }
    refreshed = true;
  }

  const security = await checkUpdate(host, driver, ['--security']);
  const all = await checkUpdate(host, driver, []);
  const advisories = security.length > 0 ? await securityAdvisories(host, driver) : new Map<string, Set<string>>();

  const securityKeys = new Set(security.map((r) => `${r.name}.${r.arch}`));
  const seen = new Map<string, PendingUpdate>();
  for (const row of [...all, ...security]) {
    const key = `${row.name}.${row.arch}`;
    if (seen.has(key)) continue;
    const update: PendingUpdate = { name: row.name, arch: row.arch, candidate: row.candidate, security: securityKeys.has(key) };
    const version = installed?.get(key) ?? installed?.get(row.name);
    if (version) update.installed = version;
    const ids = advisories.get(key);
    if (update.security && ids?.size) update.advisory = [...ids].sort().join(', ');
    seen.set(key, update);
  }
  const updates = [...seen.values()].sort((a, b) => a.name.localeCompare(b.name) || (a.arch ?? '').localeCompare(b.arch ?? ''));
  return { ok: true, updates, refreshed, notes: driver.notes.map(stripUrlCredentials) };
}

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

const exists = (p: string) => lstat(p).then(() => true, () => false);

/**
 * A directory of the target as a host path, when no component of it is a symlink: dnf and rpm
 * prefix the root to such paths textually, so a link would be resolved on the host.
 */
async function realDir(host: Host, targetPath: string): Promise<string | null> {
  try {
    const st = await host.lstat(targetPath);
    const onHost = host.hostPath(targetPath, false);
    return st?.isDirectory() && onHost === join(host.root, targetPath) ? onHost : null;
  } catch {
    return null;
  }
}

/** Copies the regular files of one directory (not recursive). Returns how many. */
async function copyFiles(from: string, to: string): Promise<number> {
  let n = 0;
  await mkdir(to, { recursive: true });
  for (const name of await readdir(from)) {
    const st = await lstat(join(from, name));
    if (!st.isFile()) continue;
    await copyFile(join(from, name), join(to, name));
    n++;
  }
  return n;
}

/** Seeds the scratch cache with the repodata in the image's /var/cache/dnf. Returns repos seeded. */
async function seedCache(host: Host, cacheDir: string): Promise<{ repos: number; newest: number }> {
  let repos = 0;
  let newest = 0;
  const names = await host.list('/var/cache/dnf').catch(() => null);
  for (const name of names ?? []) {
    const repodata = await realDir(host, `/var/cache/dnf/${name}/repodata`);
    if (!repodata || !(await exists(join(repodata, 'repomd.xml')))) continue;
    await copyFiles(repodata, join(cacheDir, name, 'repodata'));
    newest = Math.max(newest, (await stat(join(repodata, 'repomd.xml'))).mtimeMs);
    repos++;
  }
  return { repos, newest };
}

const atNs = (ns: bigint) => `@${ns / 1_000_000_000n}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`;

/** Puts a directory's times back to the nanosecond (node's utimes keeps only about 100 ns). */
async function restoreTimes(host: Host, path: string, atimeNs: bigint, mtimeNs: bigint): Promise<void> {
  const m = await host.run('touch', ['-c', '-m', '-d', atNs(mtimeNs), path], { timeoutMs: 30_000 });
  const a = await host.run('touch', ['-c', '-a', '-d', atNs(atimeNs), path], { timeoutMs: 30_000 });
  if (m.code !== 0 || a.code !== 0) {
    await utimes(path, Number(atimeNs) / 1e9, Number(mtimeNs) / 1e9).catch(() => undefined);
  }
}

async function scanRoot(host: Host, options: ScanOptions): Promise<UpdateScan> {
  const version = await host.run('dnf', ['--version'], { timeoutMs: 60_000, env: { LC_ALL: 'C' } });
  if (version.spawnError) return { ok: false, reason: NO_HOST_DNF };

  const root = await realpath(host.root);
  // P must exist at the same path on the host and inside the root (see the header). Its parent in
  // the root gets its times back afterwards, so no timestamp of the image changes.
  const parentInRoot = (await realDir(host, '/var/tmp')) ? '/var/tmp' : (await realDir(host, '/tmp')) ? '/tmp' : null;
  if (!parentInRoot) return { ok: false, reason: 'the image has no /var/tmp or /tmp directory to hold dnf\'s scratch files' };
  const scratch = `${parentInRoot}/mpa-dnf-${randomBytes(6).toString('hex')}`;
  const inRoot = join(root, scratch);
  const parent = join(root, parentInRoot);
  const parentTimes = await stat(parent, { bigint: true });
  const sameDir = root === '/';
  const created: string[] = [];
  try {
    await mkdir(scratch, { mode: 0o700 });
    created.push(scratch);
    if (!sameDir) {
      await mkdir(inRoot, { mode: 0o700 });
      created.push(inRoot);
    }

    // The rpmdb copy that dnf and rpm read instead of the image's own.
    const dbIn = (() => {
      try {
        return host.hostPath('/var/lib/rpm');
      } catch {
        return null;
      }
    })();
    if (!dbIn || !(await stat(dbIn).then((s) => s.isDirectory(), () => false))) {
      return { ok: false, reason: 'the image has no rpm database (/var/lib/rpm)' };
    }
    const dbCopy = `${scratch}/rpmdb`;
    await copyFiles(dbIn, join(root, dbCopy));
    await writeFile(join(scratch, '.rpmmacros'), `%_dbpath ${dbCopy}\n`);

    const config = (await host.stat('/etc/dnf/dnf.conf').catch(() => null))?.isFile() ? host.hostPath('/etc/dnf/dnf.conf')
      : (await host.stat('/etc/yum.conf').catch(() => null))?.isFile() ? host.hostPath('/etc/yum.conf')
      : join(scratch, 'empty.conf');
    if (config.endsWith('empty.conf')) await writeFile(config, '[main]\n');
    const reposdirs: string[] = [];
    for (const d of ['/etc/yum.repos.d', '/etc/yum/repos.d', '/etc/distro.repos.d']) {
      const st = await host.stat(d).catch(() => null);
      if (st?.isDirectory()) reposdirs.push(host.hostPath(d));
    }
    // An empty reposdir would fall back to the host's; an empty directory means "none".
    if (reposdirs.length === 0) {
      await mkdir(join(scratch, 'repos.d'));
      reposdirs.push(join(scratch, 'repos.d'));
    }

    const notes: string[] = [];
    if (options.offline) {
      const seeded = await seedCache(host, scratch);
      if (seeded.repos === 0) {
        return {
          ok: false,
          reason: 'offline and the image holds no cached dnf repository metadata (/var/cache/dnf), so its pending updates cannot be known',
        };
      }
      notes.push(`using the image's cached metadata of ${seeded.repos} repositor${seeded.repos === 1 ? 'y' : 'ies'}, downloaded ${new Date(seeded.newest).toISOString()} or earlier`);
    }

    const driver: Driver = {
      tool: 'dnf',
      base: [
        `--installroot=${root}`,
        `--config=${config}`,
        '--noplugins',
        `--setopt=reposdir=${reposdirs.join(',')}`,
        `--setopt=cachedir=${scratch}`,
        `--setopt=system_cachedir=${scratch}`,
        `--setopt=logdir=${scratch}`,
        `--setopt=persistdir=${scratch}`,
        '--setopt=skip_if_unavailable=False',
        '-y',
      ],
      env: { HOME: scratch, LC_ALL: 'C' },
      refresh: [['makecache']],
      query: ['-C'],
      rpm: ['--root', root, '--dbpath', dbCopy],
      requirePackages: true,
      notes,
    };
    return await scan(host, driver, options);
  } catch (err) {
    if (err instanceof ScanFailure) return { ok: false, reason: err.message };
    // A read-only or full image: dnf needs its scratch directory inside the root.
    if ((err as NodeJS.ErrnoException)?.code && (err as NodeJS.ErrnoException).path) {
      const e = err as NodeJS.ErrnoException;
      return { ok: false, reason: `cannot prepare dnf's scratch files at ${e.path}: ${describeFsError(e)}` };
    }
    throw err;
  } finally {
    for (const dir of created.reverse()) await rm(dir, { recursive: true, force: true });
    await restoreTimes(host, parent, parentTimes.atimeNs, parentTimes.mtimeNs);
  }
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
