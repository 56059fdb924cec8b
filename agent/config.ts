// The config file (ini): skip checks, change a check's severity, ignore findings a product must
// ship. Read from --config FILE, or /etc/marketplace-agent.ini on the machine running the agent
// when it exists. Anything it does not know is an error, never silently ignored.
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { parse } from 'ini';
import type { Finding, Severity } from './types.js';
import { UsageError } from './cli/usage-error.js';

const DEFAULT_CONFIG_PATH = '/etc/marketplace-agent.ini';

export interface AgentConfig {
  source?: string;
  skip: Set<string>;
  offline?: boolean;
  severity: Record<string, Severity>;
  off: Set<string>;
  ignore: Record<string, (finding: Finding) => boolean>;
}

const AGENT_KEYS = new Set(['skip', 'offline']);
const CHECK_KEYS = new Set(['severity', 'ignore']);
const SEVERITIES = new Set(['fail', 'warn', 'off']);

function listOf(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((item) => String(item).split(',')).map((item) => item.trim()).filter(Boolean);
}

/** `*` matches within one path component, `**` across components; `code:ID` matches a finding code. */
function ignoreMatcher(patterns: readonly string[]): (finding: Finding) => boolean {
  const codes = new Set(patterns.filter((p) => p.startsWith('code:')).map((p) => p.slice(5)));
  const paths = patterns
    .filter((p) => !p.startsWith('code:'))
    .map((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '.*')}$`));
  return (finding) => codes.has(finding.code) || (finding.path !== undefined && paths.some((p) => p.test(finding.path as string)));
}

// Error messages never repeat a value from the file (a misplaced password must not reach a CI
// log); a name is shown only when it looks like a check id or a key.
const LOOKS_LIKE_NAME = /^[a-z][a-z0-9_-]{0,39}$/;
const shown = (name: string) => (LOOKS_LIKE_NAME.test(name) ? `'${name}'` : '(not shown)');

function parseBoolean(file: string, key: string, value: unknown): boolean {
  if (value === true || value === 'true' || value === 'yes') return true;
  if (value === false || value === 'false' || value === 'no') return false;
  throw new UsageError(`${file}: ${key} must be true or false`);
}

function applyAgentSection(config: AgentConfig, file: string, body: Record<string, unknown>, knownChecks: ReadonlySet<string>): void {
  for (const [key, value] of Object.entries(body)) {
    if (!AGENT_KEYS.has(key)) throw new UsageError(`${file}: unknown key ${shown(key)} in [agent] (known: ${[...AGENT_KEYS].join(', ')})`);
    if (key === 'offline') {
      config.offline = parseBoolean(file, 'offline', value);
      continue;
    }
    for (const id of listOf(value)) {
      if (!knownChecks.has(id)) throw new UsageError(`${file}: unknown check id ${shown(id)} in [agent] skip (see: agent list)`);
      config.skip.add(id);
    }
  }
}

function applyCheckSection(config: AgentConfig, file: string, id: string, body: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(body)) {
    if (!CHECK_KEYS.has(key)) throw new UsageError(`${file}: unknown key ${shown(key)} in [check.${id}] (known: severity, ignore)`);
    if (key === 'ignore') {
      config.ignore[id] = ignoreMatcher(listOf(value));
    } else if (!SEVERITIES.has(String(value))) {
      throw new UsageError(`${file}: severity of ${id} must be fail, warn or off`);
    } else if (value === 'off') {
      config.off.add(id);
    } else {
      config.severity[id] = value as Severity;
    }
  }
}

const isSection = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function parseConfig(text: string, file: string, knownChecks: ReadonlySet<string>): AgentConfig {
  const config: AgentConfig = { source: file, skip: new Set(), severity: {}, off: new Set(), ignore: {} };
  // ini nests dotted sections: [check.log-files] arrives as { check: { 'log-files': {...} } }.
  for (const [name, body] of Object.entries(parse(text) as Record<string, unknown>)) {
    if (!isSection(body)) throw new UsageError(`${file}: ${shown(name)} is outside a section ([agent] or [check.ID])`);
    if (name === 'agent') {
      applyAgentSection(config, file, body, knownChecks);
      continue;
    }
    if (name !== 'check') throw new UsageError(`${file}: unknown section ${shown(name)} (known: [agent], [check.ID])`);
    for (const [id, checkBody] of Object.entries(body)) {
      if (!knownChecks.has(id)) throw new UsageError(`${file}: unknown check id ${shown(id)} in a [check.ID] section (see: agent list)`);
      if (!isSection(checkBody)) throw new UsageError(`${file}: ${shown(id)} in [check] must be a section [check.ID]`);
      applyCheckSection(config, file, id, checkBody);
    }
  }
  return config;
}

// A config file is a few lines; /dev/zero or a FIFO named by mistake must not hang the agent.
const MAX_CONFIG_BYTES = 1024 * 1024;

/** The file's text, when it is a regular file of at most MAX_CONFIG_BYTES (O_NONBLOCK: a FIFO never waits). */
function readConfigFile(file: string): string {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new UsageError(`--config ${file}: not a regular file`);
    if (stats.size > MAX_CONFIG_BYTES) throw new UsageError(`--config ${file}: larger than 1 MiB`);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** The explicit --config file (must exist), else the default one when present, else nothing. */
export function loadConfig(explicit: string | undefined, knownChecks: ReadonlySet<string>): AgentConfig {
  const file = explicit ?? DEFAULT_CONFIG_PATH;
  let text: string;
  try {
    text = readConfigFile(file);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if (explicit === undefined && (err as NodeJS.ErrnoException).code === 'ENOENT') return { skip: new Set(), severity: {}, off: new Set(), ignore: {} };
    throw new UsageError(`--config ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseConfig(text, file, knownChecks);
}
