// The JSON written in pieces is JSON.stringify(value, null, 2) byte for byte, whatever the value.
import t from 'tap';
import fc from 'fast-check';
import { writeInBatches } from '../../agent/reporters/batched-write.js';
import { jsonChunks } from '../../agent/reporters/json-chunks.js';

const joined = (value: unknown) => [...jsonChunks(value)].join('');
const expected = (value: unknown) => (JSON.stringify(value, null, 2) ?? 'null') + '\n';

t.test('any JSON value, nested deeper than the walked levels too', async (t) => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 7 }), (value) => joined(value) === expected(value)),
    { seed: 20261202, numRuns: 2000 },
  );
  t.pass('2,000 generated values');
});

t.test('what JSON.stringify leaves out or turns to null, and toJSON', async (t) => {
  const hidden = { shown: 1 };
  Object.defineProperty(hidden, 'fix', { value: ['rm'], enumerable: false });
  const values: unknown[] = [
    { a: undefined, b: () => 1, c: Symbol('s'), d: [undefined, () => 1, Symbol('t')], e: {} , f: [] },
    { when: new Date(Date.UTC(2026, 11, 2)), nested: { deeper: { deepest: [{ x: new Date(0) }] } } },
    hidden,
    [[[[[['six']]]]]],
    'a string with "quotes", \\ and a \u2028 line separator\nnewline',
    null,
    42,
  ];
  values.forEach((value, i) => t.equal(joined(value), expected(value), `value ${i} (${typeof value})`));
});

t.test('pieces go out in batches of about 64 KiB, all of them, in order', async (t) => {
  const writes: string[] = [];
  const pieces = Array.from({ length: 10_000 }, (_, i) => `${i},`);
  writeInBatches(pieces, (text) => writes.push(text));
  t.equal(writes.join(''), pieces.join(''), 'the same text');
  t.ok(writes.length >= 1 && writes.length < 5, `${writes.length} writes for ${pieces.join('').length} characters`);
  const none: string[] = [];
  writeInBatches([], (text) => none.push(text));
  t.same(none, [], 'nothing to write: no write');
});
