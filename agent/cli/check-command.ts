// `agent check`: open the target, detect the distribution, run the checks, render, exit.
import { writeFileSync } from 'node:fs';
import { CHECKS, CHECKS_BY_ID } from '../../checks/index.js';
import { detectDistro, UnknownDistroError } from '../../distros/detect.js';
import { loadConfig, type AgentConfig } from '../config.js';
import { runChecks } from '../engine.js';
import { liveFacts } from '../facts/live-host.js';
import type { Host } from '../host.js';
import { buildReport, exitCodeOf, type Report } from '../report.js';
import { jsonReporter } from '../reporters/json.js';
import { REPORTERS } from '../reporters/index.js';
import { openTarget } from './target.js';
import { selectChecks } from './select-checks.js';
import { IncompleteError, UsageError } from './usage-error.js';

export interface CheckOptions {
  root?: string;
  format?: string;
  only?: string;
  skip?: string;
  strict?: boolean;
  offline?: boolean;
  config?: string;
  report?: string;
  timeout?: string;
  color: boolean;
}

const DEFAULT_TIMEOUT_S = 300;

function parseTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_S * 1000;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout ${value}: not a positive number of seconds`);
  return seconds * 1000;
}

/** On a terminal, say on stderr what is slow (the package refresh); elsewhere stay quiet. */
function terminalNotifier(): ((message: string) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (message) => process.stderr.write(`agent: ${message}\n`);
}

/** Live facts are extras for the report: a failure to read them never fails the run. */
async function factsFor(host: Host): Promise<Report['host']['facts']> {
  if (host.mode !== 'live') return undefined;
  return liveFacts(host).catch(() => undefined);
}

export async function checkCommand(options: CheckOptions): Promise<number> {
  const reporter = REPORTERS.get(options.format ?? 'text');
  if (!reporter) throw new UsageError(`--format ${options.format}: not one of text, json, junit`);
  const timeoutMs = parseTimeout(options.timeout);
  const config: AgentConfig = loadConfig(options.config, new Set(CHECKS_BY_ID.keys()));
  const selected = selectChecks(CHECKS, CHECKS_BY_ID, options.only, options.skip).filter((check) => !config.skip.has(check.id));
  const host = openTarget(options.root, { offline: options.offline ?? config.offline ?? false, notify: terminalNotifier() });
  const startedAt = new Date();
  let distro;
  try {
    distro = await detectDistro(host);
  } catch (err) {
    if (err instanceof UnknownDistroError) throw new IncompleteError(err.message);
    throw new IncompleteError(`cannot identify the distribution: ${(err as Error).message}`);
  }
  const [checks, facts] = await Promise.all([
    runChecks(host, selected, { timeoutMs, severityOverrides: config.severity, ignore: config.ignore, off: config.off }),
    factsFor(host),
  ]);
  const report = buildReport({ startedAt, target: { root: host.root, mode: host.mode }, distro, facts, checks });
  const context = { color: options.color, modules: CHECKS_BY_ID };
  if (options.report) {
    try {
      writeFileSync(options.report, jsonReporter.render(report, context));
    } catch (err) {
      throw new IncompleteError(`--report ${options.report}: cannot write (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  process.stdout.write(reporter.render(report, context));
  return exitCodeOf(report.verdict, options.strict ?? false);
}
