// The image's apt sources files, and for --root mode their text rewritten so that the host's apt
// reads them as the image would: `file:` repositories and Signed-By keyrings are paths inside the
// image, so they get the root prefixed; everything else is kept as it is.
import { posix } from 'node:path';
import type { Host } from '../agent/host.js';

function rebase(root: string, path: string): string {
  return path.startsWith('/') ? posix.join(root, path) : path;
}

/** One-line format: deb [signed-by=/path trusted=yes] file:/srv/repo ./ */
export function rewriteOneLine(text: string, root: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(/(signed-by=)(\/[^\s\],]+)/g, (_, key: string, path: string) => `${key}${rebase(root, path)}`)
        .replace(/(^\s*deb(?:-src)?\s+(?:\[[^\]]*\]\s+)?)file:(\/\S*)/, (_, head: string, path: string) => `${head}file:${rebase(root, path)}`),
    )
    .join('\n');
}

/** deb822 format: URIs: file:/srv/repo / Signed-By: /usr/share/keyrings/x.gpg (a path, not an inline key). */
export function rewriteDeb822(text: string, root: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(/^(Signed-By:\s*)(\/\S+)\s*$/i, (_, key: string, path: string) => `${key}${rebase(root, path)}`)
        .replace(/^(URIs:.*?)file:(\/\S*)/i, (_, head: string, path: string) => `${head}file:${rebase(root, path)}`),
    )
    .join('\n');
}

export interface SourcesFile {
  /** `sources.list`, or the name of a file in sources.list.d. */
  name: string;
  /** Its path inside the image. */
  path: string;
  text: string;
  format: 'one-line' | 'deb822';
}

/** The image's apt sources files as apt would read them (*.list and *.sources in sources.list.d). */
export async function readImageSources(host: Host, unread?: (path: string, err: unknown) => void): Promise<SourcesFile[]> {
  const files: SourcesFile[] = [];
  // Without `unread`, a file that cannot be read throws (the caller's whole answer depends on it).
  const read = async (path: string) => {
    try {
      return await host.readText(path);
    } catch (err) {
      if (!unread) throw err;
      unread(path, err);
      return null;
    }
  };
  const mainText = await read('/etc/apt/sources.list');
  if (mainText !== null) files.push({ name: 'sources.list', path: '/etc/apt/sources.list', text: mainText, format: 'one-line' });
  let names: string[];
  try {
    names = (await host.list('/etc/apt/sources.list.d')) ?? [];
  } catch (err) {
    if (!unread) throw err;
    unread('/etc/apt/sources.list.d', err);
    names = [];
  }
  for (const name of names.sort()) {
    const format = name.endsWith('.list') ? 'one-line' : name.endsWith('.sources') ? 'deb822' : null;
    const path = posix.join('/etc/apt/sources.list.d', name);
    const text = format ? await read(path) : null;
    if (format && text !== null) files.push({ name, path, text, format });
  }
  return files;
}

/** A sources text with the image's paths (file: repositories, Signed-By keyrings) made host paths. */
export function rebaseSources(text: string, format: SourcesFile['format'], root: string): string {
  return format === 'deb822' ? rewriteDeb822(text, root) : rewriteOneLine(text, root);
}

/** One source entry as apt reads it: a line of the one-line format or a deb822 stanza. */
export interface SourceEntry {
  /** Line of the entry (the stanza's first line in deb822). */
  line: number;
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  /** Options by lower-case name (one-line [key=value]; deb822 fields), values as written. */
  options: Map<string, string>;
}

/** A URI of the one-line format: cdrom:[Label with spaces]/ is one token. */
function splitOneLine(rest: string): string[] {
  const tokens: string[] = [];
  const re = /cdrom:\[[^\]]*\]\S*|\S+/g;
  for (let m = re.exec(rest); m; m = re.exec(rest)) tokens.push(m[0]);
  return tokens;
}

/** One-line format: `deb [opt=val ...] URI SUITE [COMPONENT...]`; `#` starts a comment anywhere. */
export function parseOneLineEntries(text: string): SourceEntry[] {
  const entries: SourceEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    // A cdrom: label may hold '#': only a '#' outside its brackets starts a comment.
    const line = raw.replace(/^((?:[^#[]|\[[^\]]*\])*)#.*$/, '$1').trim();
    const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s*)?(.*)$/.exec(line);
    if (!m) return;
    const options = new Map<string, string>();
    for (const option of (m[2] ?? '').trim().split(/\s+/).filter(Boolean)) {
      const eq = option.indexOf('=');
      if (eq > 0) options.set(option.slice(0, eq).replace(/[+-]$/, '').toLowerCase(), option.slice(eq + 1));
    }
    const [uri, suite, ...components] = splitOneLine(m[3]);
    if (!uri || !suite) return;
    entries.push({ line: index + 1, types: [m[1]], uris: [uri], suites: [suite], components, options });
  });
  return entries;
}

/** deb822 format: stanzas of `Field: value` (continuation lines start with a space), `#` comments. */
export function parseDeb822Entries(text: string): SourceEntry[] {
  const entries: SourceEntry[] = [];
  let fields = new Map<string, string>();
  let start = 0;
  let last = '';
  const flush = () => {
    if (fields.size > 0) {
      const list = (name: string) => (fields.get(name) ?? '').split(/\s+/).filter(Boolean);
      const entry: SourceEntry = { line: start, types: list('types'), uris: list('uris'), suites: list('suites'), components: list('components'), options: fields };
      if (entry.types.length > 0 && entry.uris.length > 0 && !/^(no|false|0|off)$/i.test(fields.get('enabled') ?? '')) entries.push(entry);
    }
    fields = new Map();
    last = '';
  };
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return flush();
    if (raw.startsWith('#')) return;
    if (/^[ \t]/.test(raw)) {
      if (last) fields.set(last, `${fields.get(last) ?? ''}\n${raw.trim()}`);
      return;
    }
    const m = /^([^:\s]+):\s*(.*)$/.exec(raw);
    if (!m) return;
    if (fields.size === 0) start = index + 1;
    last = m[1].toLowerCase();
    fields.set(last, m[2].trim());
  });
  flush();
  return entries;
}

/** The entries of a sources file, whatever its format. */
export function sourceEntries(file: SourcesFile): SourceEntry[] {
  return file.format === 'deb822' ? parseDeb822Entries(file.text) : parseOneLineEntries(file.text);
}
