// The package database of the target, read the same way in live and --root mode.
import type { Host } from '../agent/host.js';
import { cpSync, rmSync } from 'node:fs';
import { makeScratchDir } from '../agent/scratch.js';
import { describeFailure, type RunResult } from '../agent/runner.js';
import { detectDistro } from './detect.js';
import { parseDpkgStatus, type InstalledPackage } from './dpkg-status.js';

export type PackageDatabase =
  | { available: true; kind: 'dpkg' | 'rpm'; installed: Map<string, InstalledPackage> }
  | { available: false; kind: 'dpkg' | 'rpm'; reason: string };

const RPM_QUERY_FORMAT = '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\n';

async function readDpkg(host: Host): Promise<PackageDatabase> {
  try {
    const status = await host.readText('/var/lib/dpkg/status');
    if (status === null) return { available: false, kind: 'dpkg', reason: '/var/lib/dpkg/status does not exist' };
    return { available: true, kind: 'dpkg', installed: parseDpkgStatus(status) };
  } catch (err) {
    return { available: false, kind: 'dpkg', reason: (err as Error).message };
  }
}

/**
 * rpm opens its sqlite database read-write even to query it (it rewrites rpmdb.sqlite-shm), so a
 * mounted image is queried through a copy of its database; a live machine directly.
 */
async function queryRpm(host: Host, dbpath: string): Promise<RunResult> {
  const args = ['-qa', '--qf', RPM_QUERY_FORMAT];
  if (host.mode === 'live') return host.run('rpm', ['--dbpath', dbpath, ...args], { timeoutMs: 60_000 });
  const copy = makeScratchDir('rpmdb');
  try {
    cpSync(host.hostPath(dbpath), copy, { recursive: true });
    return await host.run('rpm', ['--dbpath', copy, ...args], { timeoutMs: 60_000 });
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** The rpm database needs rpm itself; without it (a Debian host checking an EL image) we say so. */
async function readRpm(host: Host): Promise<PackageDatabase> {
  // Resolve the database inside the target: on recent Fedora /var/lib/rpm links to /usr/lib/sysimage/rpm.
  const dbpath = host.canonical('/var/lib/rpm');
  let result: RunResult;
  try {
    result = await queryRpm(host, dbpath);
  } catch (err) {
    return { available: false, kind: 'rpm', reason: `cannot read the rpm database at ${dbpath}: ${(err as Error).message.split('\n')[0]}` };
  }
  if (result.spawnError) {
    return { available: false, kind: 'rpm', reason: 'rpm is not installed on this machine, so the rpm database cannot be read' };
  }
  if (result.code !== 0) return { available: false, kind: 'rpm', reason: `rpm -qa failed: ${describeFailure(result)}` };
  const installed = new Map<string, InstalledPackage>();
  for (const line of result.stdout.split('\n')) {
    const [name, epochVersion] = line.split('\t');
    if (!name || !epochVersion) continue;
    // rpm shows epoch 0 as "0:"; drop it as `rpm -q` does.
    installed.set(name, { name, version: epochVersion.replace(/^0:/, '') });
  }
  if (installed.size === 0) return { available: false, kind: 'rpm', reason: `the rpm database at ${dbpath} lists no packages` };
  return { available: true, kind: 'rpm', installed };
}

export function packageDatabase(host: Host): Promise<PackageDatabase> {
  return host.memo('packages', async () => {
    const distro = await detectDistro(host);
    return distro.family === 'debian' ? readDpkg(host) : readRpm(host);
  });
}
