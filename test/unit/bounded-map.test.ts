// The host's caches keep only their newest entries, so memory stays flat however many homes a target has.
import t from 'tap';
import { BoundedMap } from '../../agent/bounded-map.js';

t.test('past its limit the oldest entry goes; replacing a key keeps the size', async (t) => {
  const map = new BoundedMap<string, number>(3);
  for (const [key, value] of [['a', 1], ['b', 2], ['c', 3]] as const) map.set(key, value);
  map.set('b', 20);
  t.same([...map.entries()], [['a', 1], ['b', 20], ['c', 3]], 'a key set again is replaced, nothing dropped');
  map.set('d', 4);
  t.same([...map.keys()], ['b', 'c', 'd'], 'the oldest key went');
  for (let i = 0; i < 1000; i++) map.set(`k${i}`, i);
  t.equal(map.size, 3, 'never more than the limit');
  t.same([...map.keys()], ['k997', 'k998', 'k999']);
});
