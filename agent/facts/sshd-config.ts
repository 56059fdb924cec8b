// sshd_config as sshd reads it: keywords are case-insensitive, the first value wins, Include
// pulls in drop-ins (in lexical order, at the point of inclusion), and a Match block makes the
// lines after it conditional, so they are kept apart from the global settings.
import type { Host } from '../host.js';
import { expandInclude } from './include-glob.js';

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
  /** Every file was read (otherwise the checks that used it are `error`, through the host). */
  complete: boolean;
}

type Unread = (path: string | undefined, reason: unknown) => void;

const MAX_INCLUDE_DEPTH = 16;
// Drop-ins that each Include the drop-in glob fan out: depth alone let 2 of them read ~2^16 files.
const MAX_FILES = 256;

/** The state of one read of sshd_config and its includes. */
interface Reading {
  config: SshdConfig;
  unread: Unread;
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

// "Keyword value" or "Keyword=value". [^]* rather than .*, which stops at a CR, U+2028 or U+2029
// inside the line and made the whole line the keyword (sshd takes them as blanks).
const KEYWORD_LINE = /^(\S+?)(?:\s*=\s*|\s+)([^]*)$/;

/** May `file` be read now? Records why not: an include loop, or too many files in all. */
function mayRead(reading: Reading, file: string): boolean {
  const including = reading.stack[reading.stack.length - 1];
  if (reading.stack.includes(file)) {
    // sshd refuses a file that is already being read; the rest of the configuration is still read.
    reading.unread(including, `Include loop at ${file}`);
    return false;
  }
  if (++reading.files > MAX_FILES) {
    if (reading.files === MAX_FILES + 1) reading.unread(including, `Include reads more than ${MAX_FILES} files`);
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
  let content: string | null;
  try {
    content = await host.readText(file, { maxBytes: 1024 * 1024 });
  } catch (err) {
    reading.unread(file, err);
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
        reading.unread(file, 'Include nested too deeply');
        continue;
      }
      for (const pattern of args) {
        let included: string[];
        try {
          included = await expandInclude(host, pattern, '/etc/ssh');
        } catch (err) {
          reading.unread(undefined, err);
          continue;
        }
        for (const path of included) conditional = await readInto(host, path, reading, conditional);
      }
      continue;
    }
    reading.config.settings.push({ keyword, args, file, line: index + 1, conditional });
  }
  return conditional;
}

/**
 * A file (or Include directory) that cannot be read is recorded as unread and the rest is read:
 * the checks that use the configuration are then `error`, never a verdict on part of it.
 */
export function readSshdConfig(host: Host): Promise<SshdConfig> {
  return host.fact('sshd_config', async (unread) => {
    const config: SshdConfig = { mainFile: null, settings: [], complete: true };
    const main = '/etc/ssh/sshd_config';
    const record: Unread = (path, reason) => {
      config.complete = false;
      unread(path, reason);
    };
    try {
      if (await host.stat(main)) config.mainFile = main;
    } catch (err) {
      record(main, err);
    }
    await readInto(host, main, { config, unread: record, stack: [], files: 0 }, false);
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
