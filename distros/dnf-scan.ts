// The scan itself, shared by live mode and --installroot: refresh, the check-update queries, the
// installed versions and the advisories, merged into one list of pending updates.
import { maskUrlCredentials } from '../agent/redact.js';
import type { Host } from '../agent/host.js';
import { describeFailure, type RunResult } from '../agent/runner.js';
import { compareEvr, parseCheckUpdate, parseNevra, parseUpdateinfoList, type CheckUpdateRow } from './dnf-output.js';
import type { PendingUpdate, ScanOptions, UpdateScan } from './updates.js';

export const DEFAULT_REFRESH_TIMEOUT_MS = 300_000;
export const QUERY_TIMEOUT_MS = 180_000;

/** How to run the package tool for one scan. */
export interface Driver {
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

export class ScanFailure extends Error {}

export const fail = (reason: string): never => {
  throw new ScanFailure(maskUrlCredentials(reason));
};

function noEnabledRepo(r: RunResult): boolean {
  return /There are no enabled repo/i.test(`${r.stdout}\n${r.stderr}`);
}

/** describeFailure, plus the curl line dnf prints above its summary (it says why). */
function reasonOf(r: RunResult): string {
  const base = describeFailure(r);
  const curl = r.stderr.split('\n').map((l) => l.trim().replace(/^- /, '')).find((l) => /Curl error|librepo/i.test(l));
  return maskUrlCredentials(curl && !base.includes(curl) ? `${base} (${curl})` : base);
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

export async function scan(host: Host, driver: Driver, options: ScanOptions): Promise<UpdateScan> {
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
  return { ok: true, updates, refreshed, notes: driver.notes.map(maskUrlCredentials) };
}
