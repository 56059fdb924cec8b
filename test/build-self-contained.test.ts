// build/self-contained.mjs on small C programs instead of the 100 MiB runtime: a non-PIE program
// rewritten by it runs with its arguments and environment intact and no interpreter; each assumption
// the design relies on fails the build with its reason when a program breaks it.
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildAssumptionError, compileLauncher, makeSelfContained } from '../build/self-contained.mjs';
import { REPO } from './helpers/agent.js';

const work = mkdtempSync(join(tmpdir(), 'self-contained-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));
const launcherCode = compileLauncher(join(REPO, 'build', 'launcher'), work);

const SOURCE = `#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
extern char **environ;
int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) printf("arg %s\\n", argv[i]);
  for (char **e = environ; *e; e++) printf("env %s\\n", *e);
  char self[256] = "";
  readlink("/proc/self/exe", self, sizeof self - 1);
  printf("argv0 %s\\nexe-is-memfd %d\\n", argv[0], self[0] == '/' && self[1] == 'm' && self[2] == 'e');
  return 7;
}
`;

function program(name: string, flags: string[]): string {
  const source = join(work, `${name}.c`);
  writeFileSync(source, SOURCE);
  const out = join(work, name);
  execFileSync('gcc', ['-O1', ...flags, '-o', out, source]);
  return out;
}

function rewrite(input: string): string {
  const output = `${input}.self-contained`;
  makeSelfContained({ input, output, runtime: input, launcherCode });
  return output;
}

t.test('a non-PIE program runs through its bundled loader as it ran before', async (t) => {
  const plain = program('plain', ['-no-pie']);
  const rewritten = rewrite(plain);
  t.notMatch(execFileSync('readelf', ['-lW', rewritten], { encoding: 'utf8' }), /INTERP/, 'no PT_INTERP left');
  const env = { ONE: '1', TWO: 'two words' };
  const run = (file: string) => spawnSync(file, ['a', 'b c'], { env, encoding: 'utf8' });
  const [before, after] = [run(plain), run(rewritten)];
  t.equal(after.status, 7, 'exit status kept');
  t.equal(after.stderr, '');
  t.same(after.stdout.split('\n').filter((l) => l.startsWith('arg ') || l.startsWith('env ')), before.stdout.split('\n').filter((l) => l.startsWith('arg ') || l.startsWith('env ')), 'the same arguments and the same environment (the launch variable removed)');
  t.match(after.stdout, `argv0 ${rewritten}\n`, 'argv[0] is the real path');
  t.match(after.stdout, 'exe-is-memfd 1', '/proc/self/exe is the bundled loader');
});

const REFUSED: { title: string; flags: string[]; message: RegExp }[] = [
  { title: 'a position-independent program', flags: ['-pie', '-fPIE'], message: /position-independent/ },
  { title: 'a static program', flags: ['-static'], message: /no PT_INTERP/ },
  { title: 'a program with no room below it', flags: ['-no-pie', '-Wl,-Ttext-segment=0x100000'], message: /no free address space below/ },
];

for (const c of REFUSED) {
  t.test(`${c.title}: the build stops with the reason`, async (t) => {
    const file = program(c.title.replace(/\W+/g, '-'), c.flags);
    t.throws(() => rewrite(file), c.message);
    try {
      rewrite(file);
    } catch (err) {
      t.ok(err instanceof BuildAssumptionError, 'a build assumption error, printed as one message');
    }
  });
}
