// IdMap against a Map model: random sets, gets and deletes (backward-shift deletion, growth and shrinking included).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { IdMap } from '../src/id-map.js';

const op = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), id: fc.integer({ min: 1, max: 64 }), value: fc.integer() }),
  fc.record({ kind: fc.constant('delete' as const), id: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('get' as const), id: fc.integer({ min: 1, max: 64 }) }),
);

test('behaves as a Map for any sequence of set/get/delete', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
      const map = new IdMap<number>();
      const model = new Map<number, number>();
      for (const o of ops) {
        if (o.kind === 'set') {
          map.set(o.id, o.value);
          model.set(o.id, o.value);
        } else if (o.kind === 'delete') {
          assert.is(map.delete(o.id), model.delete(o.id));
        } else {
          assert.is(map.get(o.id), model.get(o.id));
          assert.is(map.has(o.id), model.has(o.id));
        }
        assert.is(map.size, model.size);
      }
      assert.equal(map.values(), [...model.keys()].sort((a, b) => a - b).map((id) => model.get(id)));
    }),
    { numRuns: 1000 },
  );
});

test('a batch of a thousand streams comes and goes; large ids and clear()', () => {
  const map = new IdMap<string>();
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 1000; i++) map.set(round * 4000 + 2 * i + 1, `s${i}`);
    assert.is(map.size, 1000);
    for (let i = 0; i < 1000; i += 2) assert.ok(map.delete(round * 4000 + 2 * i + 1));
    for (let i = 1; i < 1000; i += 2) assert.is(map.get(round * 4000 + 2 * i + 1), `s${i}`);
    for (let i = 1; i < 1000; i += 2) map.delete(round * 4000 + 2 * i + 1);
    assert.is(map.size, 0);
    assert.is(map.get(round * 4000 + 3), undefined);
  }
  map.set(0x7fffffff, 'max');
  map.set(0x7ffffffd, 'max-2');
  assert.is(map.get(0x7fffffff), 'max');
  assert.equal(map.values(), ['max-2', 'max']);
  map.clear();
  assert.is(map.size, 0);
  assert.is(map.get(0x7fffffff), undefined);
});

test('delete never shrinks; compact() shrinks to fit, or to nothing when empty', () => {
  const map = new IdMap<number>();
  for (let i = 0; i < 1000; i++) map.set(2 * i + 1, i);
  const slotsOf = (m: IdMap<number>) => (m as unknown as { slots: unknown[] }).slots.length;
  const full = slotsOf(map);
  for (let i = 0; i < 990; i++) map.delete(2 * i + 1);
  assert.is(slotsOf(map), full); // a wave ending does not cost a rehash
  map.compact();
  assert.is(slotsOf(map), 2 * 32); // 10 entries: 32 buckets keep the load at most ½
  for (let i = 990; i < 1000; i++) assert.is(map.get(2 * i + 1), i);
  for (let i = 990; i < 1000; i++) map.delete(2 * i + 1);
  map.compact();
  assert.is(slotsOf(map), 0);
  map.set(7, 7);
  assert.is(map.get(7), 7);
});

test('rejects what is not a stream id (0 marks an empty bucket)', () => {
  const map = new IdMap<number>();
  for (const bad of [0, -1, 2 ** 31, 1.5, NaN]) assert.throws(() => map.set(bad, 1), /not a stream id/);
  assert.is(map.get(0), undefined);
  assert.is(map.has(0), false);
  assert.is(map.delete(0), false);
  assert.is(map.size, 0);
});

test.run();
