// `agent list` and `agent explain ID`: both read only the registry.
import { CHECKS, CHECKS_BY_ID } from '../../checks/index.js';
import { UsageError } from './usage-error.js';

export function listCommand(format = 'text'): number {
  if (format === 'json') {
    const rows = CHECKS.map(({ id, title, severity, fixable, description, liveOnly }) => ({ id, title, severity, fixable, liveOnly: liveOnly ?? false, description }));
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return 0;
  }
  if (format !== 'text') throw new UsageError(`--format ${format}: not one of text, json`);
  const width = Math.max(...CHECKS.map((c) => c.id.length));
  const lines = CHECKS.map((c) => `${c.id.padEnd(width)}  ${c.severity.padEnd(4)}  ${c.fixable ? 'fix' : '   '}  ${c.title}: ${c.description}`);
  process.stdout.write([`${'ID'.padEnd(width)}  SEV   FIX  WHAT`, ...lines, ''].join('\n'));
  return 0;
}

export function explainCommand(id: string): number {
  const check = CHECKS_BY_ID.get(id);
  if (!check) throw new UsageError(`unknown check id '${id}' (see: agent list)`);
  const { explain } = check;
  const text = [
    `${check.id}: ${check.title}`,
    '',
    check.description,
    '',
    `Looks at: ${explain.looksAt}`,
    '',
    `Why it matters: ${explain.why}`,
    '',
    `Fix by hand: ${explain.manualFix}`,
    ...(explain.limits ? ['', `Limits: ${explain.limits}`] : []),
    '',
    `Severity: ${check.severity}. ${check.fixable ? 'agent cleanup --yes fixes it.' : 'agent cleanup cannot fix it.'}${check.liveOnly ? ' Live machines only.' : ''}`,
    '',
    `Config file (--config FILE, or /etc/marketplace-agent.ini):`,
    `  [check.${check.id}]`,
    `  severity = fail | warn | off      ; off skips it; warn turns its failures into warnings`,
    `  ignore = /path/glob/*, code:ID    ; findings to leave out (* within a directory, ** across)`,
    '',
  ];
  process.stdout.write(text.join('\n'));
  return 0;
}
