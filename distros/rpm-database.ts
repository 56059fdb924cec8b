// The rpm database of the target. rpm opens its sqlite database read-write even to query it (it
// rewrites rpmdb.sqlite-shm), so a mounted image is queried through a copy; a live machine directly.
import { cpSync, rmSync } from 'node:fs';
import type { Host } from '../agent/host.js';
import { describeFailure, type RunResult } from '../agent/runner.js';
import { makeScratchDir } from '../agent/scratch.js';
import type { InstalledPackage } from './dpkg-status.js';
import type { PackageDatabase } from './package-adapter.js';

const RPM_QUERY_FORMAT = '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\n';

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
export async function readRpmDatabase(host: Host): Promise<PackageDatabase> {
  // Resolve the database inside the target: on recent Fedora /var/lib/rpm links to /usr/lib/sysimage/rpm.
  const dbpath = host.canonical('/var/lib/rpm');
  let result: RunResult;
  try {
    result = await queryRpm(host, dbpath);
  } catch (err) {
    return { available: false, reason: `cannot read the rpm database at ${dbpath}: ${(err as Error).message.split('\n')[0]}` };
  }
  if (result.spawnError) return { available: false, reason: 'rpm is not installed on this machine, so the rpm database cannot be read' };
  if (result.code !== 0) return { available: false, reason: `rpm -qa failed: ${describeFailure(result)}` };
  const installed = new Map<string, InstalledPackage>();
  for (const line of result.stdout.split('\n')) {
    const [name, epochVersion] = line.split('\t');
    if (!name || !epochVersion) continue;
    // rpm shows epoch 0 as "0:"; drop it as `rpm -q` does.
    installed.set(name, { name, version: epochVersion.replace(/^0:/, '') });
  }
  if (installed.size === 0) return { available: false, reason: `the rpm database at ${dbpath} lists no packages` };
  return { available: true, installed };
}
