// The command table: parsing, `--help` and `help COMMAND` are generated from it.
import type { ParseArgsConfig } from 'node:util';

export interface OptionSpec {
  type: 'string' | 'boolean';
  value?: string;
  description: string;
  choices?: readonly string[];
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  positionals?: { min: number; max: number; name: string };
}

const colorOption: OptionSpec = { type: 'boolean', description: 'never colour the output (also: NO_COLOR set, or not a terminal)' };

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'check',
    summary: 'check the image and report every problem',
    usage: 'agent check [--root DIR | --image FILE] [--format text|json|junit] [--only ID,..] [--skip ID,..] [--strict] [--offline] [--config FILE] [--report FILE] [--no-color]',
    options: {
      root: { type: 'string', value: 'DIR', description: 'check the image mounted at DIR instead of this machine (no root needed)' },
      image: { type: 'string', value: 'FILE', description: 'check an image file (raw, qcow2, vmdk, vdi, vhdx): attached read-only, left byte-identical (root, qemu-utils)' },
      format: { type: 'string', value: 'FORMAT', description: 'output format on stdout', choices: ['text', 'json', 'junit'] },
      only: { type: 'string', value: 'ID,..', description: 'run only these checks' },
      skip: { type: 'string', value: 'ID,..', description: 'do not run these checks' },
      strict: { type: 'boolean', description: 'exit 1 on warnings too' },
      offline: { type: 'boolean', description: 'do not refresh package lists: use those on disk (the report says so)' },
      config: { type: 'string', value: 'FILE', description: 'config file (default /etc/marketplace-agent.ini when it exists)' },
      report: { type: 'string', value: 'FILE', description: 'also write the JSON report to FILE' },
      timeout: { type: 'string', value: 'SECONDS', description: 'time limit of each check (default 300)' },
      'no-color': colorOption,
    },
  },
  {
    name: 'cleanup',
    summary: 'plan (and with --yes apply) the fixes, then check again',
    usage: 'agent cleanup [--root DIR | --image FILE] [--yes] [--only ID,..] [--skip ID,..] [--no-upgrade] [--reclaim-free-space | --zero-free-space] [--remove-self] [--format text|json]',
    options: {
      root: { type: 'string', value: 'DIR', description: 'clean the image mounted at DIR (package commands are skipped there)' },
      image: { type: 'string', value: 'FILE', description: 'clean an image file (raw, qcow2, vmdk, vdi, vhdx) as --root does; written only with --yes (root, qemu-utils)' },
      yes: { type: 'boolean', description: 'apply the plan; without it nothing is changed' },
      only: { type: 'string', value: 'ID,..', description: 'fix only what these checks find' },
      skip: { type: 'string', value: 'ID,..', description: 'leave what these checks find' },
      'no-upgrade': { type: 'boolean', description: 'do not upgrade packages' },
      'reclaim-free-space': { type: 'boolean', description: 'discard the free blocks (fstrim) so the snapshot or image file is smaller; zero fill where the disk cannot discard' },
      'zero-free-space': { type: 'boolean', description: 'fill the free space with zeros and remove the file (smaller snapshots)' },
      'remove-self': { type: 'boolean', description: "delete the agent's own binary at the very end" },
      offline: { type: 'boolean', description: 'do not refresh package lists' },
      config: { type: 'string', value: 'FILE', description: 'config file (default /etc/marketplace-agent.ini when it exists)' },
      format: { type: 'string', value: 'FORMAT', description: 'output format', choices: ['text', 'json'] },
      timeout: { type: 'string', value: 'SECONDS', description: 'time limit of each check (default 300)' },
      'no-color': colorOption,
    },
  },
  {
    name: 'list',
    summary: 'list every check with its id, severity and whether cleanup can fix it',
    usage: 'agent list [--format text|json] [--no-color]',
    options: {
      format: { type: 'string', value: 'FORMAT', description: 'output format', choices: ['text', 'json'] },
      'no-color': colorOption,
    },
  },
  {
    name: 'explain',
    summary: 'what a check looks at, why it matters, and how to fix it by hand',
    usage: 'agent explain ID',
    options: {},
    positionals: { min: 1, max: 1, name: 'ID' },
  },
  {
    name: 'help',
    summary: 'show help for a command',
    usage: 'agent help [COMMAND]',
    options: {},
    positionals: { min: 0, max: 1, name: 'COMMAND' },
  },
  {
    name: 'version',
    summary: 'print the version',
    usage: 'agent version',
    options: {},
  },
];

export const COMMANDS_BY_NAME: ReadonlyMap<string, CommandSpec> = new Map(COMMANDS.map((c) => [c.name, c]));

export function parseArgsConfig(spec: CommandSpec): ParseArgsConfig['options'] {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, option] of Object.entries(spec.options)) options[name] = { type: option.type };
  return options;
}
