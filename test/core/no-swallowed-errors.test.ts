// "Could not read" is never "absent": a fact or check that turns a failed read into null, undefined
// or an empty list hides what it could not look at. Facts record it (host.fact's unread), checks
// report it (couldNotCheck). This test fails when the pattern comes back.
import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO } from '../helpers/agent.js';

const SWALLOWED = /\.catch\(\s*(?:\(\s*\w*\s*\)|\w+)\s*=>\s*(?:null|undefined|\[\]|false|''|\{\s*\})\s*\)/;
const DIRS = ['checks', 'agent/facts', 'distros'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

t.test('checks and facts never turn an unreadable file into an absent one', async (t) => {
  const files = DIRS.flatMap((dir) => sourceFiles(join(REPO, dir)));
  t.ok(files.length > 30, `${files.length} source files looked at`);
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, index) => {
      if (SWALLOWED.test(line)) t.fail(`${relative(REPO, file)}:${index + 1}: ${line.trim()}`);
    });
  }
});

t.test('the pattern is caught', async (t) => {
  for (const line of ['(await host.list(dir).catch(() => null)) ?? []', 'x.catch((err) => undefined)', 'y.catch(() => [])']) t.match(line, SWALLOWED, line);
  t.notMatch('z.catch((err) => { unread(path, err); })', SWALLOWED);
});
