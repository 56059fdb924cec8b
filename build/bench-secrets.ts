// Section 7 of BENCHMARKS.md: what the scans for secrets beyond SSH cost. Per home: the checks
// alone on a root of 10,000 accounts against the same root with none; per MiB: against a root
// holding many MiB of application text under /opt (no secrets in it, so every byte is read and
// matched, nothing is reported). And the scale target again with every check in, beside a run
// that skips the new ones, so what they add is one subtraction.
import { chmodSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKS_BY_ID } from '../checks/index.js';
import { hyperfine, type Timing } from '../fixtures/scale/measure.js';
import { makeScaleRoot } from '../fixtures/scale/scale-root.js';
import { peakTreePss } from '../fixtures/scale/tree-memory.js';

/** The checks of issue 11: those that read file contents in homes and application trees. */
export const SECRET_SCANS = ['credentials', 'build-secrets', 'tls-keys'] as const;
/** All six new checks, for the "what they add" row. */
export const NEW_CHECKS = [...SECRET_SCANS, 'instance-leftovers', 'swap', 'package-sources'] as const;

const HOMES = 10_000;
const APP_MIB = 64;
const FILE_KIB = 256;

export interface SecretsResults {
  date: string;
  scans: string[];
  emptyRoot: Timing;
  homes: Timing;
  appText: Timing;
  full: Timing;
  fullWithout: Timing;
  /** Every check with the helper process turned off (AGENT_HELPER=1): one process does all. */
  fullSingle: Timing;
  /** Peak summed PSS of the agent and its helper, and of the one-process run, in MiB. */
  treeMiB: { full: number; single: number };
  /** find stat'ing every entry of the same root: what this machine's file system calls cost alone. */
  floor: Timing;
  commands: string[];
}

/** Text that looks like configuration (keys, values, long words) but holds no secret. */
function appText(bytes: number, seed: number): string {
  const line = (i: number) => `setting_${seed}_${i} = value-${(i * 2654435761) % 1_000_003} # log_level=info, cache_dir=/var/cache/app${i % 7}\n`;
  let out = '';
  for (let i = 0; out.length < bytes; i++) out += line(i);
  return out.slice(0, bytes);
}

