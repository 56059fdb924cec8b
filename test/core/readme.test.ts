// The README's table of checks is the registry's: the same ids in the same order, the same
// severity, and "fixes" exactly where a check has a fixable finding code.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKS } from '../../checks/index.js';
import { REPO } from '../helpers/agent.js';

t.test('the README table of checks matches the registry', async (t) => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf('| id | severity | cleanup |');
  t.ok(start >= 0, 'the table is there');
  const rows = readme
    .slice(start)
    .split('\n\n')[0]
    .split('\n')
    .slice(2)
    .map((line) => line.split('|').slice(1, 4).map((cell) => cell.trim().replace(/`/g, '')));
  t.same(
    rows.map(([id, severity, cleanup]) => ({ id, severity, fixes: cleanup === 'fixes' })),
    CHECKS.map((check) => ({ id: check.id, severity: check.severity, fixes: check.canFix })),
  );
});
