// `agent list` and `agent explain ID`: both read only the registry.
import { CHECKS, CHECKS_BY_ID } from '../../checks/index.js';
import { reporterFor } from '../reporters/index.js';
import type { Invocation } from './commands.js';
import { UsageError } from './usage-error.js';

export async function listCommand({ values, color }: Invocation): Promise<number> {
  const reporter = reporterFor((values.format as string | undefined) ?? 'text');
  process.stdout.write(reporter.list?.(CHECKS, { color, modules: CHECKS_BY_ID }) ?? '');
  return 0;
}

export async function explainCommand(id: string): Promise<number> {
  const check = CHECKS_BY_ID.get(id);
  if (!check) throw new UsageError(`unknown check id '${id}' (see: agent list)`);
  const { explain } = check;
  const codes = Object.entries(check.codes).map(([code, fix]) => `${code}${fix ? ' (cleanup fixes it)' : ''}`);
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
    `Finding codes: ${codes.join(', ')}.`,
    '',
    `Severity: ${check.severity}. ${check.canFix ? 'agent cleanup --yes fixes what its fixable codes report.' : 'agent cleanup cannot fix it.'}${check.liveOnly ? ' Live machines only.' : ''}`,
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
