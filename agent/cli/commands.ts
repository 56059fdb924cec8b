// The command table: parsing, --format choices, `--help`, `help COMMAND` and dispatch are all
// driven from it. Each command's code is loaded when it runs, so `--version` and `help` start
// without evaluating the checks.
import type { ParseArgsConfig } from 'node:util';
import { formatsFor } from '../reporters/index.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  value?: string;
  description: string;
  choices?: readonly string[];
}

export type OptionValues = Record<string, string | boolean | undefined>;

export interface Invocation {
  values: OptionValues;
  positionals: string[];
  /** Colour the output: a terminal, no NO_COLOR, no --no-color. */
  color: boolean;
}

export interface CommandSpec {
  name: string;
  summary: string;
  options: Record<string, OptionSpec>;
  positionals?: { min: number; max: number; name: string };
  run(invocation: Invocation): Promise<number>;
}

const colorOption: OptionSpec = { type: 'boolean', description: 'never colour the output (also: NO_COLOR set, or not a terminal)' };
const formatOption = (output: 'report' | 'cleanup' | 'list'): OptionSpec => ({ type: 'string', value: 'FORMAT', description: 'output format on stdout', choices: formatsFor(output) });
const selection = {
  only: { type: 'string', value: 'ID,..', description: 'run only these checks' },
  skip: { type: 'string', value: 'ID,..', description: 'do not run these checks' },
} as const;
const sessionOptions = {
  offline: { type: 'boolean', description: 'do not refresh package lists: use those on disk (the report says so)' },
  config: { type: 'string', value: 'FILE', description: 'config file (default /etc/marketplace-agent.ini when it exists)' },
  timeout: { type: 'string', value: 'SECONDS', description: 'time limit of each check (default 300)' },
} as const;

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'check',
    summary: 'check the image and report every problem',
    options: {
      root: { type: 'string', value: 'DIR', description: 'check the image mounted at DIR instead of this machine (no root needed)' },
      image: { type: 'string', value: 'FILE', description: 'check an image file (raw, qcow2, vmdk, vdi, vhdx): attached read-only, left byte-identical (root, qemu-utils)' },
      format: formatOption('report'),
      ...selection,
      strict: { type: 'boolean', description: 'exit 1 on warnings too' },
      ...sessionOptions,
      report: { type: 'string', value: 'FILE', description: 'also write the JSON report to FILE' },
      'no-color': colorOption,
    },
    run: async (invocation) => (await import('./check-command.js')).checkCommand(invocation),
  },
  {
    name: 'cleanup',
    summary: 'plan (and with --yes apply) the fixes, then check again',
    options: {
      root: { type: 'string', value: 'DIR', description: 'clean the image mounted at DIR (package commands are skipped there)' },
      image: { type: 'string', value: 'FILE', description: 'clean an image file (raw, qcow2, vmdk, vdi, vhdx) as --root does; written only with --yes (root, qemu-utils)' },
      yes: { type: 'boolean', description: 'apply the plan; without it nothing is changed' },
      only: { ...selection.only, description: 'fix only what these checks find' },
      skip: { ...selection.skip, description: 'leave what these checks find' },
      'no-upgrade': { type: 'boolean', description: 'do not upgrade packages' },
      'reclaim-free-space': { type: 'boolean', description: 'discard the free blocks (fstrim) so the snapshot or image file is smaller; zero fill where the disk cannot discard' },
      'zero-free-space': { type: 'boolean', description: 'fill the free space with zeros and remove the file (smaller snapshots)' },
      'remove-self': { type: 'boolean', description: "delete the agent's own binary at the very end" },
      ...sessionOptions,
      format: formatOption('cleanup'),
      'no-color': colorOption,
    },
    run: async (invocation) => (await import('./cleanup-command.js')).cleanupCommand(invocation),
  },
  {
    name: 'list',
    summary: 'list every check with its id, severity and whether cleanup can fix it',
    options: { format: formatOption('list'), 'no-color': colorOption },
    run: async (invocation) => (await import('./list-command.js')).listCommand(invocation),
  },
  {
    name: 'explain',
    summary: 'what a check looks at, why it matters, and how to fix it by hand',
    options: {},
    positionals: { min: 1, max: 1, name: 'ID' },
    run: async (invocation) => (await import('./list-command.js')).explainCommand(invocation.positionals[0]),
  },
  {
    name: 'help',
    summary: 'show help for a command',
    options: {},
    positionals: { min: 0, max: 1, name: 'COMMAND' },
    run: async (invocation) => (await import('./help.js')).helpCommand(invocation.positionals[0]),
  },
  {
    name: 'version',
    summary: 'print the version',
    options: {},
    run: async () => (await import('./help.js')).versionCommand(),
  },
];

export const COMMANDS_BY_NAME: ReadonlyMap<string, CommandSpec> = new Map(COMMANDS.map((c) => [c.name, c]));

/** The usage line, from the options: `agent check [--root DIR] [--format text|json|junit] ...`. */
export function usageOf(spec: CommandSpec): string {
  const options = Object.entries(spec.options).map(([name, option]) => {
    if (option.type === 'boolean') return `[--${name}]`;
    return `[--${name} ${option.choices ? option.choices.join('|') : option.value}]`;
  });
  const positional = spec.positionals ? [spec.positionals.min > 0 ? spec.positionals.name : `[${spec.positionals.name}]`] : [];
  return ['agent', spec.name, ...positional, ...options].join(' ');
}

export function parseArgsConfig(spec: CommandSpec): ParseArgsConfig['options'] {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, option] of Object.entries(spec.options)) options[name] = { type: option.type };
  return options;
}
