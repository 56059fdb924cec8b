// Entry point: parse the command line, dispatch, and turn every failure into one line and a
// documented exit code. Nothing below prints a stack trace unless AGENT_DEBUG is set.
import { parseArgs } from 'node:util';
import { COMMANDS_BY_NAME, parseArgsConfig } from './cli/commands.js';
import { commandHelp, mainHelp } from './cli/help.js';
import { IncompleteError, UsageError } from './cli/usage-error.js';
import { EXIT } from './report.js';
import { VERSION } from './version.js';

function useColor(noColor: boolean | undefined): boolean {
  return !noColor && !process.env.NO_COLOR && process.stdout.isTTY === true;
}

async function dispatch(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') {
    process.stdout.write(mainHelp());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '--version' || first === '-V') {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const spec = COMMANDS_BY_NAME.get(first);
  if (!spec) throw new UsageError(first.startsWith('-') ? `unknown option '${first}'` : `unknown command '${first}'`);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: parseArgsConfig(spec), strict: true, allowPositionals: true });
  } catch (err) {
    // node's messages are multi-line and mention its own internals: keep the first sentence.
    throw new UsageError(((err as Error).message.split('\n')[0] ?? 'bad arguments').replace(/\. To specify.*$/, ''));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const { positionals } = parsed;
  if (values.help) {
    process.stdout.write(commandHelp(spec));
    return EXIT.ok;
  }
  const allowed = spec.positionals ?? { min: 0, max: 0, name: '' };
  if (positionals.length > allowed.max) throw new UsageError(`${spec.name}: unexpected argument '${positionals[allowed.max]}'`);
  if (positionals.length < allowed.min) throw new UsageError(`${spec.name}: missing ${allowed.name}`);
  const option = (name: string) => values[name] as string | undefined;
  switch (spec.name) {
    // Commands are loaded when used, so `--version` and `help` start without evaluating the checks.
    case 'check':
      return (await import('./cli/check-command.js')).checkCommand({
        root: option('root'),
        image: option('image'),
        format: option('format'),
        only: option('only'),
        skip: option('skip'),
        strict: values.strict === true,
        offline: values.offline === true ? true : undefined,
        config: option('config'),
        report: option('report'),
        timeout: option('timeout'),
        color: useColor(values['no-color'] as boolean | undefined),
      });
    case 'cleanup':
      return (await import('./cli/cleanup-command.js')).cleanupCommand({
        root: option('root'),
        image: option('image'),
        only: option('only'),
        skip: option('skip'),
        offline: values.offline === true ? true : undefined,
        config: option('config'),
        timeout: option('timeout'),
        format: option('format'),
        yes: values.yes === true,
        noUpgrade: values['no-upgrade'] === true,
        zeroFreeSpace: values['zero-free-space'] === true,
        reclaimFreeSpace: values['reclaim-free-space'] === true,
        removeSelf: values['remove-self'] === true,
        color: useColor(values['no-color'] as boolean | undefined),
      });
    case 'list':
      return (await import('./cli/list-command.js')).listCommand(option('format'));
    case 'explain':
      return (await import('./cli/list-command.js')).explainCommand(positionals[0]);
    case 'help': {
      const topic = positionals[0];
      if (!topic) {
        process.stdout.write(mainHelp());
        return EXIT.ok;
      }
      const target = COMMANDS_BY_NAME.get(topic);
      if (!target) throw new UsageError(`help: unknown command '${topic}'`);
      process.stdout.write(commandHelp(target));
      return EXIT.ok;
    }
    default:
      process.stdout.write(`${VERSION}\n`);
      return EXIT.ok;
  }
}

export async function main(argv: string[]): Promise<number> {
  // `agent check | head` closes stdout early: that is not an error worth a trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT.ok);
  });
  try {
    return await dispatch(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`agent: ${err.message}\nTry 'agent --help'.\n`);
      return EXIT.usage;
    }
    if (err instanceof IncompleteError) {
      process.stderr.write(`agent: ${err.message}\n`);
      return EXIT.incomplete;
    }
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    process.stderr.write(`agent: internal error: ${message}\n`);
    if (process.env.AGENT_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    return EXIT.incomplete;
  }
}
