// The benchmark's "realistic root" section: a bookworm root with its real sources and lists
// (fixtures/real/realistic-root.ts), brought up to date first as a vendor's image is before its
// snapshot, then measured live inside it, each pair alternating run by run in one shell loop:
// - `agent check` against DigitalOcean's checker (scripts/99-img-check.sh of the public
//   digitalocean/marketplace-partners repository), both refreshing from the real mirror. The
//   script is never part of this repository: it is run from a copy kept outside it
//   (AGENT_BENCH_DO_CHECKER, default FIXTURE_CACHE/do-scripts/99-img-check.sh); without it the
//   pair is skipped and the report says so.
// - `agent check --offline` against its floor, `apt-get -s dist-upgrade`.
// - the steps both are made of, measured the same way, to show where the time goes.
// Wall time is `date +%s%N` around each run; CPU (user + system) and peak RSS come from
// /usr/bin/time -f, which wraps every run of both sides alike.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../fixtures/real/debian-roots.js';
import { mustRunInRoot, runInRoot, type Bind } from '../fixtures/real/ns-run.js';
import { realisticRoot } from '../fixtures/real/realistic-root.js';
import { median } from '../fixtures/scale/measure.js';

export const DO_CHECKER = process.env.AGENT_BENCH_DO_CHECKER ?? join(cacheDir(), 'do-scripts', '99-img-check.sh');

export interface Alternated {
  name: string;
  command: string;
  wallMs: number;
  stddevMs: number;
  cpuMs: number;
  rssMiB: number;
  runs: number;
}

export interface RealisticResults {
  upgraded: string;
  pending: { agent: string; checker: string };
  doPair: [Alternated, Alternated] | null;
  offlinePair: [Alternated, Alternated];
  steps: Alternated[];
  slowest: string;
  /** The alternating loops as they ran, for the "reproduce" section. */
  scripts: string[];
}

const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive' };

function stddev(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1));
}

let scriptCounter = 0;

/**
 * Runs the commands in turn (A, B, C, A, B, C, ...) `warmup + runs` times inside the root and
 * keeps the last `runs` of each. Commands are argv strings run without a shell.
 */
async function alternate(
  root: string,
  work: string,
  binds: Bind[],
  commands: { name: string; command: string }[],
  opts: { runs: number; warmup: number; net: 'host' | 'isolated' },
  log: string[],
): Promise<Alternated[]> {
  const id = ++scriptCounter;
  const body = commands
    .map((c, index) => [
      `  s=$(date +%s%N); /run/time -f '%U %S %M' -o /run/bench/alt-time ${c.command} >/dev/null 2>&1; e=$(date +%s%N)`,
      `  echo "$i ${index} $((e - s)) $(tail -n 1 /run/bench/alt-time)"`,
    ].join('\n'))
    .join('\n');
  const script = `i=0\nwhile [ $i -lt ${opts.runs + opts.warmup} ]; do\n${body}\n  i=$((i + 1))\ndone\n`;
  writeFileSync(join(work, `alt-${id}.sh`), script);
  log.push(`# in the root (network: ${opts.net}): sh /run/bench/alt-${id}.sh\n${script}`);
  const run = await runInRoot(root, ['sh', `/run/bench/alt-${id}.sh`], { binds, net: opts.net, env: APT_ENV, timeoutMs: 60 * 60_000 });
  if (run.code !== 0) throw new Error(`the alternating loop failed (${run.code}): ${run.stderr.slice(-2000)}`);
  const rows = run.stdout.trim().split('\n').map((line) => line.trim().split(/\s+/).map(Number));
  return commands.map((c, index) => {
    const mine = rows.filter((r) => r[1] === index && r[0] >= opts.warmup);
    const walls = mine.map((r) => r[2] / 1e6);
    return {
      name: c.name,
      command: c.command,
      wallMs: median(walls),
      stddevMs: stddev(walls),
      cpuMs: median(mine.map((r) => (r[3] + r[4]) * 1000)),
      rssMiB: median(mine.map((r) => r[5])) / 1024,
      runs: mine.length,
    };
  });
}

