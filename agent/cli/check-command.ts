// `agent check`: run the checks on the target, render the report, exit with the verdict's code.
import { closeSync, openSync, writeSync } from 'node:fs';
import { CHECKS_BY_ID } from '../../checks/index.js';
import { exitCodeOf, type Report } from '../report.js';
import { reporterFor } from '../reporters/index.js';
import { writeInBatches } from '../reporters/batched-write.js';
import { jsonChunks } from '../reporters/json-chunks.js';
import type { Invocation } from './commands.js';
import { onImage } from '../image/image-option.js';
import { runSessionChecks } from './helper-checks.js';
import { openSession, reportOf, sessionOptionsOf, type SessionOptions } from './session.js';
import { IncompleteError } from './usage-error.js';

function writeJsonFile(path: string, report: Report): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'w');
    const file = fd;
    writeInBatches(jsonChunks(report), (text) => {
      const bytes = Buffer.from(text);
      for (let done = 0; done < bytes.length; ) done += writeSync(file, bytes, done);
    });
  } catch (err) {
    throw new IncompleteError(`--report ${path}: cannot write (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** --image FILE: the file is attached read-only, then checked exactly as --root checks a directory. */
export async function checkCommand(invocation: Invocation): Promise<number> {
  const { values } = invocation;
  const image = values.image as string | undefined;
  if (image === undefined) return check(invocation, sessionOptionsOf(values));
  return onImage(image, values.root as string | undefined, false, (root, attachedImage) => check(invocation, { ...sessionOptionsOf(values), root, attachedImage }));
}

async function check({ values, color }: Invocation, options: SessionOptions): Promise<number> {
  const reporter = reporterFor((values.format as string | undefined) ?? 'text');
  const reportFile = values.report as string | undefined;
  const session = await openSession(options, reporter.name === 'json' || reportFile !== undefined);
  const report = await reportOf(session, await runSessionChecks(session, options));
  if (reportFile) writeJsonFile(reportFile, report);
  const context = { color, modules: CHECKS_BY_ID };
  writeInBatches(reporter.reportChunks?.(report, context) ?? [reporter.report(report, context)], (text) => process.stdout.write(text));
  return exitCodeOf(report.verdict, values.strict === true);
}