function addAppText(root: string, mib: number): void {
  const text = appText(FILE_KIB * 1024, 1);
  for (let i = 0; i < (mib * 1024) / FILE_KIB; i++) {
    const dir = join(root, 'opt/benchapp', `module${i % 16}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `settings-${i}.conf`), text);
  }
}

export async function measureSecrets(base: string, work: string, built: string, quick: boolean, log: (line: string) => void): Promise<SecretsResults> {
  // Run from a copy in the tmpfs work directory: the page cache may hold dist/agent in large folios,
  // and then the kernel maps the runtime's text in 2 MiB pages, adding up to 64 MiB of the binary's
  // own file to peak RSS (FilePmdMapped in smaps_rollup: 118 MB against 93 MB for one run). A fresh
  // copy measures what the agent itself holds, the same on every run.
  const agent = join(work, 'agent-secrets');
  copyFileSync(built, agent);
  chmodSync(agent, 0o755);
  const scans = SECRET_SCANS.filter((id) => CHECKS_BY_ID.has(id));
  const newChecks = NEW_CHECKS.filter((id) => CHECKS_BY_ID.has(id));
  if (scans.length === 0) throw new Error('none of the secret scans is in the registry');
  const only = `--only ${scans.join(',')}`;
  const runs = quick ? 1 : 10;
  const commands: string[] = [];
  const time = async (name: string, command: string, n = runs): Promise<Timing> => {
    commands.push(command);
    const [timing] = await hyperfine([{ name, command, rss: true }], { runs: n, warmup: quick ? 0 : 1, workDir: work });
    log(`secrets: ${name}: ${timing.medianMs.toFixed(0)} ms`);
    return timing;
  };

  const empty = join(base, 'secrets-0');
  await makeScaleRoot(empty, { accounts: 0, logs: 0 });
  const emptyRoot = await time('scans, no accounts', `${agent} check --offline --root ${empty} ${only}`);
  addAppText(empty, APP_MIB);
  const appTextTiming = await time(`scans, ${APP_MIB} MiB of application text`, `${agent} check --offline --root ${empty} ${only}`);
  rmSync(empty, { recursive: true, force: true });

  const homesRoot = join(base, 'secrets-homes');
  await makeScaleRoot(homesRoot, { accounts: HOMES, logs: 0 });
  const homes = await time(`scans, ${HOMES.toLocaleString('en')} accounts`, `${agent} check --offline --root ${homesRoot} ${only}`);
  rmSync(homesRoot, { recursive: true, force: true });

  const scale = join(base, 'secrets-scale');
  await makeScaleRoot(scale, { accounts: HOMES, logs: 100_000 });
  const bigRuns = quick ? 1 : 5;
  const full = await time('every check', `${agent} check --offline --root ${scale} --skip security-updates`, bigRuns);
  const fullSingle = await time('every check, one process', `env AGENT_HELPER=1 ${agent} check --offline --root ${scale} --skip security-updates`, bigRuns);
  const scaleArgs = ['check', '--offline', '--root', scale, '--skip', 'security-updates'];
  const treeMiB = { full: await peakTreePss([agent, ...scaleArgs], bigRuns), single: await peakTreePss(['env', 'AGENT_HELPER=1', agent, ...scaleArgs], bigRuns) };
  const fullWithout = await time('without the new checks', `${agent} check --offline --root ${scale} --skip security-updates,${newChecks.join(',')}`, bigRuns);
  const floor = await time('find, one lstat per entry', `find ${scale} -printf '%s %m\\n'`, bigRuns);
  rmSync(scale, { recursive: true, force: true });
  return { date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), scans, emptyRoot, homes, appText: appTextTiming, full, fullWithout, fullSingle, treeMiB, floor, commands };
}

export const SECRETS_HEADING = '## 7. Secrets beyond SSH: what the scans cost';

const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
const mb = (timing: Timing) => `${((timing.rssMiB ?? 0) * 1.048576).toFixed(0)} MB`;

export interface SecretsTarget {
  name: string;
  goal: string;
  measured: string;
  pass: boolean;
}

export function secretsTargets(r: SecretsResults): SecretsTarget[] {
  return [
    { name: 'scale-time-all-checks', goal: '10,000 accounts + 100,000 log files, every check: `check --offline` under 3 s', measured: ms(r.full.medianMs), pass: r.full.medianMs < 3000 },
    // Both processes together: the largest one alone (time's peak RSS) would hide the helper.
    { name: 'scale-rss-all-checks', goal: 'the same: peak memory of the agent and its helper together (summed PSS) under 250 MB', measured: `${(r.treeMiB.full * 1.048576).toFixed(0)} MB`, pass: r.treeMiB.full * 1.048576 < 250 },
  ];
}

export function secretsSection(r: SecretsResults): string[] {
  const perHome = (r.homes.medianMs - r.emptyRoot.medianMs) / HOMES;
  const perMib = (r.appText.medianMs - r.emptyRoot.medianMs) / APP_MIB;
  const row = (what: string, t: Timing) => `| ${what} | ${ms(t.medianMs)} | ${ms(t.minMs)} | ${mb(t)} |`;
  return [
    SECRETS_HEADING,
    '',
    `Measured ${r.date} (\`BENCH_ONLY=secrets\` rewrites only this section). The scans: \`${r.scans.join('`, `')}\`, run alone with \`--only\` on scale roots (section 3): no accounts; ${HOMES.toLocaleString('en')} accounts whose homes hold dotfiles, histories and a .ssh; the first root plus ${APP_MIB} MiB of configuration-like text in ${(APP_MIB * 1024) / FILE_KIB} files of ${FILE_KIB} KiB under /opt (nothing secret in it, so every byte is read and matched and nothing is reported). Then every check on the root of section 3's target, and the same run without the six checks of issue 11. The agent runs from a fresh copy of dist/agent in the tmpfs work directory: when the page cache holds dist/agent itself in large folios the kernel maps the runtime's code in 2 MiB pages and counts up to 64 MiB more of the file in peak RSS, however much the agent holds.`,
    '',
    '| run | median | fastest | peak RSS |',
    '|---|---|---|---|',
    row('scans, no accounts', r.emptyRoot),
    row(`scans, ${HOMES.toLocaleString('en')} accounts`, r.homes),
    row(`scans, ${APP_MIB} MiB of application text`, r.appText),
    row('10,000 accounts + 100,000 log files, every check', r.full),
    row('the same in one process (`AGENT_HELPER=1`: no helper)', r.fullSingle),
    row('the same without the six new checks', r.fullWithout),
    row('the floor: `find` stat\'ing every entry of that root once', r.floor),
    '',
    `Cost of the scans: **${(perHome * 1000).toFixed(0)} µs per home** and **${ms(perMib)} per MiB scanned** (medians minus the empty root's, divided by the count); the six new checks add ${ms(r.full.medianMs - r.fullWithout.medianMs)} (${(((r.full.medianMs - r.fullWithout.medianMs) / r.fullWithout.medianMs) * 100).toFixed(1)} %) to the scale run.`,
    '',
    `With 10,000 accounts, \`check\` runs ssh-private-keys and ssh-authorized-keys in a helper process of the agent (agent/cli/helper-checks.ts): ${ms(r.full.medianMs)} against ${ms(r.fullSingle.medianMs)} in one process. Peak RSS above is the largest single process; the agent and its helper together peaked at **${(r.treeMiB.full * 1.048576).toFixed(0)} MB** (summed PSS, sampled every 2 ms: the agent's own file, mapped by both, counted once), one process at ${(r.treeMiB.single * 1.048576).toFixed(0)} MB.`,
    '',
    `The agent's run with every check takes ${(r.full.medianMs / r.floor.medianMs).toFixed(1)}x the floor on this machine: \`find\` only stats each of the root's files once (${ms(r.floor.medianMs)}), while the checks also list every home and .ssh, open and read keys, histories and dotfiles, and make a finding of every log file, key and history. A machine whose file system calls cost less moves both together.`,
    '',
    '| target | goal | measured | result |',
    '|---|---|---|---|',
    ...secretsTargets(r).map((t) => `| ${t.name} | ${t.goal} | ${t.measured} | ${t.pass ? 'PASS' : '**MISS**'} |`),
    '',
    '```sh',
    ...r.commands,
    '```',
    '',
  ];
}
