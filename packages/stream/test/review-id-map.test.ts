// Review: IdMap through growth past the shrink threshold and back (shrink, then reuse), against a Map model.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { IdMap } from '../src/id-map.js';

test('grow past 256 buckets, delete in any order (shrinks), grow again: always the Map', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 0x7fffffff }), { minLength: 130, maxLength: 400 }), fc.integer(), (ids, seed) => {
      const map = new IdMap<number>();
      const model = new Map<number, number>();
      for (const id of ids) {
        map.set(id, id ^ seed);
        model.set(id, id ^ seed);
      }
      // delete all but a few, in an order derived from the seed
      const order = ids.slice().sort((a, b) => ((a ^ seed) >>> 0) - ((b ^ seed) >>> 0));
      for (let i = 0; i < order.length - 3; i++) {
        assert.is(map.delete(order[i]!), model.delete(order[i]!));
        if (i % 17 === 0) for (const id of model.keys()) assert.is(map.get(id), model.get(id));
      }
      for (const id of ids) assert.is(map.get(id), model.get(id));
      for (const id of ids.slice(0, 50)) {
        map.set(id, -id);
        model.set(id, -id);
      }
      assert.is(map.size, model.size);
      assert.equal(map.values(), [...model.keys()].sort((a, b) => a - b).map((id) => model.get(id)));
    }),
    { numRuns: 200 },
  );
});

test.run();
