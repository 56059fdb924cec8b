// Every finding code a check declares is exercised by at least one row of the problems table (or
// by a named test, when no fixture root can produce it), and every row names a declared code.
import t from 'tap';
import { CHECKS, CHECKS_BY_ID } from '../../checks/index.js';
import { REAL_ROOT_PROBLEMS, TRAPS } from '../../fixtures/real/real-problems.js';
import { CODES_EXERCISED_ELSEWHERE } from '../../fixtures/synthetic/problems-edge.js';
import { PROBLEMS } from '../../fixtures/synthetic/problems.js';

const rows = [...PROBLEMS, ...REAL_ROOT_PROBLEMS, ...TRAPS];

t.test('every declared code has a row', async (t) => {
  const exercised = new Set(rows.flatMap((row) => row.expect.map((e) => `${e.check}:${e.code}`)));
  const declared = CHECKS.flatMap((check) => Object.keys(check.codes).map((code) => `${check.id}:${code}`));
  t.same(declared.filter((code) => !exercised.has(code) && !CODES_EXERCISED_ELSEWHERE[code]), [], 'codes without a row');
});

t.test('every row names a declared code, and states its fix as the code does', async (t) => {
  for (const row of rows) {
    for (const e of row.expect) {
      const check = CHECKS_BY_ID.get(e.check);
      t.ok(check && e.code in check.codes, `${row.name}: ${e.check} declares ${e.code}`);
      if (!check || !(e.code in check.codes)) continue;
      t.equal(Array.isArray(e.fix), check.codes[e.code] !== null, `${row.name}: ${e.check} ${e.code} is ${Array.isArray(e.fix) ? '' : 'not '}fixable`);
    }
  }
});
