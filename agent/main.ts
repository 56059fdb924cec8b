// Entry point: parse the command line against the command table, run the command, and turn every
// failure into one line and a documented exit code. Nothing below prints a stack trace unless
// AGENT_DEBUG is set.
import { parseArgs } from 'node:util';
import { COMMANDS_BY_NAME, parseArgsConfig, type CommandSpec, type Invocation } from './cli/commands.js';
import { commandHelp, mainHelp } from './cli/help.js';
import { IncompleteError, UsageError } from './cli/usage-error.js';
import { EXIT } from './report.js';
import { VERSION } from './version.js';

function useColor(noColor: boolean | undefined): boolean {
  return !noColor && !process.env.NO_COLOR && process.stdout.isTTY === true;
}

/**
 * `--timeout -1`: node's parser takes a value that starts with '-' for a forgotten value ("argument
 * is ambiguous"). Unless it is one of the command's own options, it is this option's value, and
 * the option's own check then names what is wrong with it.
 */
function joinDashValues(spec: CommandSpec, args: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith('--') ? args[i].slice(2) : undefined;
    const next = args[i + 1];
    const own = (arg: string) => arg === '-h' || arg === '--help' || (arg.startsWith('--') && arg.slice(2).split('=')[0] in spec.options);
    if (name !== undefined && spec.options[name]?.type === 'string' && next?.startsWith('-') && !own(next)) {
      joined.push(`${args[i]}=${next}`);
      i++;
    } else {
      joined.push(args[i]);
    }
  }
  return joined;
}

function parseInvocation(spec: CommandSpec, args: string[]): Invocation | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: joinDashValues(spec, args), options: parseArgsConfig(spec), strict: true, allowPositionals: true });
  } catch (err) {
    // node's messages are multi-line and mention its own internals: keep the first sentence.
    const first = (err as Error).message.split('\n')[0] ?? 'bad arguments';
    const missing = /^Option '(--[\w-]+)[^']*' argument (?:is ambiguous|missing)/.exec(first);
    throw new UsageError(missing ? `${missing[1]} needs a value` : first.replace(/\. To specify.*$/, ''));
  }
  const values = parsed.values as Invocation['values'];
  if (values.help) return 'help';
  const { positionals } = parsed;
  const allowed = spec.positionals ?? { min: 0, max: 0, name: '' };
  if (positionals.length > allowed.max) throw new UsageError(`${spec.name}: unexpected argument '${positionals[allowed.max]}'`);
  if (positionals.length < allowed.min) throw new UsageError(`${spec.name}: missing ${allowed.name}`);
  for (const [name, option] of Object.entries(spec.options)) {
    const value = values[name];
    if (typeof value === 'string' && option.choices && !option.choices.includes(value)) {
      throw new UsageError(`--${name} ${value}: not one of ${option.choices.join(', ')}`);
    }
  }
  return { values, positionals, color: useColor(values['no-color'] as boolean | undefined) };
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
  const invocation = parseInvocation(spec, rest);
  if (invocation === 'help') {
    process.stdout.write(commandHelp(spec));
    return EXIT.ok;
  }
  return spec.run(invocation);
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
