// The encoder's block cache: a repeated header list that leaves the table unchanged is replayed byte for byte, and
// the peer's decoder stays in step whatever mix of repeated lists, inserts, evictions and size changes comes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { Decoder, Encoder } from '../src/index.js';
import { BlockCache } from '../src/block-cache.js';
import { exchangeInStep, toHex as hex } from './support.js';

test('the same response headers: first block inserts, later blocks are the same bytes as a fresh encode', () => {
  const enc = new Encoder();
  const list: Array<[string, string]> = [[':status', '200'], ['content-type', 'text/plain'], ['date', 'Sun, 22 Nov 2026 15:26:25 GMT']];
  const first = enc.encode(list);
  const second = enc.encode(list);
  const third = enc.encode(list);
  assert.is.not(hex(first), hex(second)); // content-type was inserted by the first block
  assert.is(hex(third), hex(second));
  // A second encoder in the same state encodes without any cache: same bytes.
  const control = new Encoder();
  control.encode(list);
  assert.is(hex(control.encode(list.map(([n, v]) => [n, v] as [string, string]))), hex(third));
  // A different value (next second's date) is encoded afresh.
  const next = enc.encode([list[0]!, list[1]!, ['date', 'Sun, 22 Nov 2026 15:26:26 GMT']]);
  assert.is.not(hex(next), hex(third));
  // Sensitivity is part of the key: a never-indexed field is not the indexed one.
  const sensitive = enc.encode([list[0]!, ['content-type', 'text/plain', true] as unknown as [string, string], list[2]!]);
  assert.is.not(hex(sensitive), hex(third));
});

test('a table size change in between: the cache is not used until the update is sent, then stays valid', () => {
  const enc = new Encoder();
  const dec = new Decoder();
  const list: Array<[string, string]> = [[':status', '200'], ['x-a', 'a'.repeat(40)], ['x-b', 'b']];
  for (let i = 0; i < 3; i++) assert.equal(dec.decode(enc.encode(list)), list);
  enc.setMaxTableSize(0);
  dec.setMaxTableSize(0);
  const shrunk = enc.encode(list);
  assert.is(shrunk[0]! & 0xe0, 0x20); // starts with a size update
  assert.equal(dec.decode(shrunk), list);
  enc.setMaxTableSize(4096);
  dec.setMaxTableSize(4096);
  for (let i = 0; i < 3; i++) assert.equal(dec.decode(enc.encode(list)), list);
  assert.equal(enc.tableEntries(), dec.tableEntries());
});

test('property: repeated lists from a small pool with size changes decode to what was encoded, tables in step', () => {
  const field = fc.tuple(fc.constantFrom(':status', 'content-type', 'x-id', 'date', 'set-cookie'), fc.constantFrom('200', 'a', 'text/plain', 'x'.repeat(90)));
  const list = fc.array(field, { minLength: 0, maxLength: 5 });
  const step = fc.oneof(
    { weight: 8, arbitrary: fc.nat(3).map((i) => ({ pick: i })) },
    { weight: 1, arbitrary: fc.constantFrom(0, 64, 256, 4096).map((size) => ({ size })) },
  );
  fc.assert(
    fc.property(fc.array(list, { minLength: 4, maxLength: 4 }), fc.array(step, { maxLength: 40 }), (pool, steps) =>
      exchangeInStep(steps.map((s) => ('size' in s ? s : { list: pool[s.pick]! }))),
    ),
    { numRuns: 1000 },
  );
});

test('lists that differ in their last field: the shared leading fields are copied, the block is what a fresh encode gives', () => {
  const enc = new Encoder();
  const control = new Encoder();
  const dec = new Decoder();
  const head: Array<[string, string]> = [[':method', 'GET'], [':path', '/'], ['x-forwarded-for', '10.0.0.1'], ['via', '2 strand']];
  for (let i = 0; i < 20; i++) {
    const list: Array<[string, string]> = [...head, ['x-request-id', `id-${i}-${'z'.repeat(i)}`]];
    const block = enc.encode(list);
    assert.is(hex(block), hex(control.encode(list.values())), `block ${i}`); // an iterator: no cache on that side
    assert.equal(dec.decode(block), list);
  }
  assert.equal(enc.tableEntries(), dec.tableEntries());
});

