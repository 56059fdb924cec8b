// Version ordering against the package managers' own: Debian versions against
// `dpkg --compare-versions`, rpm versions against rpm's rpm.vercmp (its Lua binding of
// rpmvercmp, in Debian's rpm package). Cases are generated (seeded) from small alphabets that
// crowd the rules' edges: '~', '^', leading zeros, letters against digits, separators, epochs,
// and hyphens inside the upstream version.
import t from 'tap';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { compareDebVersions, parseDebVersion } from '../../distros/deb-version.js';
import { compareEvr, rpmVerCmp } from '../../distros/rpm-version.js';

const SEED = 20261201;
const onPath = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

const pick = (chars: string, min: number, max: number) => fc.array(fc.constantFrom(...chars), { minLength: min, maxLength: max }).map((a) => a.join(''));

// Valid Debian versions: upstream starts with a digit; a hyphen only with a revision; a colon only with an epoch.
const debVersion = fc
  .record({
    epoch: fc.option(fc.constantFrom('0', '1', '2', '10'), { nil: undefined }),
    head: fc.constantFrom('0', '1', '2', '9', '10', '01'),
    upstream: pick('0019aZz.+~', 0, 6),
    hyphenated: pick('01a.~', 0, 3),
    revision: fc.option(pick('019ab.+~', 1, 4), { nil: undefined }),
  })
  .map(({ epoch, head, upstream, hyphenated, revision }) => {
    const up = revision !== undefined && hyphenated ? `${head}${upstream}-${hyphenated}` : `${head}${upstream}`;
    return `${epoch !== undefined ? `${epoch}:` : ''}${up}${revision !== undefined ? `-${revision}` : ''}`;
  });

/** Versions close to each other: the same version with one small edit, so equal and near cases come up. */
function pairsFrom(arbitrary: fc.Arbitrary<string>, count: number, edits: string): [string, string][] {
  const edit = fc.tuple(arbitrary, fc.nat(), fc.constantFrom(...edits), fc.constantFrom('insert', 'replace', 'append', 'same'));
  const near = edit.map(([v, at, ch, how]): [string, string] => {
    const i = at % (v.length + 1);
    if (how === 'same') return [v, v];
    if (how === 'append') return [v, v + ch];
    if (how === 'insert') return [v, v.slice(0, i) + ch + v.slice(i)];
    return [v, v.slice(0, i) + ch + v.slice(i + 1)];
  });
  return fc.sample(fc.oneof(fc.tuple(arbitrary, arbitrary), near), { seed: SEED, numRuns: count });
}

// Hand-picked cases from deb-version(7) and dpkg's own test suite.
const DEB_CASES: [string, string][] = [
  ['1.0', '1.0-0'], ['1.0~rc1', '1.0'], ['1.0~~', '1.0~'], ['1.0~', '1.0'], ['1.0', '1.0a'], ['1.0a', '1.0+'],
  ['1:1.0', '2.0'], ['0:1.0', '1.0'], ['1.0-1', '1.0-1.1'], ['1.0-1~deb12u1', '1.0-1'], ['3.0.11-1~deb12u2', '3.0.11-1~deb12u1'],
  ['1.001', '1.1'], ['1.0.0', '1.0'], ['7.88.1-10+deb12u8', '7.88.1-10+deb12u12'], ['2:8.2.2434-3+deb11u1', '2:9.0.1378-2'],
  ['1.2-3-4', '1.2-3'], ['a', '1'], ['1.0-a', '1.0-1'], ['9.8', '10.0'], ['1.0+dfsg', '1.0~dfsg'],
];

