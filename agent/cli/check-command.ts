// `agent check`: run the checks on the target, render the report, exit with the verdict's code.
import { writeFileSync } from 'node:fs';
import { CHECKS_BY_ID } from '../../checks/index.js';
import { runChecks } from '../engine.js';
import { exitCodeOf } from '../report.js';
import { reporterFor } from '../reporters/index.js';
import { toJson } from '../reporters/json.js';
import type { Invocation } from './commands.js';
import { openSession, reportOf, sessionOptionsOf } from './session.js';
import { IncompleteError } from './usage-error.js';

function writeJsonFile(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (err) {
    throw new IncompleteError(`--report ${path}: cannot write (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export async function checkCommand({ values, color }: Invocation): Promise<number> {
  const reporter = reporterFor((values.format as string | undefined) ?? 'text');
  const reportFile = values.report as string | undefined;
  const session = await openSession(sessionOptionsOf(values), reporter.name === 'json' || reportFile !== undefined);
  const report = await reportOf(session, await runChecks(session.host, session.modules, session.engine));
  if (reportFile) writeJsonFile(reportFile, toJson(report));
  process.stdout.write(reporter.report(report, { color, modules: CHECKS_BY_ID }));
  return exitCodeOf(report.verdict, values.strict === true);
}
