// The human report: problems first, grouped by status, each with its path and what to do;
// colour only when asked for (the CLI decides: a TTY, no NO_COLOR, no --no-color).
import type { Report } from '../report.js';
import type { CheckModule, CheckReport, Status } from '../types.js';
import { renderCleanup } from './cleanup-text.js';
import { printable } from './escape.js';
import type { RenderContext, Reporter } from './types.js';

const ORDER: Status[] = ['fail', 'error', 'warn', 'skip', 'pass'];
const COLOURS: Record<Status, string> = { fail: '31', error: '35', warn: '33', skip: '2', pass: '32' };
const MARKS: Record<string, string> = { fail: 'x', error: '!', warn: '-', pass: '+' };

function paint(text: string, status: Status, color: boolean): string {
  return color ? `\u001b[${COLOURS[status]}m${text}\u001b[0m` : text;
}

function* describeCheck(check: CheckReport, context: RenderContext): Generator<string> {
  const label = paint(check.status.toUpperCase().padEnd(5), check.status, context.color);
  yield `${label} ${check.id}: ${printable(check.summary)}`;
  if (check.status === 'pass' || check.status === 'skip') return;
  for (const finding of check.findings) {
    // A lone finding that the summary already states is not repeated.
    if (finding.status === 'pass' || (finding.message === check.summary && !finding.path)) continue;
    const where = finding.path ? ` [${printable(finding.path)}]` : '';
    yield `      ${MARKS[finding.status]} ${printable(finding.message)}${where}`;
  }
  const module = context.modules.get(check.id);
  if (module && check.status !== 'error') yield `      what to do: ${module.remedy}`;
}

/** The report's lines, each with its newline: a check with 100,000 findings is never one string. */
function* reportLines(report: Report, context: RenderContext): Generator<string> {
  const { distro } = report.host;
  const where = report.target.mode === 'live' ? 'this machine' : report.target.image ?? report.target.root;
  yield `${report.agent.name} ${report.agent.version}: ${printable(distro.name)} (${distro.family}, ${distro.packageManager}) on ${printable(where)}\n\n`;
  for (const status of ORDER) {
    const group = report.checks.filter((check) => check.status === status);
    for (const check of group) for (const line of describeCheck(check, context)) yield `${line}\n`;
    if (group.length > 0) yield '\n';
  }
  const counts = ORDER.map((status) => `${report.summary[status]} ${status}`).join(', ');
  const verdict = paint(report.verdict.toUpperCase(), report.verdict, context.color);
  yield `Summary: ${counts}. Verdict: ${verdict}\n`;
}

function renderList(checks: readonly CheckModule[]): string {
  const width = Math.max(...checks.map((c) => c.id.length));
  const lines = checks.map((c) => `${c.id.padEnd(width)}  ${c.severity.padEnd(4)}  ${c.canFix ? 'fix' : '   '}  ${c.title}: ${c.description}`);
  return [`${'ID'.padEnd(width)}  SEV   FIX  WHAT`, ...lines, ''].join('\n');
}

export const textReporter: Reporter = {
  name: 'text',
  list: renderList,
  cleanup: (output, context) => renderCleanup(output, (report) => textReporter.report(report, context)),
  report: (report, context) => [...reportLines(report, context)].join(''),
  reportChunks: reportLines,
};
