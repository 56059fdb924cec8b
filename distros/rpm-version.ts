// rpm version ordering: rpmvercmp (rpmio/rpmvercmp.c, rpm 4.15 and later, with '^') ported
// character by character, and [epoch:]version-release on top of it. test/unit/version-order.test.ts
// checks it against rpm's own rpm.vercmp on generated cases.

const isDigit = (c: string) => c >= '0' && c <= '9';
const isAlpha = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isAlnum = (c: string) => isDigit(c) || isAlpha(c);

/** -1, 0 or 1 as version (or release) string a is older than, equal to or newer than b. */
export function rpmVerCmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  // '' past the end, as C's NUL.
  const at = (s: string, k: number) => (k < s.length ? s[k] : '');
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++;
    const x = at(a, i);
    const y = at(b, j);
    // '~' sorts before everything, the end included.
    if (x === '~' || y === '~') {
      if (x !== '~') return 1;
      if (y !== '~') return -1;
      i++;
      j++;
      continue;
    }
    // '^' sorts after the end of a version but before anything else.
    if (x === '^' || y === '^') {
      if (!x) return -1;
      if (!y) return 1;
      if (x !== '^') return 1;
      if (y !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (!x || !y) break;
    // One segment of the kind a starts with; b's segment of that kind may be empty.
    const numeric = isDigit(x);
    const kind = numeric ? isDigit : isAlpha;
    let ei = i;
    let ej = j;
    while (ei < a.length && kind(a[ei])) ei++;
    while (ej < b.length && kind(b[ej])) ej++;
    if (ej === j) return numeric ? 1 : -1; // a number is newer than letters
    let one = a.slice(i, ei);
    let two = b.slice(j, ej);
    if (numeric) {
      one = one.replace(/^0+/, '');
      two = two.replace(/^0+/, '');
      if (one.length !== two.length) return one.length > two.length ? 1 : -1;
    }
    if (one !== two) return one > two ? 1 : -1;
    i = ei;
    j = ej;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

/** Compares `[epoch:]version-release` strings (a missing epoch is 0, a missing release empty). */
export function compareEvr(a: string, b: string): number {
  const split = (evr: string) => {
    const m = /^(?:(\d+):)?(.*?)(?:-([^-]*))?$/.exec(evr) as RegExpExecArray;
    return { epoch: Number(m[1] ?? 0), version: m[2], release: m[3] ?? '' };
  };
  const x = split(a);
  const y = split(b);
  if (x.epoch !== y.epoch) return x.epoch > y.epoch ? 1 : -1;
  return rpmVerCmp(x.version, y.version) || rpmVerCmp(x.release, y.release);
}