test("the next second's date: the second block with it refreshes the cache, later ones are copied whole", () => {
  const enc = new Encoder();
  const control = new Encoder();
  const dec = new Decoder();
  const replays: Array<[number, number]> = []; // [fields copied, fields in the list]
  const replay = BlockCache.prototype.replay;
  BlockCache.prototype.replay = function (this: BlockCache, ...args: Parameters<typeof replay>): number {
    const copied = replay.apply(this, args);
    replays.push([copied, args[1].length]);
    return copied;
  };
  try {
    const response = (date: string): Array<[string, string]> => [[':status', '200'], ['content-type', 'text/plain'], ['date', date], ['via', '2 strand']];
    const lists = [0, 0, 0, 1, 1, 1, 1, 2, 2, 2].map((s) => response(`Sun, 22 Nov 2026 15:26:2${s} GMT`));
    for (const list of lists) {
      const block = enc.encode(list);
      assert.is(hex(block), hex(control.encode(list.values())));
      assert.equal(dec.decode(block), list);
    }
    // Block 1 has no cache yet, block 2 finds it empty (and is stored), block 3 is copied; the first block of a new
    // second stops at the date, the second one too (and is stored: the same new date twice), the rest are copied whole.
    assert.equal(replays, [[0, 4], [4, 4], [2, 4], [2, 4], [4, 4], [4, 4], [2, 4], [2, 4], [4, 4]]);
  } finally {
    BlockCache.prototype.replay = replay;
  }
});

test('a tail that differs every time (a generated id) never refreshes the cache: its prefix keeps being copied', () => {
  const enc = new Encoder();
  const stores: number[] = [];
  const store = BlockCache.prototype.store;
  BlockCache.prototype.store = function (this: BlockCache, ...args: Parameters<typeof store>): void {
    stores.push(args[5] ?? 0);
    store.apply(this, args);
  };
  try {
    for (let i = 0; i < 10; i++) enc.encode([[':method', 'GET'], [':path', '/'], ['x-request-id', `id-${i}`]]);
    assert.equal(stores, [0]); // block 2 only: every later block stops at a new id and is never stored
  } finally {
    BlockCache.prototype.store = store;
  }
});

test('property: lists sharing prefixes, with differing tails and size changes, stay in step with a cache-free encoder', () => {
  const field = fc.tuple(fc.constantFrom('a', 'b', 'x-id', 'date'), fc.constantFrom('1', '2', 'v'.repeat(50)));
  const step = fc.oneof(
    { weight: 8, arbitrary: fc.record({ prefix: fc.nat(3), tail: fc.array(field, { maxLength: 3 }) }) },
    { weight: 1, arbitrary: fc.constantFrom(0, 100, 4096).map((size) => ({ size })) },
  );
  fc.assert(
    fc.property(fc.array(field, { minLength: 3, maxLength: 3 }), fc.array(step, { maxLength: 40 }), (base, steps) =>
      exchangeInStep(steps.map((s) => ('size' in s ? s : { list: [...base.slice(0, s.prefix), ...s.tail] }))),
    ),
    { numRuns: 1000 },
  );
});

test('property: sensitive fields, lists over 31 fields and blocks over 1 KiB, with refreshes, stay byte-equal to a cache-free encoder', () => {
  // Tails from a few constants repeat, so partial replays often stop twice at the same new field (a refresh store).
  const field = fc.tuple(fc.constantFrom('a', 'date', 'authorization'), fc.constantFrom('1', '2', 'w'.repeat(600)), fc.boolean());
  const step = fc.oneof(
    { weight: 8, arbitrary: fc.record({ prefix: fc.nat(35), tail: fc.array(field, { maxLength: 2 }) }) },
    { weight: 1, arbitrary: fc.constantFrom(0, 4096).map((size) => ({ size })) },
  );
  fc.assert(
    fc.property(fc.array(field, { minLength: 35, maxLength: 35 }), fc.array(step, { maxLength: 30 }), (base, steps) =>
      exchangeInStep(steps.map((s) => ('size' in s ? s : { list: [...base.slice(0, s.prefix), ...s.tail] }))),
    ),
    { numRuns: 1000 },
  );
});

test.run();
