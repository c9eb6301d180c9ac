// ClosedRing grows its order array on demand; eviction stays oldest-first across the growth steps.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
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

test('property: matches a model (Map + FIFO) for any sequence of closures, capacities 0 to 40', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 40 }),
      // Small id ranges force repeats and long probe chains; large ones spread the index.
      fc.oneof(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 2 ** 31 - 1 })).chain((max) =>
        fc.array(fc.tuple(fc.integer({ min: 1, max }), fc.integer({ min: 0, max: 10 })), { maxLength: 300 }),
      ),
      (capacity, closures) => {
        const ring = new ClosedRing(capacity);
        const model = new Map<number, number>();
        const order: number[] = [];
        const evicted = [0, 0];
        const forget = (id: number) => (evicted[id & 1] = Math.max(evicted[id & 1]!, id));
        for (const [id, state] of closures) {
          ring.set(id, state);
          if (model.has(id)) model.set(id, state);
          else if (capacity === 0) forget(id);
          else {
            if (model.size === capacity) {
              const oldest = order.shift()!;
              model.delete(oldest);
              forget(oldest);
            }
            order.push(id);
            model.set(id, state);
          }
          assert.is(ring.size, model.size);
        }
        for (const [id] of closures) {
          assert.is(ring.get(id), model.get(id), `id ${id}`);
          assert.is(ring.mayHaveForgotten(id), id <= evicted[id & 1]!);
        }
        assert.is(ring.get(0), undefined);
      },
    ),
    { numRuns: 1000 },
  );
});

test.run();