async function dpkgOrder(pairs: [string, string][]): Promise<number[]> {
  // One shell for all pairs: a process per comparison is the cost, not the shell loop.
  const script = 'while read -r a b; do if dpkg --compare-versions "$a" lt "$b"; then echo -1; elif dpkg --compare-versions "$a" eq "$b"; then echo 0; else echo 1; fi; done';
  const run = spawnSync('sh', ['-c', script], { input: pairs.map(([a, b]) => `${a} ${b}`).join('\n') + '\n', encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`dpkg loop failed: ${run.stderr}`);
  return run.stdout.trim().split('\n').map(Number);
}

t.test('Debian versions order as dpkg --compare-versions says', { skip: onPath('dpkg') ? false : 'dpkg is not installed' }, async (t) => {
  const pairs = [...DEB_CASES, ...pairsFrom(debVersion, 600, '0123456789az.+~-:')].filter(([a, b]) => [a, b].every(validDeb));
  const want = await dpkgOrder(pairs);
  const wrong = pairs.filter(([a, b], i) => compareDebVersions(a, b) !== want[i] || compareDebVersions(b, a) !== -want[i]);
  t.same(wrong, [], `${pairs.length} pairs, both ways`);
  t.ok(want.filter((w) => w === 0).length > 20 && want.filter((w) => w < 0).length > 100, 'the cases cover equal, older and newer');
});

/** What dpkg accepts without a syntax warning, so the generated edits stay comparable. */
function validDeb(version: string): boolean {
  const { upstream, revision } = parseDebVersion(version);
  const hasRevision = version.replace(/^\d+:/, '').includes('-');
  return /^(\d+:)?[0-9]/.test(version) && /^[0-9][A-Za-z0-9.+~:-]*$/.test(upstream) && (!upstream.includes(':') || /^\d+:/.test(version)) &&
    (!hasRevision || /^[A-Za-z0-9.+~]+$/.test(revision)) && (!upstream.includes('-') || hasRevision);
}

t.test('parseDebVersion splits at the first colon and the last hyphen', async (t) => {
  t.same(parseDebVersion('2:1.2-3-4'), { epoch: 2, upstream: '1.2-3', revision: '4' });
  t.same(parseDebVersion('1.0'), { epoch: 0, upstream: '1.0', revision: '' });
});

// rpm strings: alphanumerics, the separators rpm skips, '~' and '^'.
const rpmVersion = pick('0019aZz._+~^', 1, 8);

async function rpmOrder(pairs: [string, string][]): Promise<number[]> {
  // One rpm process: a Lua chunk collecting rpm.vercmp of every pair ([[...]] needs no escaping
  // here); rpm's print() in a macro adds no newline, so the results are joined and printed once.
  const calls = pairs.map(([a, b]) => `r[#r+1]=rpm.vercmp([[${a}]], [[${b}]])`).join(' ');
  const run = spawnSync('rpm', ['--eval', `%{lua: local r={} ${calls} print(table.concat(r, " "))}`], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`rpm --eval failed: ${run.stderr}`);
  return run.stdout.trim().split(' ').map(Number);
}

const hasRpmLua = onPath('rpm') && spawnSync('rpm', ['--eval', '%{lua: print(rpm.vercmp("1", "2"))}'], { encoding: 'utf8' }).stdout.trim() === '-1';

t.test('rpm versions order as rpm.vercmp says', { skip: hasRpmLua ? false : 'rpm with rpm.vercmp (Lua) is not installed' }, async (t) => {
  const hand: [string, string][] = [
    ['1.0', '1.0'], ['1.0', '1.1'], ['1.10', '1.9'], ['1.0a', '1.0'], ['1.0~rc1', '1.0'], ['1.0^git1', '1.0'], ['1.0^git1', '1.0.1'],
    ['2a', '2.0'], ['001', '1'], ['1.0.', '1.0'], ['1_0', '1.0'], ['a', '1'], ['1.0^', '1.0'], ['1~', '1^'], ['.', '1'], ['_', '~'],
  ];
  const pairs = [...hand, ...pairsFrom(rpmVersion, 800, '0129az._+~^')].filter(([a, b]) => a && b && !`${a}${b}`.includes(']]')); // rpm.vercmp refuses an empty version
  const want = await rpmOrder(pairs);
  t.equal(want.length, pairs.length, 'rpm answered every pair');
  const wrong = pairs.filter(([a, b], i) => rpmVerCmp(a, b) !== want[i] || rpmVerCmp(b, a) !== -want[i]);
  t.same(wrong, [], `${pairs.length} pairs, both ways`);
  t.ok(want.filter((w) => w === 0).length > 20 && want.filter((w) => w < 0).length > 100, 'the cases cover equal, older and newer');
});

t.test('compareEvr: epoch, then version, then release', async (t) => {
  t.equal(compareEvr('1:1.0-1', '2.0-1'), 1, 'epoch wins');
  t.equal(compareEvr('1.0-2', '1.0-10'), -1, 'release compared numerically');
  t.equal(compareEvr('0:1.0-1', '1.0-1'), 0, 'epoch 0 is no epoch');
  t.equal(compareEvr('1.0~rc1-1', '1.0-1'), -1, 'tilde in the version');
});
