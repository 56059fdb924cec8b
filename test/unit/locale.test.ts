// commandLocale: C.UTF-8 only where the machine has it (as a directory, as Debian, Ubuntu, EL 8+ and
// Fedora install it, or inside glibc's locale archive), C elsewhere (CentOS 6 and 7). The archives
// are real ones, written by this machine's localedef.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandLocale } from '../../agent/locale.js';

const work = mkdtempSync(join(tmpdir(), 'locale-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

function root(name: string, plant: (localeDir: string) => void): string {
  const dir = join(work, name);
  const localeDir = join(dir, 'usr/lib/locale');
  mkdirSync(localeDir, { recursive: true });
  plant(localeDir);
  return dir;
}

const compiled = (input: string, name: string) => (localeDir: string) =>
  execFileSync('localedef', ['-i', input, '-f', 'UTF-8', `--prefix=${join(localeDir, '../../..')}`, name], { stdio: 'ignore' });

const CASES: { title: string; plant: (localeDir: string) => void; expect: string }[] = [
  { title: 'glibc 2.35+ directory C.utf8 (Debian 12, Ubuntu 22.04, EL 9)', plant: (d) => writeFileSync(join(mkdir(d, 'C.utf8'), 'LC_CTYPE'), 'x'), expect: 'C.UTF-8' },
  { title: "Debian's older directory C.UTF-8 (Debian 9-11, Ubuntu 16.04-20.04)", plant: (d) => writeFileSync(join(mkdir(d, 'C.UTF-8'), 'LC_CTYPE'), 'x'), expect: 'C.UTF-8' },
  { title: 'C.utf8 inside the locale archive', plant: compiled('C', 'C.UTF-8'), expect: 'C.UTF-8' },
  { title: 'an archive with only en_US.utf8 (CentOS 7)', plant: compiled('en_US', 'en_US.UTF-8'), expect: 'C' },
  { title: 'no locales at all (CentOS 6 minimal, busybox)', plant: () => {}, expect: 'C' },
  { title: 'an empty C.utf8 directory', plant: (d) => mkdir(d, 'C.utf8'), expect: 'C' },
  { title: 'a locale-archive that is not one', plant: (d) => writeFileSync(join(d, 'locale-archive'), 'C.utf8\0C.UTF-8\0'), expect: 'C' },
];

function mkdir(parent: string, name: string): string {
  const dir = join(parent, name);
  mkdirSync(dir);
  return dir;
}

for (const [i, c] of CASES.entries()) {
  t.test(c.title, async (t) => {
    t.equal(commandLocale(root(`case-${i}`, c.plant)), c.expect);
  });
}

t.test('a root without /usr/lib/locale', async (t) => {
  t.equal(commandLocale(join(work, 'missing')), 'C');
});
