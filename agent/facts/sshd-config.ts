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

async function readInto(host: Host, file: string, config: SshdConfig, depth: number, inMatch: boolean): Promise<boolean> {
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
    const text = lines[index].trim();
    if (text === '' || text.startsWith('#')) continue;
    // "Keyword value" or "Keyword=value".
    const match = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(text);
    const keyword = (match ? match[1] : text).toLowerCase();
    const args = match ? splitConfigWords(match[2]) : [];
    if (keyword === 'match') {
      conditional = !(args[0]?.toLowerCase() === 'all');
      continue;
    }
    if (keyword === 'include') {
      if (depth >= MAX_INCLUDE_DEPTH) {
        config.errors.push(`${file}: Include nested too deeply`);
        continue;
      }
      for (const pattern of args) {
        for (const included of await expandInclude(host, pattern)) {
          conditional = await readInto(host, included, config, depth + 1, conditional);
        }
      }
      continue;
    }
    config.settings.push({ keyword, args, file, line: index + 1, conditional });
  }
  return conditional;
}

export function readSshdConfig(host: Host): Promise<SshdConfig> {
  return host.memo('sshd_config', async () => {
    const config: SshdConfig = { mainFile: null, settings: [], errors: [] };
    const main = '/etc/ssh/sshd_config';
    const stats = await host.stat(main).catch(() => null);
    if (stats) config.mainFile = main;
    await readInto(host, main, config, 0, false);
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
