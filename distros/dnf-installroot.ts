// --root mode for EL images: this machine's dnf with --installroot, against a throwaway cache and a
// copy of the image's rpm database, so that the image is left exactly as it was (see dnf-updates.ts).
import { randomBytes } from 'node:crypto';
import { copyFile, lstat, mkdir, readdir, realpath, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeFsError, type Host } from '../agent/host.js';
import { scan, ScanFailure, type Driver } from './dnf-scan.js';
import type { ScanOptions, UpdateScan } from './updates.js';

export const NO_HOST_DNF =
  'skip: dnf is not installed on this machine, so updates of an EL image cannot be listed from outside';

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
  const names = await host.list('/var/cache/dnf');
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
    try {
      await utimes(path, Number(atimeNs) / 1e9, Number(mtimeNs) / 1e9);
    } catch {
      // A write that restores what dnf's scratch files touched, not a read: the scan's verdict stands.
    }
  }
}

export async function scanRoot(host: Host, options: ScanOptions): Promise<UpdateScan> {
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

    const config = (await host.stat('/etc/dnf/dnf.conf'))?.isFile() ? host.hostPath('/etc/dnf/dnf.conf')
      : (await host.stat('/etc/yum.conf'))?.isFile() ? host.hostPath('/etc/yum.conf')
      : join(scratch, 'empty.conf');
    if (config.endsWith('empty.conf')) await writeFile(config, '[main]\n');
    const reposdirs: string[] = [];
    for (const d of ['/etc/yum.repos.d', '/etc/yum/repos.d', '/etc/distro.repos.d']) {
      // Unreadable is an error (UnreadableError), never "no repositories": that would list no updates.
      const st = await host.stat(d);
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
