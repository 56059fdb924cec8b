// Help text, generated from the command table.
import { EXIT } from '../report.js';
import { AGENT_NAME, VERSION } from '../version.js';
import { COMMANDS, COMMANDS_BY_NAME, usageOf, type CommandSpec } from './commands.js';
import { UsageError } from './usage-error.js';

export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `${AGENT_NAME} ${VERSION}: checks (and cleans) a Linux image before it is snapshotted for the DigitalOcean Marketplace.`,
    '',
    'Usage: agent COMMAND [OPTIONS]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options: --help (also: agent help COMMAND), --version',
    '',
    exitCodesHelp(),
    '',
  ].join('\n');
}

function exitCodesHelp(): string {
  return [
    'Exit codes:',
    `  ${EXIT.ok}  every check passed or only warned`,
    `  ${EXIT.failed}  at least one check failed (with --strict: or warned)`,
    `  ${EXIT.usage}  usage error (unknown command, option or check id, bad value)`,
    `  ${EXIT.incomplete}  could not complete: a check errored, not root on a live machine, target unreadable, unknown distribution`,
  ].join('\n');
}

export function commandHelp(spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([name, option]) => {
    const flag = `--${name}${option.value ? ` ${option.value}` : ''}`;
    const choices = option.choices ? ` (${option.choices.join(', ')})` : '';
    return [flag, `${option.description}${choices}`];
  });
  const width = Math.max(0, ...rows.map(([flag]) => flag.length));
  return [
    `Usage: ${usageOf(spec)}`,
    '',
    `${spec.summary[0].toUpperCase()}${spec.summary.slice(1)}.`,
    ...(rows.length > 0 ? ['', 'Options:', ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`)] : []),
    ...(spec.name === 'check' ? ['', exitCodesHelp()] : []),
    '',
  ].join('\n');
}

export async function helpCommand(topic: string | undefined): Promise<number> {
  if (!topic) {
    process.stdout.write(mainHelp());
    return EXIT.ok;
  }
  const target = COMMANDS_BY_NAME.get(topic);
  if (!target) throw new UsageError(`help: unknown command '${topic}'`);
  process.stdout.write(commandHelp(target));
  return EXIT.ok;
}

export async function versionCommand(): Promise<number> {
  process.stdout.write(`${VERSION}\n`);
  return EXIT.ok;
}
