// sshd_config as sshd reads it: keywords are case-insensitive, the first value wins, Include
// pulls in drop-ins (in lexical order, at the point of inclusion), and a Match block makes the
// lines after it conditional, so they are kept apart from the global settings.
import { posix } from 'node:path';
import type { Host } from '../host.js';

export interface SshdSetting {
  keyword: string;
  args: string[];
  file: string;
  line: number;
  /** Inside a Match block: applies only to some connections. */
  conditional: boolean;
}

export interface SshdConfig {
  /** Null when /etc/ssh/sshd_config does not exist. */
  mainFile: string | null;
  settings: SshdSetting[];
  /** Files that could not be read, with the reason. */
  errors: string[];
}

const MAX_INCLUDE_DEPTH = 16;
// Drop-ins that each Include the drop-in glob fan out: depth alone let 2 of them read ~2^16 files.
const MAX_FILES = 256;

/** The state of one read of sshd_config and its includes. */
interface Reading {
  config: SshdConfig;
  /** The files being read, outermost first: one of them included again is a loop. */
  stack: string[];
  files: number;
}

/** Splits a config line into words, honouring double quotes (sshd's own argv splitting). */
export function splitConfigWords(text: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"|(\S+)/g;
  for (const match of text.matchAll(pattern)) words.push(match[1] ?? match[2]);
  return words;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** Expands an Include pattern; wildcards are honoured in the last component, as drop-ins use them. */
async function expandInclude(host: Host, pattern: string): Promise<string[]> {
  const absolute = pattern.startsWith('/') ? pattern : posix.join('/etc/ssh', pattern);
  const dir = posix.dirname(absolute);
  const base = posix.basename(absolute);
  if (!/[*?]/.test(base)) return [absolute];
  const names = (await host.list(dir)) ?? [];
  const matcher = globToRegExp(base);
  // As glob(3): a wildcard never matches a leading dot, so only a pattern starting with '.' finds dotfiles.
  const dotfiles = base.startsWith('.');
  return names.filter((name) => (dotfiles || !name.startsWith('.')) && matcher.test(name)).map((name) => posix.join(dir, name));
}

// "Keyword value" or "Keyword=value". [^]* rather than .*, which stops at a CR, U+2028 or U+2029
// inside the line and made the whole line the keyword (sshd takes them as blanks).
const KEYWORD_LINE = /^(\S+?)(?:\s*=\s*|\s+)([^]*)$/;

/** May `file` be read now? Records why not: an include loop, or too many files in all. */
function mayRead(reading: Reading, file: string): boolean {
  const including = reading.stack[reading.stack.length - 1];
  if (reading.stack.includes(file)) {
    // sshd refuses a file that is already being read; the rest of the configuration is still read.
    reading.config.errors.push(`${including}: Include loop at ${file}`);
    return false;
  }
  if (++reading.files > MAX_FILES) {
    if (reading.files === MAX_FILES + 1) reading.config.errors.push(`${including}: Include reads more than ${MAX_FILES} files`);
    return false;
  }
  return true;
}

async function readInto(host: Host, file: string, reading: Reading, inMatch: boolean): Promise<boolean> {
  if (!mayRead(reading, file)) return inMatch;
  reading.stack.push(file);
  try {
    return await readLines(host, file, reading, inMatch);
  } finally {
    reading.stack.pop();
  }
}

async function readLines(host: Host, file: string, reading: Reading, inMatch: boolean): Promise<boolean> {
  const { config } = reading;
  let content: string | null;
  try {
    content = await host.readText(file, { maxBytes: 1024 * 1024 });
  } catch (err) {
    config.errors.push((err as Error).message);
    return inMatch;
  }
  if (content === null) return inMatch;
  let conditional = inMatch;
  const lines = content.split('\n');
  for (let index = 0; index < lines.length; index++) {
    // trim() also drops the CR of a CRLF file.
    const text = lines[index].trim();
    if (text === '' || text.startsWith('#')) continue;
    const match = KEYWORD_LINE.exec(text);
    const keyword = (match ? match[1] : text).toLowerCase();
    const args = match ? splitConfigWords(match[2]) : [];
    if (keyword === 'match') {
      conditional = !(args[0]?.toLowerCase() === 'all');
      continue;
    }
    if (keyword === 'include') {
      if (reading.stack.length > MAX_INCLUDE_DEPTH) {
        config.errors.push(`${file}: Include nested too deeply`);
        continue;
      }
      for (const pattern of args) {
        for (const included of await expandInclude(host, pattern)) {
          conditional = await readInto(host, included, reading, conditional);
        }
      }
      continue;
    }
    config.settings.push({ keyword, args, file, line: index + 1, conditional });
  }
  return conditional;
}

/**
 * A file that cannot be read is recorded in `errors` and the rest is read; an Include directory
 * that cannot be listed throws UnreadableError (the checks that read the configuration error).
 */
export function readSshdConfig(host: Host): Promise<SshdConfig> {
  return host.memo('sshd_config', async () => {
    const config: SshdConfig = { mainFile: null, settings: [], errors: [] };
    const main = '/etc/ssh/sshd_config';
    const stats = await host.stat(main).catch(() => null);
    if (stats) config.mainFile = main;
    await readInto(host, main, { config, stack: [], files: 0 }, false);
    return config;
  });
}

/** The effective global value of a keyword: sshd keeps the first one it reads. */
export function firstSetting(config: SshdConfig, keyword: string): SshdSetting | undefined {
  return config.settings.find((setting) => setting.keyword === keyword && !setting.conditional);
}

/** Every value of a keyword, including those inside Match blocks (AuthorizedKeysFile may differ per user). */
export function allSettings(config: SshdConfig, keyword: string): SshdSetting[] {
  return config.settings.filter((setting) => setting.keyword === keyword);
}
