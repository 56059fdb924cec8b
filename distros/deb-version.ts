// Debian version ordering, as dpkg defines it (deb-version(7); lib/dpkg/version.c): the epoch
// numerically, then the upstream version and the revision with verrevcmp, where '~' sorts before
// everything (even the end of the string), letters before other characters, and digit runs
// compare as numbers. test/unit/deb-version.test.ts checks it against `dpkg --compare-versions`.

export interface DebVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

/** [epoch:]upstream[-revision]: the revision is after the LAST hyphen, the epoch before the first colon. */
export function parseDebVersion(version: string): DebVersion {
  const text = version.trim();
  const colon = text.indexOf(':');
  const epoch = colon > 0 && /^\d+$/.test(text.slice(0, colon)) ? Number(text.slice(0, colon)) : 0;
  const rest = colon > 0 ? text.slice(colon + 1) : text;
  const hyphen = rest.lastIndexOf('-');
  return hyphen >= 0 ? { epoch, upstream: rest.slice(0, hyphen), revision: rest.slice(hyphen + 1) } : { epoch, upstream: rest, revision: '' };
}

const isDigit = (code: number) => code >= 48 && code <= 57;
const isAlpha = (code: number) => (code >= 65 && code <= 90) || (code >= 97 && code <= 122);

/** dpkg's order(): digits 0 (handled apart), letters their code, '~' -1, the end 0, anything else code + 256. */
function order(code: number): number {
  if (Number.isNaN(code) || isDigit(code)) return 0;
  if (isAlpha(code)) return code;
  if (code === 126) return -1; // '~'
  return code + 256;
}

/** dpkg's verrevcmp: the sign of the result is what matters. */
function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // The non-digit prefix, character by character (past the end reads as NaN: order 0).
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = order(a.charCodeAt(i));
      const bc = order(b.charCodeAt(j));
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a.charCodeAt(i) === 48) i++;
    while (b.charCodeAt(j) === 48) j++;
    let firstDiff = 0;
    while (isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a.charCodeAt(i))) return 1;
    if (isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

/** Negative, 0 or positive as a is older than, equal to or newer than b. */
export function compareDebVersions(a: string, b: string): number {
  if (a === b) return 0;
  const x = parseDebVersion(a);
  const y = parseDebVersion(b);
  if (x.epoch !== y.epoch) return x.epoch > y.epoch ? 1 : -1;
  return Math.sign(verrevcmp(x.upstream, y.upstream) || verrevcmp(x.revision, y.revision));
}
