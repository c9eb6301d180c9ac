// ClosedRing grows its order array on demand; eviction stays oldest-first across the growth steps.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ClosedRing } from '../src/closed-ring.js';

test('remembers the last `capacity` closures in order through growth from 16 to 100', () => {
  const ring = new ClosedRing(100);
  for (let id = 1; id <= 499; id += 2) ring.set(id, 6); // 250 closures
  assert.is(ring.size, 100);
  for (let id = 1; id <= 499; id += 2) assert.is(ring.get(id), id > 499 - 200 ? 6 : undefined, `id ${id}`);
  assert.ok(ring.mayHaveForgotten(299), 'the newest evicted id');
  assert.not.ok(ring.mayHaveForgotten(301));
});

test('an id set again keeps its age', () => {
  const ring = new ClosedRing(20);
  for (let id = 2; id <= 40; id += 2) ring.set(id, 6);
  ring.set(2, 7); // still the oldest
  ring.set(42, 6);
  assert.is(ring.get(2), undefined);
  assert.is(ring.get(4), 6);
});

test.run();
