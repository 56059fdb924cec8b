// `agent check`: run the checks on the target, render the report, exit with the verdict's code.
import { writeFileSync } from 'node:fs';
import { CHECKS_BY_ID } from '../../checks/index.js';
import { runChecks } from '../engine.js';
import { exitCodeOf } from '../report.js';
import { jsonReporter } from '../reporters/json.js';
import { REPORTERS } from '../reporters/index.js';
import { onImage } from '../image/image-option.js';
import { openSession, reportOf, type SessionOptions } from './session.js';
import { IncompleteError, UsageError } from './usage-error.js';

export interface CheckOptions extends SessionOptions {
  /** --image FILE: attached read-only, then checked exactly as --root. */
  image?: string;
  format?: string;
  strict?: boolean;
  report?: string;
  color: boolean;
}

function writeJsonFile(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (err) {
    throw new IncompleteError(`--report ${path}: cannot write (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export async function checkCommand(options: CheckOptions): Promise<number> {
  const reporter = REPORTERS.get(options.format ?? 'text');
  if (!reporter) throw new UsageError(`--format ${options.format}: not one of text, json, junit`);
  if (options.image !== undefined) {
    return onImage(options.image, options.root, false, (root, attachedImage) => checkCommand({ ...options, image: undefined, root, attachedImage }));
  }
  const session = await openSession(options, reporter.name === 'json' || options.report !== undefined);
  const report = await reportOf(session, await runChecks(session.host, session.modules, session.engine));
  const context = { color: options.color, modules: CHECKS_BY_ID };
  if (options.report) writeJsonFile(options.report, jsonReporter.render(report, context));
  process.stdout.write(reporter.render(report, context));
  return exitCodeOf(report.verdict, options.strict ?? false);
}
