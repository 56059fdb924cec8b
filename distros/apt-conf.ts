// apt's configuration files (apt.conf(5)): `A::B "value";` or scopes `A { B "value"; };`, with
// //, /* */ and # comments. Only what the settings are is read; #include and #clear are not
// followed (they are treated as comments).

export interface AptSetting {
  /** The full name, scopes joined with `::` (apt compares them without regard to case). */
  key: string;
  value: string;
  line: number;
}

export function parseAptConf(text: string): AptSetting[] {
  const settings: AptSetting[] = [];
  const scopes: string[] = [];
  let key: string | null = null;
  let keyLine = 0;
  let value: string | null = null;
  let line = 1;
  let i = 0;
  const word = (token: string) => {
    if (key === null) {
      key = token;
      keyLine = line;
    } else value = token;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (c === '#' || text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      for (let j = i; j < stop; j++) if (text[j] === '\n') line++;
      i = stop;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      const stop = end < 0 ? text.length : end;
      const token = text.slice(i + 1, stop);
      for (const ch of token) if (ch === '\n') line++;
      word(token);
      i = stop + 1;
    } else if (c === '{') {
      if (key !== null) scopes.push(key);
      key = null;
      value = null;
      i++;
    } else if (c === '}') {
      scopes.pop();
      key = null;
      value = null;
      i++;
    } else if (c === ';') {
      if (key !== null) settings.push({ key: [...scopes, key].join('::'), value: value ?? '', line: keyLine });
      key = null;
      value = null;
      i++;
    } else {
      let j = i;
      while (j < text.length && !/[\s{};"]/.test(text[j])) j++;
      word(text.slice(i, j));
      i = j;
    }
  }
  return settings;
}

/**
 * The files apt reads in a .d directory: names of letters, digits, `_`, `-` and `.` only, with no
 * extension or the one given (apt.conf(5), sources.list(5)); backups (.bak, .dpkg-old, ~) are not.
 */
export function aptReadsPart(name: string, extension: string): boolean {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) return false;
  const dot = name.lastIndexOf('.');
  return dot <= 0 || name.slice(dot) === extension;
}
