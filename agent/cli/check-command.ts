// `agent check`: open the target, detect the distribution, run the checks, render, exit.
import { writeFileSync } from 'node:fs';
import { CHECKS, CHECKS_BY_ID } from '../../checks/index.js';
import { detectDistro, UnknownDistroError } from '../../distros/detect.js';
import { runChecks } from '../engine.js';
import { buildReport, exitCodeOf } from '../report.js';
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

export async function checkCommand(options: CheckOptions): Promise<number> {
  const reporter = REPORTERS.get(options.format ?? 'text');
  if (!reporter) throw new UsageError(`--format ${options.format}: not one of text, json, junit`);
  const timeoutMs = parseTimeout(options.timeout);
  const modules = selectChecks(CHECKS, CHECKS_BY_ID, options.only, options.skip);
  const host = openTarget(options.root);
  const startedAt = new Date();
  let distro;
  try {
    distro = await detectDistro(host);
  } catch (err) {
    if (err instanceof UnknownDistroError) throw new IncompleteError(err.message);
    throw new IncompleteError(`cannot identify the distribution: ${(err as Error).message}`);
  }
  const checks = await runChecks(host, modules, { timeoutMs });
  const report = buildReport({ startedAt, target: { root: host.root, mode: host.mode }, distro, checks });
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