/** The security-only refresh the agent makes, by hand: the root's -security entries alone. */
function securityOnlyUpdate(root: string, work: string): string {
  const lines = readFileSync(join(root, 'etc/apt/sources.list'), 'utf8').split('\n').filter((l) => /^deb\s.*-security\s/.test(l));
  writeFileSync(join(work, 'security.list'), `${lines.join('\n')}\n`);
  return 'apt-get -q -o Dir::Etc::SourceList=/run/bench/security.list -o Dir::Etc::SourceParts=/run/bench/none -o APT::Get::List-Cleanup=0 -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o Acquire::Languages=none update';
}

export async function realisticRootBench(dir: string, work: string, agent: string, quick: boolean, note: (m: string) => void): Promise<RealisticResults> {
  const root = await realisticRoot(dir);
  note('realistic root: bringing it up to date from the mirror (apt-get update && apt-get -y dist-upgrade)');
  await mustRunInRoot(root, ['apt-get', '-q', 'update'], { net: 'host', env: APT_ENV, timeoutMs: 10 * 60_000 });
  const upgrade = await mustRunInRoot(root, ['apt-get', '-q', '-y', '-o', 'Dpkg::Options::=--force-confold', 'dist-upgrade'], { net: 'host', env: APT_ENV, timeoutMs: 30 * 60_000 });
  const upgraded = /^(\d+ upgraded, \d+ newly installed)/m.exec(upgrade.stdout)?.[1] ?? 'unknown';

  const hasChecker = existsSync(DO_CHECKER);
  const binds: Bind[] = [
    { hostPath: agent, target: '/run/agent', readOnly: true },
    { hostPath: '/usr/bin/time', target: '/run/time', readOnly: true },
    { hostPath: work, target: '/run/bench' },
    ...(hasChecker ? [{ hostPath: DO_CHECKER, target: '/run/do/99-img-check.sh', readOnly: true }] : []),
  ];
  const log: string[] = [];

  // What each side finds in the up-to-date root (DigitalOcean's script sleeps 2 s when it finds any).
  const json = await runInRoot(root, ['/run/agent', 'check', '--format', 'json'], { binds, net: 'host', env: APT_ENV });
  const report = JSON.parse(json.stdout) as { checks: { id: string; durationMs: number; summary: string }[] };
  const slowest = [...report.checks].sort((a, b) => b.durationMs - a.durationMs).slice(0, 3).map((c) => `${c.id} ${c.durationMs} ms`).join(', ');
  const agentPending = report.checks.find((c) => c.id === 'security-updates')?.summary ?? 'unknown';
  let checkerPending = 'not run (no copy of the script)';
  if (hasChecker) {
    const out = await runInRoot(root, ['bash', '/run/do/99-img-check.sh'], { binds, net: 'host', env: APT_ENV });
    checkerPending = /There are (no pending security updates|\d+ security updates available)[^\n]*/.exec(out.stdout.replace(/\x1b\[[0-9;]*m/g, ''))?.[0] ?? 'its security line was not found';
  }

  const runs = quick ? 2 : 7;
  let doPair: [Alternated, Alternated] | null = null;
  if (hasChecker) {
    note(`realistic root: agent check vs DigitalOcean's checker, alternating, ${runs} runs each`);
    const [a, b] = await alternate(root, work, binds, [
      { name: 'agent check', command: '/run/agent check' },
      { name: "DigitalOcean's 99-img-check.sh", command: 'bash /run/do/99-img-check.sh' },
    ], { runs, warmup: 1, net: 'host' }, log);
    doPair = [a, b];
  } else {
    note(`realistic root: DigitalOcean's checker not found at ${DO_CHECKER}; that pair is skipped`);
  }
  note('realistic root: check --offline vs apt-get -s dist-upgrade, alternating');
  const [offline, floor] = await alternate(root, work, binds, [
    { name: 'agent check --offline', command: '/run/agent check --offline' },
    { name: 'apt-get -s dist-upgrade', command: 'apt-get -q -s dist-upgrade' },
  ], { runs: quick ? 3 : 15, warmup: 2, net: 'isolated' }, log);

  note('realistic root: the steps, alternating');
  const steps = await alternate(root, work, binds, [
    { name: 'apt-get update (every source)', command: 'apt-get -q update' },
    { name: 'apt-get update of the -security source only, as the agent runs it', command: securityOnlyUpdate(root, work) },
    { name: 'apt-get -s dist-upgrade', command: 'apt-get -q -s dist-upgrade' },
    { name: 'apt-get indextargets --no-release-info', command: 'apt-get indextargets --no-release-info' },
    { name: 'ufw status', command: 'ufw status' },
    { name: 'iptables -n -L ufw-user-input', command: 'iptables -n -L ufw-user-input' },
    { name: 'systemctl is-active firewalld.service', command: 'systemctl is-active firewalld.service' },
  ], { runs: quick ? 2 : 7, warmup: 1, net: 'host' }, log);
  return { upgraded, pending: { agent: agentPending, checker: checkerPending }, doPair, offlinePair: [offline, floor], steps, slowest, scripts: log };
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`;
}

function row(m: Alternated): string {
  return `| \`${m.name}\` | ${ms(m.wallMs)} (±${ms(m.stddevMs)}, n=${m.runs}) | ${ms(m.cpuMs)} | ${m.rssMiB.toFixed(0)} MiB |`;
}

const HEAD = ['| command | wall (median) | CPU (user + system, median) | peak RSS |', '|---|---|---|---|'];

/** The section of BENCHMARKS.md. */
export function realisticSection(r: RealisticResults): string[] {
  const lines = [
    '## 2b. A realistic bookworm root (its real sources and lists, the real mirror)',
    '',
    "fixtures/real/realistic-root.ts: the mmdebstrap bookworm root with its three sources (main, -updates, -security on the mirror in this machine's apt configuration) and the lists of a real `apt-get update`, cached weekly; then brought up to date (`apt-get update && apt-get -y dist-upgrade`: " +
      `${r.upgraded}), as a vendor's image is before its snapshot. Everything runs live inside the root (runInRoot, network of this machine for the refresh), each pair alternating run by run in one shell loop (build/bench-realistic.ts); wall time is \`date +%s%N\` around each run, CPU and peak RSS from \`/usr/bin/time -f '%U %S %M'\`, which wraps both sides alike.`,
    '',
    `Found in the up-to-date root: the agent says "${r.pending.agent}"; DigitalOcean's checker says "${r.pending.checker}" (it sleeps 2 s when it finds security updates, so a root with none keeps the comparison fair).`,
    '',
    "### `agent check` against DigitalOcean's checker, both refreshing from the mirror",
    '',
  ];
  if (r.doPair) {
    const [agent, checker] = r.doPair;
    lines.push(...HEAD, row(agent), row(checker), '', `DigitalOcean's checker / agent: ${(checker.wallMs / agent.wallMs).toFixed(2)}x wall, ${(checker.cpuMs / agent.cpuMs).toFixed(2)}x CPU. The checker is scripts/99-img-check.sh of the public digitalocean/marketplace-partners repository, run from a copy outside this repository (${'`AGENT_BENCH_DO_CHECKER`'}, default the fixture cache's do-scripts/); it runs \`apt-get -y update\` (every source) and \`apt-get --just-print upgrade\`; the agent refreshes the -security source only and reads the indexes.`, '');
  } else {
    lines.push(`Skipped: DigitalOcean's checker (scripts/99-img-check.sh of digitalocean/marketplace-partners) was not found at ${DO_CHECKER}. It is never committed here; put a copy there, or name one with AGENT_BENCH_DO_CHECKER.`, '');
  }
  const [offline, floor] = r.offlinePair;
  lines.push(
    '### `agent check --offline` against its floor',
    '',
    ...HEAD, row(offline), row(floor),
    '',
    `agent / floor: ${(offline.wallMs / floor.wallMs).toFixed(2)}x wall. One live \`check --format json\` (with the refresh) in this root: slowest checks ${r.slowest}.`,
    '',
    '### The steps, alternating in the same root',
    '',
    ...HEAD, ...r.steps.map(row),
    '',
  );
  return lines;
}
